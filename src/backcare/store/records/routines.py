"""Imported routine files: the current text of each (`routines`) and every earlier version (`routine_versions`,
kept here only, not exported).

Columns: routines (name the key, source, origin, imported_at), created by m003_routines_and_sessions;
routine_versions (routine, version, source, origin, imported_at), created by m006_routine_versions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, insert_sql, one, query

SECTION = "routines"
TABLE = "routines"
LABELS = ("routine file", "routine files")
MIGRATION = ("m003_routines_and_sessions", "m006_routine_versions")
COLUMNS = ("name", "origin", "imported_at", "source")
ALSO_TABLES = ("routine_versions",)  # kept with the routine, not exported
VERSION_COLUMNS = ("routine", "version", "source", "origin", "imported_at")
PUT = f"INSERT OR REPLACE INTO {TABLE} (name, source, origin, imported_at) VALUES (?, ?, ?, ?)"


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {name: row[name] for name in COLUMNS}


def current(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return one(db, f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE name = ?", (name,))


def put(db: sqlite3.Connection, name: str, source: str, origin: str | None, at: str) -> None:
    db.execute(PUT, (name, source, origin, at))


def listing(db: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = query(db, f"SELECT name, origin, imported_at FROM {TABLE} ORDER BY name")
    return [{"name": r["name"], "origin": r["origin"], "imported_at": r["imported_at"]} for r in rows]


# -- versions --------------------------------------------------------------------------------------------------
def latest_version(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return one(
        db, "SELECT version, source FROM routine_versions WHERE routine = ? ORDER BY version DESC LIMIT 1", (name,)
    )


def add_version(db: sqlite3.Connection, name: str, number: int, source: str, origin: str | None, at: str) -> None:
    db.execute(
        insert_sql("routine_versions", VERSION_COLUMNS),
        {"routine": name, "version": number, "source": source, "origin": origin, "imported_at": at},
    )


def versions(db: sqlite3.Connection, name: str) -> list[dict[str, Any]]:
    sql = "SELECT version, source, origin, imported_at FROM routine_versions WHERE routine = ? ORDER BY version"
    return [
        {"version": r["version"], "source": r["source"], "origin": r["origin"], "imported_at": r["imported_at"]}
        for r in query(db, sql, (name,))
    ]


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY name"):
        yield to_record(row)


# -- import ----------------------------------------------------------------------------------------------------
def check(record: Any, today: date) -> None:
    """The fields; whether the source is a valid routine is checked with the file (`check_in_file`)."""
    record = checks.fields(record, COLUMNS, ("name", "imported_at", "source"))
    checks.short(record["name"], "name")
    if record.get("origin") is not None:
        checks.text(record["origin"], "origin", checks.MAX_SETTING)
    checks.stamp(record, "imported_at")
    checks.text(record["source"], "source")


def check_in_file(record: Any, state: Any) -> None:
    from backcare.errors import BackcareError

    check(record, state.today)
    name = record["name"]
    try:
        state.check_routine(name, record["source"])
    except BackcareError as exc:
        raise checks.Bad(checks.rule(exc.message)) from None
    if not state.add("routine", name):
        raise checks.Bad(f"it repeats name {name}" if len(name) <= 40 else "it repeats a routine")


def merge_in(ctx: MergeContext, r: dict[str, Any]) -> str:
    name = r["name"]
    row = current(ctx.db, name)
    if row is None:
        put(ctx.db, name, r["source"], r.get("origin"), r["imported_at"])
        return "added"
    differing = tuple(f for f in ("source", "origin") if row[f] != r.get(f))
    if not differing:
        return "same"
    if ctx.replace:
        put(ctx.db, name, r["source"], r.get("origin"), r["imported_at"])
    return ctx.conflict("routine file", name, differing)
