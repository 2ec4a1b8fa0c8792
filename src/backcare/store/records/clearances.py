"""A clinician's clearances of history answers of the safety screen (a past cancer, a fall).

Columns: id, date, by, note, covers (JSON list of question ids), at. Created by m007_clearances.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records.base import MergeContext, digest, ids, insert_sql, now_utc, query

if TYPE_CHECKING:
    from backcare.domain.safety import Clearance

SECTION = "clearances"
TABLE = "clearances"
LABELS = ("clinician's clearance", "clinician's clearances")
MIGRATION = ("m007_clearances",)
COLUMNS = ("date", "by", "note", "covers", "at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"
INSERT = insert_sql(TABLE, COLUMNS)
# json and `checks` are imported where used: the daily `safety --none` reads clearances without either.


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    import json

    return {
        "date": row["date"],
        "by": row["by"],
        "note": row["note"],
        "covers": json.loads(row["covers"]),
        "at": row["at"],
    }


def from_row(row: sqlite3.Row) -> Clearance:
    from backcare.domain.safety import Clearance

    return Clearance(date.fromisoformat(row["date"]), row["by"], row["note"], ids(row["covers"]))


def add(db: sqlite3.Connection, c: Clearance) -> None:
    import json

    db.execute(
        INSERT,
        {"date": c.day.isoformat(), "by": c.by, "note": c.note, "covers": json.dumps(list(c.covers)), "at": now_utc()},
    )


def clearances(db: sqlite3.Connection) -> list[Clearance]:
    return [from_row(row) for row in query(db, f"{SELECT} ORDER BY id")]


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    """A clinician's clearance of history answers (a past cancer, a fall), as `safety clear` records it."""
    from backcare.domain.safety import HISTORY_QUESTIONS
    from backcare.store.records import checks

    record = checks.fields(record, COLUMNS, ("date", "by", "at"))
    checks.day(record["date"], "date", today)
    checks.short(record["by"], "by")
    if record.get("note") is not None:
        checks.text(record["note"], "note", checks.MAX_SETTING)
    history = {q.id for q in HISTORY_QUESTIONS}
    for item in checks.list_(record.get("covers", []), "covers"):
        if item not in history:
            raise checks.Bad("covers must list history questions of the safety screen (past-cancer, trauma)")
    checks.stamp(record, "at")


def _key(c: dict[str, Any]) -> bytes:
    return digest(c["date"], c["by"], c.get("note"), list(c.get("covers") or []), c["at"])


def merge_in(ctx: MergeContext, c: dict[str, Any]) -> str:
    import json

    if not ctx.seen.add("clearance", _key(c), SELECT, lambda r: _key(to_record(r))):
        return "same"
    record = {**c, "note": c.get("note"), "covers": json.dumps(list(c.get("covers") or []))}
    ctx.db.execute(INSERT, {k: record[k] for k in COLUMNS})
    return "added"
