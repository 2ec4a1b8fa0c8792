"""The stage history of routines: starts, the engine's daily decisions and manual changes, in order.

Columns: id, routine, date, stage, decision, reasons (JSON list), manual (0/1), at. Created by
m003_routines_and_sessions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records.base import MergeContext, digest, ids, insert_sql, now_utc, query

if TYPE_CHECKING:
    from backcare.domain.progress import StageEvent

SECTION = "stage_history"
TABLE = "stage_history"
LABELS = ("stage change", "stage changes")
MIGRATION = ("m003_routines_and_sessions",)
COLUMNS = ("routine", "date", "stage", "decision", "reasons", "manual", "at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"
INSERT = insert_sql(TABLE, COLUMNS)
ENGINE_DECISIONS = ("advance", "hold", "step_back", "stop")
# json and `checks` are imported where used: `safety --none` loads this module only to ask `any_day_decision`.


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    import json

    return {
        "routine": row["routine"],
        "date": row["date"],
        "stage": row["stage"],
        "decision": row["decision"],
        "reasons": json.loads(row["reasons"]),
        "manual": bool(row["manual"]),
        "at": row["at"],
    }


def from_row(row: sqlite3.Row) -> StageEvent:
    from backcare.domain.progress import StageEvent

    return StageEvent(
        row["routine"],
        date.fromisoformat(row["date"]),
        row["stage"],
        row["decision"],
        ids(row["reasons"]),
        bool(row["manual"]),
    )


def values(event: StageEvent, at: str) -> dict[str, Any]:
    import json

    return {**event.as_dict(), "reasons": json.dumps(list(event.reasons)), "manual": int(event.manual), "at": at}


def add(db: sqlite3.Connection, event: StageEvent, at: str | None = None) -> None:
    db.execute(INSERT, values(event, at or now_utc()))


def set_day_decision(db: sqlite3.Connection, routine: str, day: date, event: StageEvent | None) -> None:
    """Keep one engine decision per routine and day (a start, a manual change and older days are never
    touched); None removes it."""
    marks = ", ".join("?" for _ in ENGINE_DECISIONS)
    db.execute(
        f"DELETE FROM {TABLE} WHERE routine = ? AND date = ? AND manual = 0 AND decision IN ({marks})",
        (routine, day.isoformat(), *ENGINE_DECISIONS),
    )
    if event is not None:
        add(db, event)


def any_day_decision(db: sqlite3.Connection, day: date) -> bool:
    """Whether an engine decision is kept for the day, for any routine (one query over a small table)."""
    marks = ", ".join("?" for _ in ENGINE_DECISIONS)
    sql = f"SELECT 1 FROM {TABLE} WHERE date = ? AND manual = 0 AND decision IN ({marks}) LIMIT 1"
    return db.execute(sql, (day.isoformat(), *ENGINE_DECISIONS)).fetchone() is not None


def events(db: sqlite3.Connection, routine: str | None = None) -> list[StageEvent]:
    if routine is None:
        return [from_row(row) for row in query(db, f"{SELECT} ORDER BY id")]
    return [from_row(row) for row in query(db, f"{SELECT} WHERE routine = ? ORDER BY id", (routine,))]


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    from backcare.store.records import checks

    record = checks.fields(record, COLUMNS, ("routine", "date", "stage", "decision", "at"))
    checks.short(record["routine"], "routine")
    checks.day(record["date"], "date", today)
    checks.short(record["stage"], "stage")
    checks.short(record["decision"], "decision")
    for reason in checks.list_(record.get("reasons", []), "reasons"):
        checks.text(reason, "each of reasons", checks.MAX_SETTING)
    if "manual" in record:
        checks.bool_(record["manual"], "manual")
    checks.stamp(record, "at")


def _key(s: dict[str, Any]) -> bytes:
    return digest(s["routine"], s["date"], s["stage"], s["decision"], s["reasons"], s["manual"], s["at"])


def merge_in(ctx: MergeContext, s: dict[str, Any]) -> str:
    import json

    record = {**s, "reasons": list(s.get("reasons") or []), "manual": bool(s.get("manual"))}
    if not ctx.seen.add("stage", _key(record), SELECT, lambda r: _key(to_record(r))):
        return "same"
    ctx.db.execute(INSERT, {**record, "reasons": json.dumps(record["reasons"]), "manual": int(record["manual"])})
    return "added"
