"""What differs between the oldest and the newest Home Assistant supported.

Each name below exists at run time on every supported version; the comments
keep `mypy --strict` quiet on the version where a name is only re-exported, or
lives elsewhere.
"""

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,
)
from homeassistant.components.climate import ClimateEntity
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined, unused-ignore]
    TrackerEntity,
    TrackerEntityDescription,
)

# Home Assistant 2026.11 and newer read climate temperatures as `native_...`
# (the plain names are deprecated, to stop working in 2027.11).
NATIVE_CLIMATE_TEMPERATURES = hasattr(ClimateEntity, "native_current_temperature")

try:  # Home Assistant 2026.9 and newer validate with probatio
    import probatio as vol  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - older versions
    import voluptuous as vol  # type: ignore[no-redef, unused-ignore]

try:  # Home Assistant 2025.5 and newer type repair flow results
    from homeassistant.components.repairs import (  # type: ignore[attr-defined, unused-ignore]
        RepairsFlowResult,
    )
except ImportError:  # pragma: no cover - older versions
    from homeassistant.data_entry_flow import (  # type: ignore[assignment, unused-ignore]
        FlowResult as RepairsFlowResult,
    )

__all__ = [
    "NATIVE_CLIMATE_TEMPERATURES",
    "BinarySensorDeviceClass",
    "RepairsFlowResult",
    "TrackerEntity",
    "TrackerEntityDescription",
    "vol",
]
