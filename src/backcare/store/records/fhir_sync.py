"""The sync log: what each FHIR server has accepted, one row per record sent (`backcare sync`).

A row says: this record (its key, e.g. `checkin/2026-03-01/pain`), in this version (a digest of the
resource and request sent), was accepted by this server at this time. A record is sent again only when
its digest changes; a row is written only for an entry the server answered with 2xx.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

SECTION = "fhir_sync"
TABLE = "fhir_sync"
LABELS = ("record sent to a FHIR server", "records sent to a FHIR server")
MIGRATION = """
CREATE TABLE fhir_sync (
    server TEXT NOT NULL,
    record TEXT NOT NULL,
    digest TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    PRIMARY KEY (server, record)
)
"""
FIELDS = ("server", "record", "digest", "synced_at")
KEY = ("server", "record")  # what names a row in an import's conflict line
COMPARED = ("digest",)
_DIGEST = re.compile(r"[0-9a-f]{32}")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
MAX_TEXT = 400


def to_record(row: Any) -> dict[str, Any]:
    return {name: row[name] for name in FIELDS}


def _rows(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> Iterator[sqlite3.Row]:
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    yield from cursor.execute(sql, params)


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in _rows(db, f"SELECT {', '.join(FIELDS)} FROM fhir_sync ORDER BY server, record"):
        yield to_record(row)


def digests(db: sqlite3.Connection, server: str) -> dict[str, str]:
    """record key -> digest of the version the server accepted."""
    return {
        row["record"]: row["digest"]
        for row in _rows(db, "SELECT record, digest FROM fhir_sync WHERE server = ?", (server,))
    }


def last_sync(db: sqlite3.Connection, server: str) -> str | None:
    row = next(_rows(db, "SELECT max(synced_at) AS last FROM fhir_sync WHERE server = ?", (server,)), None)
    return None if row is None else row["last"]


def mark(db: sqlite3.Connection, server: str, accepted: Iterable[tuple[str, str]], at: str) -> int:
    """Record (key, digest) pairs as accepted by `server`; call inside Store.write(). Returns how many."""
    n = 0
    for record, digest in accepted:
        db.execute(
            "INSERT INTO fhir_sync (server, record, digest, synced_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (server, record) DO UPDATE SET digest = excluded.digest, synced_at = excluded.synced_at",
            (server, record, digest, at),
        )
        n += 1
    return n


def check(record: Any, today: date) -> None:
    """An imported row: the four fields, as text of the right shapes (`today` is not needed: a stamp in the
    future does no harm here, it only says when a server accepted the record)."""
    if not isinstance(record, dict):
        raise ValueError("must be an object")
    missing = [f for f in FIELDS if f not in record]
    extra = [f for f in record if f not in FIELDS]
    if missing or extra:
        raise ValueError(f"must have exactly the fields {', '.join(FIELDS)}")
    for name in FIELDS:
        value = record[name]
        if not isinstance(value, str) or not value or len(value) > MAX_TEXT or not value.isprintable():
            raise ValueError(f"{name} must be one line of text of at most {MAX_TEXT} characters")
    if not record["server"].startswith(("https://", "http://")):
        raise ValueError("server must be an http(s) address")
    if not _DIGEST.fullmatch(record["digest"]):
        raise ValueError("digest must be 32 hexadecimal digits")
    if not _STAMP.fullmatch(record["synced_at"]):
        raise ValueError("synced_at must be a date and time with its offset (ISO 8601)")


def merge(db: sqlite3.Connection, record: dict[str, Any]) -> str:
    """Added when the server had no row for the record; the same; or a conflict (the stored row is kept)."""
    sql = "SELECT digest FROM fhir_sync WHERE server = ? AND record = ?"
    row = next(_rows(db, sql, (record["server"], record["record"])), None)
    if row is None:
        mark(db, record["server"], [(record["record"], record["digest"])], record["synced_at"])
        return "added"
    return "same" if row["digest"] == record["digest"] else "conflict"
