"""Repairs: pick the account again when the entry's account disappeared."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)

from .accounts import async_read_accounts
from .cloud import CloudError, CloudSession, LoginExpiredError, LoginRefusedError
from .compat import RepairsFlowResult, vol
from .const import (
    CONF_KAMEREON_ACCOUNT_ID,
    CONF_KNOWN_VEHICLES,
    DOMAIN,
)

# Names the entry's vehicles when none is known yet.
_UNKNOWN_VEHICLES = "…"


def account_gone_issue_id(entry_id: str) -> str:
    """Return the repair issue id of an entry whose account disappeared."""
    return f"account_gone_{entry_id}"


@callback
def async_report_account_gone(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the repair issue that lets the user pick the account again."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        account_gone_issue_id(entry.entry_id),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="account_gone",
        translation_placeholders=account_placeholders(hass, entry),
        data={"entry_id": entry.entry_id},
    )


@callback
def async_clear_account_gone(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Drop the repair issue: the account answers again."""
    ir.async_delete_issue(hass, DOMAIN, account_gone_issue_id(entry.entry_id))


@callback
def account_placeholders(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, str]:
    """Name an entry's account by the models of its cars.

    Never by the entry's title (the person's name or e-mail), nor a plate:
    Home Assistant shows repair issues in the entry's diagnostics.
    """
    models = {
        device.model
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        if device.entry_type is None and device.model
    }
    return {"vehicles": ", ".join(sorted(models)) or _UNKNOWN_VEHICLES}


class AccountGoneRepairFlow(RepairsFlow):
    """Move the entry to the account that now holds its vehicles."""

    def __init__(self, entry: ConfigEntry) -> None:
        """Repair the given entry."""
        self.entry = entry
        self._candidates: dict[str, str] = {}

    async def async_step_init(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002 - the step's signature
    ) -> RepairsFlowResult:
        """Find the accounts holding the entry's vehicles."""
        try:
            await self._async_find_candidates()
        except (LoginExpiredError, LoginRefusedError):
            # Even a fresh login with the stored password does not serve.
            return self.async_abort(reason="reauth_required")
        except CloudError:
            return self.async_abort(reason="cannot_connect")
        if not self._candidates:
            return self.async_abort(reason="no_account_with_vehicles")
        return await self.async_step_choose()

    async def async_step_choose(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Let the user pick the account; the entry then reloads on it."""
        if user_input is not None:
            account_id = user_input[CONF_KAMEREON_ACCOUNT_ID]
            for other in self.hass.config_entries.async_entries(DOMAIN):
                if other.unique_id == account_id and other is not self.entry:
                    return self.async_abort(reason="already_configured")
            self.hass.config_entries.async_update_entry(
                self.entry,
                unique_id=account_id,
                data={**self.entry.data, CONF_KAMEREON_ACCOUNT_ID: account_id},
            )
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
            return self.async_create_entry(data={})
        options = [
            SelectOptionDict(value=account_id, label=label)
            for account_id, label in self._candidates.items()
        ]
        return self.async_show_form(
            step_id="choose",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_KAMEREON_ACCOUNT_ID): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
            description_placeholders=account_placeholders(self.hass, self.entry),
        )

    async def _async_find_candidates(self) -> None:
        """List the person's accounts that hold some of the entry's vehicles."""
        person = await async_read_accounts(
            CloudSession(self.hass, self.entry.data, owner=self.entry.entry_id)
        )
        known = set(self.entry.options[CONF_KNOWN_VEHICLES])
        self._candidates = {
            account_id: account.label
            for account_id, account in person.accounts.items()
            if known & set(account.vehicles)
        }


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,  # noqa: ARG001 - part of Home Assistant's signature
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Create the flow that fixes an issue raised by this integration."""
    assert data is not None  # noqa: S101 - every issue of ours carries its entry
    entry = hass.config_entries.async_get_entry(str(data["entry_id"]))
    assert entry is not None  # noqa: S101 - issues are deleted with their entry
    return AccountGoneRepairFlow(entry)
