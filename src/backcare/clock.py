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
            return date.fromisoformat(pinned)
        except ValueError:
            raise InvalidInput(f"BACKCARE_TODAY must be a date like 2026-03-01, not {pinned!r}.") from None
    return date.today()
