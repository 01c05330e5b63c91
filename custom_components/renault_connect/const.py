"""Constants for the Renault Connect integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "renault_connect"
LOGGER = logging.getLogger(__package__)

CONF_LOCALE: Final = "locale"
CONF_KAMEREON_ACCOUNT_ID: Final = "kamereon_account_id"
CONF_LOGIN_TOKEN: Final = "login_token"  # noqa: S105 - a key, not a secret
CONF_DEVICE_IDS: Final = "device_ids"

# Options
CONF_VEHICLES: Final = "vehicles"
CONF_KNOWN_VEHICLES: Final = "known_vehicles"
CONF_AUTO_ADD: Final = "auto_add_vehicles"
CONF_VEHICLE_SETTINGS: Final = "vehicle_settings"
CONF_BATTERY_CAPACITY: Final = "battery_capacity"
CONF_HVAC_TEMPERATURE: Final = "hvac_temperature"
DEFAULT_HVAC_TEMPERATURE: Final = 21.0
# The preconditioning temperatures the cloud accepts.
MIN_HVAC_TEMPERATURE: Final = 16.0
MAX_HVAC_TEMPERATURE: Final = 26.0

# Polling: the account's hourly request budget, and the quiet hours (local
# time) when a car that is not charging is read only once an hour.
CONF_HOURLY_BUDGET: Final = "hourly_budget"
DEFAULT_HOURLY_BUDGET: Final = 15
MIN_HOURLY_BUDGET: Final = 4
MAX_HOURLY_BUDGET: Final = 60
CONF_QUIET_START: Final = "quiet_start"
CONF_QUIET_END: Final = "quiet_end"
DEFAULT_QUIET_START: Final = "23:00:00"
DEFAULT_QUIET_END: Final = "06:00:00"

# Seconds allowed for one exchange with the Renault cloud (login, a data read).
REQUEST_TIMEOUT: Final = 30

# Developers and tests only: the root URL of a Renault cloud on this machine
# (the fake cloud in fake_renault_cloud/), used instead of Renault's servers.
CLOUD_URL_ENV: Final = "RENAULT_CONNECT_CLOUD_URL"

# Options of an electric car: its home charger, and what smart charging reads.
CONF_CHARGER_SWITCH: Final = "charger_switch"
CONF_CHARGER_POWER: Final = "charger_power"
CONF_CHARGER_ENERGY: Final = "charger_energy"
CONF_PRICE_ENTITY: Final = "price_entity"
CONF_MAX_PRICE: Final = "max_price"
CONF_SURPLUS_ENTITY: Final = "surplus_entity"
CONF_SURPLUS_THRESHOLD: Final = "surplus_threshold"
DEFAULT_SURPLUS_THRESHOLD: Final = 1400
