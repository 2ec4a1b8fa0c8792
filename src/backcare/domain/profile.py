"""The profile (who the data belongs to): its fields and the rule every value follows, wherever it comes from."""

from __future__ import annotations

import unicodedata

FIELDS = ("name", "clinic_id", "clinician")
MAX_LENGTH = 120
_HIDDEN = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def problem(value: str) -> str | None:
    """Why `value` (already trimmed) cannot be a profile value, as the end of a sentence; None when it can."""
    if len(value) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters (got {len(value)})"
    if value != value.strip():
        return "must not start or end with spaces"
    if any(unicodedata.category(ch) in _HIDDEN for ch in value):
        return "must be one line of ordinary text, without control characters"
    return None
