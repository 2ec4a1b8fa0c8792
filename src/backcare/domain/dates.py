"""Calendar days as the person means them."""

from __future__ import annotations

from datetime import date, timedelta

from backcare.errors import InvalidInput

EARLIEST_YEAR = 1900
LATEST_YEAR = 2999  # a pinned "today" beyond this is a typo (and date arithmetic near 9999 overflows)


def parse_day(raw: str | None, *, now: date, allow_future: bool = False) -> date:
    """Parse 'today', 'yesterday' or YYYY-MM-DD; refuse impossible and (by default) future dates."""
    if raw is None:
        return now
    text = raw.strip().lower()
    if text == "today":
        return now
    if text == "yesterday":
        return now - timedelta(days=1)
    try:
        day = iso_day(text)
    except ValueError:
        if _looks_like_iso(text):
            raise InvalidInput(f"{raw!r} is not a real calendar date.") from None
        raise InvalidInput(f"Dates are written YYYY-MM-DD (or 'today', 'yesterday'), not {raw!r}.") from None
    return check_day(day, now=now, allow_future=allow_future)


def iso_day(text: str) -> date:
    """`datetime.strptime(text, "%Y-%m-%d").date()` without loading `_strptime` and its locale tables (about
    1.5 ms of a daily command's start). The pattern is strptime's own for this format: any four digits for the
    year, but an ASCII month and day, and a single-digit day may follow a space ("2026-01- 5")."""
    import re  # loaded already by the command line

    found = re.fullmatch(r"(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])", text, re.IGNORECASE)
    if found is None:
        raise ValueError(f"time data {text!r} does not match format '%Y-%m-%d'")
    return date(int(found[1]), int(found[2]), int(found[3]))


def check_day(day: date, *, now: date, allow_future: bool = False) -> date:
    """The rule for a day that can be recorded: from 1900 on, and (by default) not after today."""
    if day.year < EARLIEST_YEAR:
        raise InvalidInput(f"{day.isoformat()} is too far in the past; check the year.")
    if not allow_future and day > now:
        # Today named: after midnight but before the day-rollover hour it is still the day before.
        raise InvalidInput(f"{day.isoformat()} is in the future; you can only record days up to today, {human(now)}.")
    return day


def check_today(day: date) -> date:
    """The rule for what "today" can be (a pinned date included): a year from 1900 to 2999."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise InvalidInput(
            f"{day.isoformat()} is outside the dates backcare works with "
            f"({EARLIEST_YEAR}-01-01 to {LATEST_YEAR}-12-31)."
        )
    return day


def _looks_like_iso(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4


def human(day: date) -> str:
    """'Wed 25 Nov 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"
