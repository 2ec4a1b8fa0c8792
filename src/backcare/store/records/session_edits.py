"""Deleted sessions, kept in the session edit history: the session's number, its day, the record as it was.

Columns: id, session_id, date, action (delete), before (the session as JSON), at. Created by m005_session_records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, digest, query

SECTION = "session_edits"
TABLE = "session_edits"
LABELS = None  # not counted in an import's summary
MIGRATION = ("m005_session_records",)
COLUMNS = ("session_id", "date", "action", "before", "at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "session": row["session_id"],
        "date": row["date"],
        "action": row["action"],
        "before": json.loads(row["before"]),
        "at": row["at"],
    }


def add(db: sqlite3.Connection, session_id: int, day: str, before: dict[str, Any], at: str) -> None:
    db.execute(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (?, ?, 'delete', ?, ?)",
        (session_id, day, json.dumps(before), at),
    )


def all_edits(db: sqlite3.Connection) -> list[dict[str, Any]]:
    return [to_record(row) for row in query(db, f"{SELECT} ORDER BY id")]


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    """A deleted session, kept in the session edit history."""
    from backcare.store.records import sessions

    names = ("session", "date", "action", "before", "at")
    record = checks.fields(record, names, names)
    number = record["session"]
    if not checks.is_int(number) or not 0 <= number < 10**9:
        raise checks.Bad(f"session must be a whole number from 0, not {checks.kind(number)}")
    checks.day(record["date"], "date", today)
    if record["action"] != "delete":
        raise checks.Bad('action must be "delete"')
    try:
        before = sessions.check_values(record["before"], today)
    except checks.Bad as exc:
        raise checks.Bad(f"before: {exc}") from None
    if before["date"] != record["date"]:
        raise checks.Bad(f"before is a session of another day ({before['date']})")
    checks.stamp(record, "at")


def _row_key(r: sqlite3.Row) -> bytes:
    e = to_record(r)
    return digest(e["session"], e["date"], e["action"], e["before"], e["at"])


def merge_in(ctx: MergeContext, e: dict[str, Any]) -> str:
    key = digest(e["session"], e["date"], e["action"], e["before"], e["at"])
    if not ctx.seen.add("session_edit", key, SELECT, _row_key):
        return "same"
    add(ctx.db, e["session"], e["date"], e["before"], e["at"])
    return "added"
