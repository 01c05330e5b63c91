"""What a Kamereon vehicle request asks for, one value per path, method and action."""

from __future__ import annotations

from enum import StrEnum


class Op(StrEnum):
    """One vehicle operation: a data endpoint, or an action with its verb.

    The value names the adapter (``kca``/``kcm``) and path; actions that share
    a path (charging-start, hvac-start, horn-lights, pause-resume) are split by
    the action of the body, because the cars support them one by one.
    """

    CAR_ADAPTER = "kca/car-adapter"
    BATTERY_STATUS = "kca/battery-status"
    CHARGE_HISTORY = "kca/charge-history"
    CHARGE_MODE = "kca/charge-mode"
    CHARGE_SCHEDULE = "kca/charge-schedule"
    CHARGES = "kca/charges"
    CHARGING_SETTINGS = "kca/charging-settings"
    COCKPIT = "kca/cockpit"
    HVAC_HISTORY = "kca/hvac-history"
    HVAC_SESSIONS = "kca/hvac-sessions"
    HVAC_SETTINGS = "kca/hvac-settings"
    HVAC_STATUS = "kca/hvac-status"
    LOCATION = "kca/location"
    LOCK_STATUS = "kca/lock-status"
    NOTIFICATION_SETTINGS = "kca/notification-settings"
    PRESSURE = "kca/pressure"
    RES_STATE = "kca/res-state"
    ALERTS = "vehicles/alerts"
    SOC_LEVELS = "kcm/ev/soc-levels"
    EV_SETTINGS = "kcm/ev/settings"
    SET_CHARGE_MODE = "kca/actions/charge-mode"
    SET_CHARGE_SCHEDULE = "kca/actions/charge-schedule"
    CHARGING_START = "kca/actions/charging-start:start"
    CHARGING_STOP = "kca/actions/charging-start:stop"
    SET_HVAC_SCHEDULE = "kca/actions/hvac-schedule"
    HVAC_START = "kca/actions/hvac-start:start"
    HVAC_CANCEL = "kca/actions/hvac-start:cancel"
    HVAC_STOP = "kca/actions/hvac-start:stop"
    HORN = "kca/actions/horn-lights:horn"
    LIGHTS = "kca/actions/horn-lights:lights"
    REFRESH_LOCATION = "kca/actions/refresh-location"
    SET_SOC_LEVELS = "kcm/ev/soc-levels:set"
    SET_EV_SETTINGS = "kcm/ev/settings:set"
    KCM_SET_CHARGE_SCHEDULE = "kcm/charge/schedule"
    KCM_CHARGE_START = "kcm/charge/start"
    KCM_CHARGE_PAUSE = "kcm/charge/pause-resume:pause"
    KCM_CHARGE_RESUME = "kcm/charge/pause-resume:resume"

    @property
    def endpoint(self) -> str:
        """Return the renault-api endpoint key this operation serves.

        This is the key of renault-api's per-model endpoint map (for instance
        ``actions/charge-start`` for all four ways of starting a charge), which
        is also the key fault injection and the request log use.
        """
        return _ENDPOINT_KEYS.get(self, self.value.removeprefix("kca/"))


_ENDPOINT_KEYS: dict[Op, str] = {
    Op.CAR_ADAPTER: "car-adapter",
    Op.ALERTS: "alerts",
    Op.SOC_LEVELS: "soc-levels",
    Op.EV_SETTINGS: "charge-schedule",
    Op.SET_CHARGE_MODE: "actions/charge-set-mode",
    Op.SET_CHARGE_SCHEDULE: "actions/charge-set-schedule",
    Op.CHARGING_START: "actions/charge-start",
    Op.CHARGING_STOP: "actions/charge-stop",
    Op.SET_HVAC_SCHEDULE: "actions/hvac-set-schedule",
    Op.HVAC_START: "actions/hvac-start",
    Op.HVAC_CANCEL: "actions/hvac-stop",
    Op.HVAC_STOP: "actions/hvac-stop",
    Op.HORN: "actions/horn-start",
    Op.LIGHTS: "actions/lights-start",
    Op.REFRESH_LOCATION: "actions/refresh-location",
    Op.SET_SOC_LEVELS: "soc-levels",
    Op.SET_EV_SETTINGS: "actions/charge-start",
    Op.KCM_SET_CHARGE_SCHEDULE: "actions/charge-set-schedule",
    Op.KCM_CHARGE_START: "actions/charge-start",
    Op.KCM_CHARGE_PAUSE: "actions/charge-stop",
    Op.KCM_CHARGE_RESUME: "actions/charge-start",
}
