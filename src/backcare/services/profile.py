"""Who the data belongs to (name, clinic id, clinician): optional, local only, shown on hand-outs and reports."""

from __future__ import annotations

import unicodedata

from backcare.domain.profile import FIELDS, problem
from backcare.errors import InvalidInput
from backcare.store import Store

LABELS = {"name": "Name", "clinic_id": "Clinic id", "clinician": "Clinician"}
OPTIONS = {"name": "--name", "clinic_id": "--clinic-id", "clinician": "--clinician"}


def clean(field: str, value: str) -> str:
    """A profile value as stored: trimmed, one line, printable; '' clears the field. Raises InvalidInput."""
    text = unicodedata.normalize("NFC", value).strip()
    why = problem(text)
    if why is not None:
        raise InvalidInput(f"{OPTIONS[field]} {why}.")
    return text


def get(store: Store) -> dict[str, str]:
    """The fields that are set, in the order name, clinic_id, clinician."""
    return store.profile()


def update(store: Store, changes: dict[str, str | None]) -> dict[str, str]:
    """Set the given fields (None: leave as is, '': clear), all checked before anything is written."""
    given = {f: clean(f, v) for f, v in changes.items() if v is not None and f in FIELDS}
    if given:
        store.set_profile(given)
    return store.profile()


def who_line(profile: dict[str, str]) -> str:
    """'Name: A. Person · Clinic id: 123 · Clinician: J. Physio', or '' when nothing is set."""
    return " · ".join(f"{LABELS[f]}: {profile[f]}" for f in FIELDS if profile.get(f))
