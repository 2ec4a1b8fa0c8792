"""The one place that asks what day it is.

A day starts at the person's day-rollover hour (the `day-starts` setting, 4 a.m. unless changed): a check-in at
01:00 counts for the day before, as it does for the person. BACKCARE_TODAY (YYYY-MM-DD) pins the day itself;
BACKCARE_NOW (YYYY-MM-DDTHH:MM, local time) pins the clock and the rollover rule still applies (demos and tests)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, timedelta

from backcare.errors import InvalidInput

_day_starts: Callable[[], int] | None = None  # where the day-rollover hour comes from (the open data folder)
_known_hour: int | None = None


def use_day_starts(source: Callable[[], int] | None) -> None:
    """Read the day-rollover hour from `source` (called once, when first needed); None: the default hour."""
    global _day_starts, _known_hour
    _day_starts, _known_hour = source, None


def day_starts() -> int:
    """The hour (0-23) a new day starts at for this person."""
    global _known_hour
    if _known_hour is None:
        from backcare.domain.config import DAY_STARTS_DEFAULT

        _known_hour = _day_starts() if _day_starts is not None else DAY_STARTS_DEFAULT
    return _known_hour


def today(hour: int | None = None) -> date:
    """The day as the person counts it: the local date, or the day before while the clock is before the
    day-rollover hour (`hour`, else the person's setting). BACKCARE_TODAY pins it for demos and tests."""
    pinned = pinned_today()
    if pinned is not None:
        return pinned
    day = filed_day(now(), day_starts() if hour is None else hour)
    # A pinned clock just after midnight on 1900-01-01 would roll back to a day no import accepts.
    return _checked(day, "BACKCARE_NOW") if os.environ.get("BACKCARE_NOW") else day


def filed_day(moment: datetime, hour: int) -> date:
    """The day a moment counts for when days start at `hour`: before that hour it is still the day before."""
    return (moment - timedelta(hours=hour)).date() if moment.hour < hour else moment.date()


def rolled_back() -> tuple[date, int] | None:
    """(the day filed, the rollover hour) when "today" is the calendar day before, because the clock is before
    the day-rollover hour; None otherwise (a pinned day included)."""
    if pinned_today() is not None:
        return None
    moment, hour = now(), day_starts()
    day = filed_day(moment, hour)
    return (day, hour) if day != moment.date() else None


def pinned() -> bool:
    """Whether BACKCARE_TODAY or BACKCARE_NOW pins the day (demos and tests). A pinned day may be refused, so a
    command checks it before opening anything; the real clock never is, so "today" can wait for the open data
    folder to give its day-rollover hour (no second connection just for that setting)."""
    return bool(os.environ.get("BACKCARE_TODAY") or os.environ.get("BACKCARE_NOW"))


def now() -> datetime:
    """The local date and time; BACKCARE_NOW (YYYY-MM-DDTHH:MM) pins it."""
    pinned = os.environ.get("BACKCARE_NOW")
    if not pinned:
        return datetime.now()
    try:
        moment = datetime.fromisoformat(pinned)
    except ValueError:
        raise InvalidInput(f"BACKCARE_NOW must be a local time like 2026-03-01T01:30, not {_shown(pinned)}.") from None
    _checked(moment.date(), "BACKCARE_NOW")
    return moment.replace(tzinfo=None)


def pinned_today() -> date | None:
    pinned = os.environ.get("BACKCARE_TODAY")
    if not pinned:
        return None
    try:
        day = date.fromisoformat(pinned)
    except ValueError:
        raise InvalidInput(f"BACKCARE_TODAY must be a date like 2026-03-01, not {_shown(pinned)}.") from None
    return _checked(day, "BACKCARE_TODAY")


def _checked(day: date, name: str) -> date:
    from backcare.domain.dates import check_today

    try:
        return check_today(day)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.message}") from None


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
