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


def longest_streak(days: Iterable[date]) -> int:
    ordered = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best
