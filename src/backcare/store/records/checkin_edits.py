"""The edit history of check-ins: the earlier version of a day, kept when it was updated or deleted.

Columns: id, date, action (update | delete), before and after (a check-in as JSON, after null for a delete), at.
Created by m001_checkins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, digest, query

if TYPE_CHECKING:
    from backcare.domain.edits import Edit

SECTION = "checkin_edits"
TABLE = "checkin_edits"
LABELS = ("earlier check-in version", "earlier check-in versions")
MIGRATION = ("m001_checkins",)
COLUMNS = ("date", "action", "before", "after", "at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "date": row["date"],
        "action": row["action"],
        "before": json.loads(row["before"]),
        "after": json.loads(row["after"]) if row["after"] is not None else None,
        "at": row["at"],
    }


def from_row(row: sqlite3.Row) -> Edit:
    from backcare.domain.edits import Edit

    r = to_record(row)
    return Edit(date.fromisoformat(r["date"]), r["action"], r["before"], r["after"], r["at"])


def add(
    db: sqlite3.Connection, day: date | str, action: str, before: dict[str, Any], after: dict[str, Any] | None, at: str
) -> None:
    db.execute(
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
        (
            day if isinstance(day, str) else day.isoformat(),
            action,
            json.dumps(before),
            json.dumps(after) if after is not None else None,
            at,
        ),
    )


def edits(db: sqlite3.Connection, day: date | None = None) -> list[Edit]:
    if day is None:
        return [from_row(row) for row in query(db, f"{SELECT} ORDER BY id")]
    return [from_row(row) for row in query(db, f"{SELECT} WHERE date = ? ORDER BY id", (day.isoformat(),))]


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    from backcare.store.records import checkins

    record = checks.fields(record, COLUMNS, ("date", "action", "before", "at"))
    day = checks.day(record["date"], "date", today)
    action = record["action"]
    if action not in ("update", "delete"):
        raise checks.Bad('action must be "update" or "delete"')
    checks.stamp(record, "at")
    for name in ("before", "after"):
        value = record.get(name)
        if value is None:
            if name == "before" or action == "update":
                raise checks.Bad(
                    f"{name} must be the check-in {'before' if name == 'before' else 'after'} the {action}"
                )
            continue
        try:
            checkins.check_values(value, today)
        except checks.Bad as exc:
            raise checks.Bad(f"{name}: {exc}") from None
        if value["date"] != day:
            raise checks.Bad(f"{name} is a check-in of another day ({value['date']})")
    if action == "delete" and record.get("after") is not None:
        raise checks.Bad("after must be null for a delete")


def check_in_file(record: Any, state: Any) -> None:
    """`check`, and an update must be of a day the file holds (or deletes later)."""
    check(record, state.today)
    day = record["date"]
    if record["action"] == "delete":
        state.unexplained.pop(day, None)  # an update, then the day was deleted
    elif not state.has("checkin", day):
        state.unexplained.setdefault(day, state.counts.get(SECTION, 0))


def _key(d: str, action: str, before: Any, after: Any, at: str) -> bytes:
    return digest(d, action, before, after, at)


def _row_key(r: sqlite3.Row) -> bytes:
    record = to_record(r)
    return _key(record["date"], record["action"], record["before"], record["after"], record["at"])


def merge_in(ctx: MergeContext, e: dict[str, Any]) -> str:
    after = e.get("after")
    key = _key(e["date"], e["action"], e["before"], after, e["at"])
    if not ctx.seen.add("edit", key, SELECT, _row_key):
        return "same"
    add(ctx.db, e["date"], e["action"], e["before"], after, e["at"])
    return "added"
