"""The tests' fixtures (the fake cloud on loopback, custom integrations on)."""

from tests.conftest import (  # noqa: F401 - fixtures the benchmark uses
    auto_enable_custom_integrations,
    fake_cloud,
)
