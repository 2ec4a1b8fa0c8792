"""What every record kind shares: reading rows by column name, and the merge context of an import.

A row is always a `sqlite3.Row` (read by name: `row["pain"]`, never `row[1]`), so adding or reordering a column
cannot shift another one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from datetime import datetime, timezone
from typing import Any

from backcare.valueclass import frozen, mutable

Row = sqlite3.Row


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def query(db: sqlite3.Connection, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
    """A cursor whose rows are read by column name."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params if isinstance(params, dict) else tuple(params))


def one(db: sqlite3.Connection, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
    row: sqlite3.Row | None = query(db, sql, params).fetchone()
    return row


def rows(db: sqlite3.Connection, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Iterator[sqlite3.Row]:
    """Rows one at a time (memory stays flat however many there are)."""
    yield from query(db, sql, params)


def insert_sql(table: str, columns: Iterable[str]) -> str:
    """INSERT with named parameters: the values are a dict keyed by column."""
    cols = tuple(columns)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"


def update_sql(table: str, columns: Iterable[str], where: str) -> str:
    return f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE {where}"


def ids(text: str) -> tuple[str, ...]:
    """A stored JSON list of ids or tags; most are empty, and years of rows are read at once."""
    if text == "[]":
        return ()
    import json  # only for a list that has items: a daily command's start stays without it

    return tuple(json.loads(text))


def canon(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def digest(*parts: Any) -> bytes:
    """A record's identity for an import's merge. hashlib is imported here, not at the top: the daily commands
    load this module but never merge, and hashlib with its OpenSSL binding costs about 2 ms at start-up."""
    import hashlib

    return hashlib.blake2b(canon(parts).encode("utf-8"), digest_size=16).digest()


# -- merging an import ---------------------------------------------------------------------------------------


@frozen
class Conflict:
    """Something present on both sides with different values."""

    kind: str  # what it is called in a sentence: "check-in", "routine file", "setting" ...
    key: str  # the date, routine name or setting key
    fields: tuple[str, ...]


class Seen:
    """Keys of rows that have no natural key in the schema (edits, stage changes, screens), kept in a
    temporary table so that a repeat is found in SQL rather than in a Python set of every row."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.loaded: set[str] = set()
        db.execute("CREATE TEMP TABLE IF NOT EXISTS import_seen (kind TEXT, key BLOB, PRIMARY KEY (kind, key))")
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_counts (kind TEXT, key BLOB, n INTEGER, PRIMARY KEY (kind, key))"
        )
        self.drop()

    def add(self, kind: str, key: bytes, existing: str, make: Callable[[sqlite3.Row], bytes]) -> bool:
        """Remember `key`; False when it (or an identical stored row) was there already."""
        if kind not in self.loaded:
            self.loaded.add(kind)
            self.db.executemany(
                "INSERT OR IGNORE INTO temp.import_seen (kind, key) VALUES (?, ?)",
                ((kind, make(row)) for row in rows(self.db, existing)),
            )
        cursor = self.db.execute("INSERT OR IGNORE INTO temp.import_seen (kind, key) VALUES (?, ?)", (kind, key))
        return cursor.rowcount == 1

    def take(self, kind: str, key: bytes, existing: str, make: Callable[[sqlite3.Row], bytes]) -> bool:
        """For records that may repeat (sessions): True when an identical stored row is left to match `key`
        (that row is then used up), False when `key` is new."""
        if kind not in self.loaded:
            self.loaded.add(kind)
            self.db.executemany(
                "INSERT INTO temp.import_counts (kind, key, n) VALUES (?, ?, 1)"
                " ON CONFLICT (kind, key) DO UPDATE SET n = n + 1",
                ((kind, make(row)) for row in rows(self.db, existing)),
            )
        cursor = self.db.execute(
            "UPDATE temp.import_counts SET n = n - 1 WHERE kind = ? AND key = ? AND n > 0", (kind, key)
        )
        return cursor.rowcount == 1

    def drop(self) -> None:
        self.db.execute("DELETE FROM temp.import_seen")
        self.db.execute("DELETE FROM temp.import_counts")


@mutable
class MergeContext:
    """What a kind's `merge_in` may use: the connection (inside the import's one transaction), whether the
    file's version wins a conflict, the import's time stamp, the keys already seen, and where conflicts go."""

    db: sqlite3.Connection
    replace: bool = False
    stamp: str = field(default_factory=now_utc)
    conflicts: list[Conflict] = field(default_factory=list)
    _seen: Seen | None = None

    @property
    def seen(self) -> Seen:
        if self._seen is None:
            self._seen = Seen(self.db)
        return self._seen

    def conflict(self, kind: str, key: str, fields: tuple[str, ...]) -> str:
        """Note a conflict; returns "conflict" (what `merge_in` returns)."""
        self.conflicts.append(Conflict(kind, key, fields))
        return "conflict"

    def close(self) -> None:
        if self._seen is not None:
            self._seen.drop()
