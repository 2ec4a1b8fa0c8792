"""The edit history of check-ins: nothing a person entered is silently lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.valueclass import frozen


@frozen
class Edit:
    """An earlier version of a day's check-in, kept when it was updated or deleted."""

    day: date
    action: str  # update | delete
    before: dict[str, Any]
    after: dict[str, Any] | None
    at: str
