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
