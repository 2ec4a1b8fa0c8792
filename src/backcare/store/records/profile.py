"""Who the data belongs to: a few optional text fields (name, clinic_id, clinician), kept only here.

Columns: field (the key), value, updated_at. Created by m008_profile_and_routine_images.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, now_utc, one, query

SECTION = "profile"
TABLE = "profile"
LABELS = ("profile field", "profile fields")
MIGRATION = ("m008_profile_and_routine_images",)
COLUMNS = ("field", "value", "updated_at")
UPSERT = (
    f"INSERT INTO {TABLE} (field, value, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {name: row[name] for name in COLUMNS}


def fields(db: sqlite3.Connection) -> dict[str, str]:
    """The profile fields that are set, in the order of domain.profile.FIELDS."""
    from backcare.domain.profile import FIELDS

    stored = {row["field"]: row["value"] for row in query(db, f"SELECT field, value FROM {TABLE}")}
    return {f: stored[f] for f in FIELDS if f in stored}


def set_fields(db: sqlite3.Connection, changes: dict[str, str | None]) -> None:
    """None or '' clears a field."""
    for name, value in changes.items():
        if value:
            db.execute(UPSERT, (name, value, now_utc()))
        else:
            db.execute(f"DELETE FROM {TABLE} WHERE field = ?", (name,))


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY field"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    from backcare.domain.profile import FIELDS, problem

    record = checks.fields(record, COLUMNS, ("field", "value"))
    if record["field"] not in FIELDS:
        raise checks.Bad(f"field must be one of {', '.join(FIELDS)}")
    why = problem(checks.short(record["value"], "value"))
    if why is not None:
        raise checks.Bad(f"value {why}")
    checks.stamp(record, "updated_at", required=False)


def check_in_file(record: Any, state: Any) -> None:
    check(record, state.today)
    if not state.add("profile", record["field"]):
        raise checks.Bad(f"it repeats field {record['field']}")


def merge_in(ctx: MergeContext, p: dict[str, Any]) -> str:
    name, value = p["field"], p["value"]
    row = one(ctx.db, f"SELECT value FROM {TABLE} WHERE field = ?", (name,))
    if row is None:
        ctx.db.execute(UPSERT, (name, value, p.get("updated_at") or ctx.stamp))
        return "added"
    if row["value"] == value:
        return "same"
    if ctx.replace:
        ctx.db.execute(UPSERT, (name, value, p.get("updated_at") or ctx.stamp))
    return ctx.conflict("profile", name, ("value",))
