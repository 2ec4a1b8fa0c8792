"""Education topics read: each topic once, with the first and the last day it was read.

Columns: topic (the key), first_read, last_read. Created by m004_topics_read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from backcare.store.records.base import MergeContext, one, query

SECTION = "topics_read"
TABLE = "topics_read"
LABELS = ("topic read", "topics read")
MIGRATION = ("m004_topics_read",)
COLUMNS = ("topic", "first_read", "last_read")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {name: row[name] for name in COLUMNS}


def mark(db: sqlite3.Connection, topic: str, day: date) -> None:
    db.execute(
        f"INSERT INTO {TABLE} (topic, first_read, last_read) VALUES (?, ?, ?)"
        " ON CONFLICT(topic) DO UPDATE SET last_read = excluded.last_read",
        (topic, day.isoformat(), day.isoformat()),
    )


def first_read(db: sqlite3.Connection) -> dict[str, date]:
    """Topic id -> the day it was first read."""
    return {row["topic"]: date.fromisoformat(row["first_read"]) for row in query(db, SELECT)}


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY topic"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    from backcare.store.records import checks  # only an import checks a file

    record = checks.fields(record, COLUMNS, COLUMNS)
    checks.short(record["topic"], "topic")
    first = checks.day(record["first_read"], "first_read", today)
    last = checks.day(record["last_read"], "last_read", today)
    if first > last:
        raise checks.Bad("first_read is after last_read")


def check_in_file(record: Any, state: Any) -> None:
    from backcare.store.records import checks

    check(record, state.today)
    topic = record["topic"]
    if not state.add("topic", topic):
        raise checks.Bad(f"it repeats topic {topic}" if len(topic) <= 40 else "it repeats a topic")


def merge_in(ctx: MergeContext, t: dict[str, Any]) -> str:
    """A topic read here and in the file is the same topic, perhaps read on more days: not new, not a conflict."""
    topic, first, last = t["topic"], t["first_read"], t["last_read"]
    row = one(ctx.db, f"{SELECT} WHERE topic = ?", (topic,))
    if row is None:
        ctx.db.execute(f"INSERT INTO {TABLE} (topic, first_read, last_read) VALUES (?, ?, ?)", (topic, first, last))
        return "added"
    merged = (min(row["first_read"], first), max(row["last_read"], last))
    if merged != (row["first_read"], row["last_read"]):
        ctx.db.execute(f"UPDATE {TABLE} SET first_read = ?, last_read = ? WHERE topic = ?", (*merged, topic))
    return "same"
