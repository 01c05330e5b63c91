"""Smart charging through the car's own schedule, pure: what to write and restore.

Cars the cloud cannot stop (Megane E-Tech, Renault 5, Alpine A290) charge when
their schedule says so. Smart charging keeps the user's own charge settings,
writes its planned windows as the car's schedule, and writes the user's back
when it hands the car back:

- car-adapter schedules (Megane E-Tech): one schedule per window (at most
  five), on the window's UTC weekday, in steps of 15 minutes, and the mode
  "scheduled". The user's other schedules are switched off, not removed.
- the KCM ev/settings document (Renault 5, Alpine A290): one daily window,
  chargeTimeStart (the car's local time) and chargeDuration, in steps of 5
  minutes, and chargeModeRq SCHEDULED. The car follows the window only while
  a charge program is active: one is added when the user has none. Nothing
  else of the document is touched, so the user's programs stay theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from .car_schedules import (
    DAYS,
    KCM_TIME_STEP,
    MAX_DURATION,
    MAX_SCHEDULES,
    PROGRAM_DAYS,
    Schedule,
)
from .smart_charging import ChargeWindow

# The ev/settings fields a hold writes (and restores).
KCM_FIELDS = ("chargeModeRq", "chargeTimeStart", "chargeDuration")
# A KCM window of a whole day or more has no end: the car charges to its limit.
KCM_MAX_DURATION = 24 * 60 - KCM_TIME_STEP
# A KCM car with nothing to charge keeps a window that has just ended; it comes
# round again a day later, so it is moved before then.
KCM_IDLE_RENEW = timedelta(hours=20)
# Windows whose ends are closer than this are the same (no write).
END_TOLERANCE = timedelta(minutes=15)
CHARGE_PROGRAM_TYPES = frozenset({"CHARGE", "CHARGE_AND_PRECONDITIONING"})


class HoldKind(StrEnum):
    """Where a car keeps the schedule a hold writes."""

    KCA = "kca"
    KCM = "kcm"


def _floor(moment: datetime, step: int) -> datetime:
    """Return the moment rounded down to a step of minutes."""
    moment = moment.replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % step)


def _ceil(moment: datetime, step: int) -> datetime:
    """Return the moment rounded up to a step of minutes."""
    floored = _floor(moment, step)
    return floored if floored == moment else floored + timedelta(minutes=step)


def trimmed(windows: Iterable[ChargeWindow], needed: timedelta) -> list[ChargeWindow]:
    """Return the windows cut once they give `needed` charging time.

    Price slots are whole hours (or quarters): a schedule that charged all of
    them would run past the target while Home Assistant cannot stop it.
    """
    kept: list[ChargeWindow] = []
    for window in sorted(windows, key=lambda window: window.start):
        if needed <= timedelta():
            break
        end = min(window.end, window.start + needed)
        kept.append(ChargeWindow(window.start, end))
        needed -= end - window.start
    return kept


def rounded_windows(
    windows: Iterable[ChargeWindow], step: int, most: int
) -> list[ChargeWindow]:
    """Return the windows on the car's steps: starts down, ends up, at most `most`.

    Windows that touch once rounded are one; beyond `most`, the two closest
    are joined (the gap between them is charged too).
    """
    rounded: list[ChargeWindow] = []
    for window in sorted(windows, key=lambda window: window.start):
        start, end = _floor(window.start, step), _ceil(window.end, step)
        if rounded and start <= rounded[-1].end:
            rounded[-1] = ChargeWindow(rounded[-1].start, max(end, rounded[-1].end))
        else:
            rounded.append(ChargeWindow(start, end))
    while len(rounded) > most:
        gaps = [
            (rounded[index + 1].start - rounded[index].end, index)
            for index in range(len(rounded) - 1)
        ]
        _, index = min(gaps)
        joined = ChargeWindow(rounded[index].start, rounded[index + 1].end)
        rounded[index : index + 2] = [joined]
    return rounded


def same_windows(
    written: Sequence[ChargeWindow], wanted: Sequence[ChargeWindow], now: datetime
) -> bool:
    """Tell whether the car's schedule already gives the windows wanted.

    Ends a little apart are the same: estimates move a little with each read,
    and the target stops the charge anyway. A window running now is kept
    unless the plan ends it sooner (a read may lag the car's charge; what is
    still needed at its end gets a window of its own then).
    """
    if written and written[0].start <= now < written[0].end:
        if not wanted or wanted[0].start > now:
            return False
        if wanted[0].end <= written[0].end - END_TOLERANCE:
            return False
        written, wanted = written[1:], wanted[1:]
    return len(written) == len(wanted) and all(
        old.start == new.start and abs(old.end - new.end) < END_TOLERANCE
        for old, new in zip(written, wanted, strict=True)
    )


@dataclass(frozen=True, kw_only=True)
class HeldState:
    """What a hold keeps across restarts: the user's settings and what it wrote."""

    kind: HoldKind
    saved: dict[str, Any]
    """KCA: the mode and every schedule; KCM: the fields a hold writes."""
    added_program: Schedule | None = None
    """KCM: the charge program added because the user had none active."""
    written: list[ChargeWindow] = field(default_factory=list)
    written_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the state as stored."""
        return {
            "kind": self.kind,
            "saved": self.saved,
            "added_program": self.added_program,
            "written": [
                [window.start.isoformat(), window.end.isoformat()]
                for window in self.written
            ],
            "written_at": self.written_at.isoformat() if self.written_at else None,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> HeldState:
        """Read a stored state."""
        written_at = stored.get("written_at")
        return cls(
            kind=HoldKind(stored["kind"]),
            saved=dict(stored["saved"]),
            added_program=stored.get("added_program"),
            written=[
                ChargeWindow(datetime.fromisoformat(start), datetime.fromisoformat(end))
                for start, end in stored.get("written") or []
            ],
            written_at=datetime.fromisoformat(written_at) if written_at else None,
        )


# -- Car-adapter schedules (Megane E-Tech) -------------------------------------


def kca_saved(mode: str | None, schedules: list[Schedule]) -> dict[str, Any]:
    """Return the user's charge settings as kept: the mode and every schedule."""
    return {"mode": mode, "schedules": schedules}


