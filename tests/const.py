"""Values shared by the tests."""

EMAIL = "camille.martin@example.com"
PASSWORD = "correct horse battery staple"
LOCALE = "fr_FR"
# The vehicles of the test account: an electric car of each control family.
PROFILES = ("zoe_50", "megane_e_tech")
