"""The FHIR transaction Bundle of one home: who it belongs to (the clinic's identifier) and every record in it.

Used by `backcare export --format fhir --bundle transaction` and by `backcare sync`. No network here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from backcare.errors import InvalidInput

if TYPE_CHECKING:
    from backcare.exporters.fhir_transaction import Target
    from backcare.store import Store

INSTALL_KEY = "fhir.install_id"
SYSTEM_KEY = "fhir.patient_system"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s|]+")
MAX_URI = 200


def check_system(uri: str) -> str:
    uri = uri.strip()
    if len(uri) > MAX_URI or not _URI.fullmatch(uri) or not uri.isprintable():
        raise InvalidInput(
            f"--patient-system must be an absolute URI such as https://clinic.example/patient-ids "
            f"(one line, no spaces or '|', at most {MAX_URI} characters)."
        )
    return uri


def install_id(store: Store) -> str:
    """This install's random id, made once and kept in the settings (it never says who the person is)."""
    value = store.get_setting(INSTALL_KEY)
    if value is None:
        import uuid

        value = str(uuid.uuid4())
        store.set_setting(INSTALL_KEY, value)
    return value


def target(store: Store, patient_system: str | None, *, what: str) -> Target:
    """The patient identity for a transaction: --patient-system (remembered) and the profile's clinic id."""
    from backcare.exporters.fhir_transaction import Target

    system = check_system(patient_system) if patient_system else store.get_setting(SYSTEM_KEY)
    clinic_id = store.profile().get("clinic_id")
    if not system:
        raise InvalidInput(
            f"{what} needs --patient-system URI: the identifier system of your clinic's patient ids "
            "(ask the clinic), e.g. --patient-system https://clinic.example/patient-ids."
        )
    if not clinic_id:
        raise InvalidInput(f"{what} needs your clinic id in the profile: run 'backcare profile --clinic-id ID' first.")
    if patient_system and store.get_setting(SYSTEM_KEY) != system:
        store.set_setting(SYSTEM_KEY, system)
    return Target(install_id(store), system, clinic_id)


def entries(store: Store, target: Target, *, include_safety: bool) -> Iterator[dict[str, Any]]:
    """Every record of the home as transaction entries (the Patient not included)."""
    from backcare.exporters.fhir_transaction import record_entries

    checkins = (c.as_dict() for c in store.checkins())
    edits = ({"date": e.day.isoformat(), "before": e.before} for e in store.edits())
    sessions = ((s.id or 0, s.as_dict()) for s in store.sessions())
    deleted = ((e["session"], e["before"]) for e in store.session_edits() if e["action"] == "delete")
    screens: Any = ()
    if include_safety:
        screens = ({"date": s.day.isoformat(), "answers": dict(s.answers)} for s in store.screens())
    from backcare.services.transfer import measure_codes
    from backcare.store.records import measure_responses

    responses = measure_responses.list_responses(store.conn)
    return record_entries(target, checkins, edits, sessions, deleted, screens, responses, measure_codes(store))


def export_transaction(store: Store, out: TextIO, who: Target, *, include_safety: bool) -> None:
    """The whole home as one transaction Bundle, written entry by entry."""
    from backcare.exporters import fhir_transaction
    from backcare.store import now_utc

    fhir_transaction.write(out, who, entries(store, who, include_safety=include_safety), timestamp=now_utc())
