"""What every record kind shares: reading rows by column name, and the merge context of an import.

A row is always a `sqlite3.Row` (read by name: `row["pain"]`, never `row[1]`), so adding or reordering a column
cannot shift another one.
"""

from __future__ import annotations

import sqlite3
import sys
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
    """A stored JSON list of ids, tags or sentences; most are empty, and years of rows are read at once. A list
    of strings with nothing escaped in it (as json writes ids, tags and plain sentences) is split here: loading
    json costs a daily command about 1.2 ms. Anything else is read by json."""
    if text == "[]":
        return ()
    plain = _plain_strings(text)
    if plain is not None:
        return plain
    import json

    return tuple(json.loads(text))


def _plain_strings(text: str) -> tuple[str, ...] | None:
    """The items of `["a", "b"]` as `json.dumps` writes a list of strings that need no escape, else None.

    Without a backslash in the text no string in it holds a quote, so `", "` can only be the separator."""
    if len(text) < 4 or text[:2] != '["' or text[-2:] != '"]' or "\\" in text:
        return None
    items = text[2:-2].split('", "')
    for item in items:
        if '"' in item or not item.isprintable():
            return None
    return tuple(items)


def dumps(value: Any) -> str:
    """`json.dumps(value)`: written here when every string in it is printable ASCII without a quote or a
    backslash and it holds only lists, tuples, dicts with such keys, whole numbers, booleans and None (what a
    session record is made of); anything else goes to json. The text is the same either way. Once json is loaded
    (an import, an export, a report) its C encoder writes everything: it is twice as fast on a session's list of
    exercises, which an import of years of sessions writes thousands of."""
    if "json" not in sys.modules:
        text = _plain_json(value)
        if text is not None:
            return text
    import json

    return json.dumps(value)


def _plain_json(value: Any) -> str | None:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = value.__class__
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return f'"{value}"' if _plain_text(value) else None
    if kind is list or kind is tuple:
        parts = []
        for item in value:
            part = _plain_json(item)
            if part is None:
                return None
            parts.append(part)
        return "[" + ", ".join(parts) + "]"
    if kind is dict:
        pairs = []
        for key, item in value.items():
            part = _plain_json(item)
            if key.__class__ is not str or not _plain_text(key) or part is None:
                return None
            pairs.append(f'"{key}": {part}')
        return "{" + ", ".join(pairs) + "}"
    return None


def _plain_text(text: str) -> bool:
    """Whether json writes `text` between quotes as it is (no escape needed)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


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