def kca_schedules(
    windows: Sequence[ChargeWindow], user_schedules: Iterable[Schedule]
) -> list[Schedule]:
    """Return the schedules that charge in the windows, and only then.

    Window n is schedule n; the user's schedules beyond are switched off.
    """
    held: list[Schedule] = []
    for number, window in enumerate(windows[:MAX_SCHEDULES], start=1):
        start = window.start.astimezone(UTC)
        minutes = int((window.end - window.start).total_seconds() // 60)
        entry = {
            "startTime": start.strftime("T%H:%MZ"),
            "duration": min(minutes, MAX_DURATION),
        }
        held.append(
            {
                "id": number,
                "activated": True,
                **dict.fromkeys(DAYS),
                DAYS[start.weekday()]: entry,
            }
        )
    held.extend(
        {**schedule, "activated": False}
        for schedule in user_schedules
        if schedule["id"] > len(held)
    )
    return held


# -- KCM ev/settings (Renault 5, Alpine A290) ----------------------------------


def kcm_saved(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the fields of the user's ev/settings a hold writes."""
    return {key: document.get(key) for key in KCM_FIELDS}


def kcm_window(window: ChargeWindow | None, now: datetime) -> ChargeWindow:
    """Return the daily window to write: the planned one, or one just ended."""
    if window is not None:
        end = min(window.end, window.start + timedelta(minutes=KCM_MAX_DURATION))
        return ChargeWindow(window.start, end)
    end = _floor(now, KCM_TIME_STEP)
    return ChargeWindow(end - timedelta(minutes=KCM_TIME_STEP), end)


def kcm_fields(window: ChargeWindow, zone: tzinfo) -> dict[str, Any]:
    """Return the ev/settings fields that charge in the window, every day."""
    minutes = int((window.end - window.start).total_seconds() // 60)
    return {
        "chargeModeRq": "SCHEDULED",
        "chargeTimeStart": window.start.astimezone(zone).strftime("%H:%M"),
        "chargeDuration": minutes,
    }


def has_charge_program(programs: Iterable[Mapping[str, Any]]) -> bool:
    """Tell whether a program that charges is active."""
    return any(
        program.get("programActivationStatus")
        and str(program.get("programType", "")).upper() in CHARGE_PROGRAM_TYPES
        for program in programs
    )


def charge_program(departure: time) -> Schedule:
    """Return the charge program a hold adds: every day, by the departure."""
    return {
        "programActivationStatus": True,
        "programType": "CHARGE",
        "programDepartureTime": departure.strftime("%H:%M"),
        **dict.fromkeys(PROGRAM_DAYS.values(), True),
    }


def kcm_known_fields(saved: Mapping[str, Any]) -> dict[str, Any]:
    """Return the user's fields to write back (those their document had)."""
    return {key: value for key, value in saved.items() if value is not None}


def kcm_with_program(
    document: Mapping[str, Any], added_program: Schedule | None
) -> dict[str, Any]:
    """Return the document with the added charge program, once, at the end."""
    programs = list(document.get("programs") or [])
    if added_program is not None and added_program not in programs:
        programs.append(added_program)
    return {**document, "programs": programs}


def kcm_restored(
    document: Mapping[str, Any],
    saved: Mapping[str, Any],
    added_program: Schedule | None,
) -> dict[str, Any]:
    """Return the document with the user's fields back and the added program gone.

    The user's own programs, and their changes since, stay as they are.
    """
    restored = {**document, **kcm_known_fields(saved)}
    programs = list(document.get("programs") or [])
    if added_program is not None:
        for index in range(len(programs) - 1, -1, -1):
            if programs[index] == added_program:
                del programs[index]
                break
    restored["programs"] = programs
    return restored
