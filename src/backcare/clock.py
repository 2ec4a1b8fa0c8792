"""The one place that asks what day it is."""

from __future__ import annotations

import os
from datetime import date

from backcare.errors import InvalidInput


def today() -> date:
    """The local calendar date; BACKCARE_TODAY (YYYY-MM-DD) pins it for demos and tests."""
    pinned = os.environ.get("BACKCARE_TODAY")
    if pinned:
        try:
            day = date.fromisoformat(pinned)
        except ValueError:
            shown = pinned if len(pinned) <= 40 else pinned[:37] + "..."
            raise InvalidInput(f"BACKCARE_TODAY must be a date like 2026-03-01, not {shown!r}.") from None
        from backcare.domain.dates import check_today

        try:
            return check_today(day)
        except InvalidInput as exc:
            raise InvalidInput(f"BACKCARE_TODAY: {exc.message}") from None
    return date.today()
