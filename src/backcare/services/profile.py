"""Who the data belongs to (name, clinic id, clinician): optional, local only, shown on hand-outs and reports."""

from __future__ import annotations

import unicodedata

from backcare.domain.profile import FIELDS, Profile, problem
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


def get(store: Store) -> Profile:
    return Profile.of(store.profile())


def update(store: Store, changes: dict[str, str | None]) -> Profile:
    """Set the given fields (None: leave as is, '': clear), all checked before anything is written."""
    given = {f: clean(f, v) for f, v in changes.items() if v is not None and f in FIELDS}
    if given:
        store.set_profile(given)
    return Profile.of(store.profile())


def who_line(profile: dict[str, str]) -> str:
    """'Name: A. Person · Clinic id: 123 · Clinician: J. Physio', or '' when nothing is set."""
    return " · ".join(f"{LABELS[f]}: {profile[f]}" for f in FIELDS if profile.get(f))
