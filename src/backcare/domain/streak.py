"""Streaks of consecutive check-in days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def current_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with a check-in ending today, or yesterday while today is still open."""
    logged = set(days)
    cursor = today if today in logged else today - timedelta(days=1)
    count = 0
    while cursor in logged:
        count += 1
        cursor -= timedelta(days=1)
    return count


RECENT_DAYS = 7  # "5 of the last 7 days"


def days_in_last(days: Iterable[date], today: date, window: int = RECENT_DAYS) -> int:
    """How many of the last `window` days (today included) have a check-in."""
    start = today - timedelta(days=window - 1)
    return len({d for d in days if start <= d <= today})


def backfill_day(days: Iterable[date], today: date) -> date | None:
    """Yesterday, when it has no check-in but the person has checked in before it (a missed day worth filling in,
    so one gap does not end a run of days); None otherwise."""
    yesterday = today - timedelta(days=1)
    logged = set(days)
    if yesterday in logged or not any(d < yesterday for d in logged):
        return None
    return yesterday
