"""Stored record kind: outcome measures a clinic imported (`backcare measure import FILE`).

The file is kept as written (its text is checked again whenever it is read), so it travels with a JSON export
and reads back the same. The built-in measures are not stored: they come with backcare.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

SECTION = "measures"
TABLE = "measures"
LABELS = ("measure", "measures")
MIGRATION = """
CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    origin TEXT,
    imported_at TEXT NOT NULL
)
"""
KEY = ("id",)  # what names a record in a conflict line
COMPARED = ("source",)
FIELDS = ("id", "source", "origin", "imported_at")
MAX_SOURCE = 2 * 1024 * 1024
MAX_SHORT = 4096


def _cursor(db: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def to_record(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    """A stored measure as the export holds it."""
    return {name: row[name] for name in FIELDS}


def key(record: dict[str, Any]) -> str:
    return str(record["id"])


def save(db: sqlite3.Connection, ident: str, source: str, origin: str | None, at: str) -> bool:
    """Store (or replace) a measure's file. True when it was new."""
    had = db.execute("SELECT 1 FROM measures WHERE id = ?", (ident,)).fetchone() is not None
    db.execute(
        "INSERT INTO measures (id, source, origin, imported_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET source = excluded.source, origin = excluded.origin,"
        " imported_at = excluded.imported_at",
        (ident, source, origin, at),
    )
    return not had


def list_measures(db: sqlite3.Connection) -> list[dict[str, Any]]:
    return list(export_rows(db))


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in _cursor(db).execute("SELECT id, source, origin, imported_at FROM measures ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    """Raise ValueError (one clause) when an imported measure record is not acceptable. (That the file it
    holds is a valid measure with the same id is checked by the import, which may read measure files.)"""
    if not isinstance(record, dict):
        raise ValueError("it must be an object")
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise ValueError(f"it has a field backcare does not know ({unknown[0][:40]!r})")
    for name in ("id", "source", "imported_at"):
        if not isinstance(record.get(name), str):
            raise ValueError(f"{name} must be text")
    if record.get("origin") is not None and not isinstance(record["origin"], str):
        raise ValueError("origin must be text or null")
    if len(record["source"]) > MAX_SOURCE:
        raise ValueError("source is larger than a measure file may be (2 MB)")
    for name in ("id", "origin", "imported_at"):
        if isinstance(record.get(name), str) and len(record[name]) > MAX_SHORT:
            raise ValueError(f"{name} is too long")


def merge(db: sqlite3.Connection, record: dict[str, Any], *, replace: bool = False) -> str:
    """Add a measure that is not stored; "same" when it is stored as written; "conflict" when another
    file is stored under the id (kept, unless `replace`)."""
    row = _cursor(db).execute("SELECT source FROM measures WHERE id = ?", (record["id"],)).fetchone()
    if row is None:
        save(db, record["id"], record["source"], record.get("origin"), record["imported_at"])
        return "added"
    if row["source"] == record["source"]:
        return "same"
    if replace:
        save(db, record["id"], record["source"], record.get("origin"), record["imported_at"])
    return "conflict"


def check_in_file(record: Any, state: Any) -> None:
    """check(), then the file it holds must check out as `backcare measure import` would have it (the import
    gives that rule: content files are read above the store), and no id may repeat."""
    check(record, state.today)
    check_measure = getattr(state, "check_measure", None)
    if check_measure is not None:
        check_measure(record["id"], record["source"])
    if not state.add(SECTION, key(record)):
        raise ValueError(f"it repeats measure {key(record)[:40]}")


def merge_in(ctx: Any, record: dict[str, Any]) -> str:
    """merge() with the import's --replace, its conflicts named by KEY."""
    outcome = merge(ctx.db, record, replace=ctx.replace)
    if outcome == "conflict":
        ctx.conflict(LABELS[0], key(record), ("file",) if SECTION == "measures" else ("answers",))
    return outcome
