"""The profile (who the data belongs to): its fields and the rule every value follows, wherever it comes from."""

from __future__ import annotations

import unicodedata

from backcare.valueclass import frozen

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


@frozen
class Profile:
    """The profile's values; None for a field that is not set."""

    name: str | None = None
    clinic_id: str | None = None
    clinician: str | None = None

    @classmethod
    def of(cls, stored: dict[str, str]) -> Profile:
        return cls(**{f: stored[f] for f in FIELDS if stored.get(f)})

    def set_fields(self) -> list[tuple[str, str]]:
        """(field, value) of the fields that are set, in the order name, clinic_id, clinician."""
        return [(f, v) for f in FIELDS if (v := getattr(self, f))]

    def as_dict(self) -> dict[str, str | None]:
        """The `profile --json` shape: every field, null when not set."""
        return {f: getattr(self, f) for f in FIELDS}
