"""A tiny read-only look at the database for `backcare due` (it runs at every shell start, so it imports only
sqlite3 and opens the file read-only: no migration, no check, nothing written)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

DAY_STARTS_KEY = "day-starts"  # the day-rollover hour in the settings table (backcare.domain.config.DAY_STARTS)
DB_NAME = "backcare.db"  # the same name as backcare.paths.DB_NAME (a test keeps them equal)
BUSY_TIMEOUT_S = 1.0  # a prompt hook must not hang while another backcare writes


class DueReadError(Exception):
    """The database exists but cannot be read: one sentence for the person."""


def read_due(home: str, day: str | Callable[[str | None], str]) -> tuple[bool, bool] | None:
    """(a safety screen exists, a check-in for `day` exists) in the database in `home`; None when there is no
    database yet (a missing home). `day` may be a function of the stored day-starts setting (its text, or None)
    giving the day, so one connection answers both. A damaged, locked or unreadable file raises DueReadError."""
    opened = _open(home)
    if opened is None:
        return None
    conn, path = opened
    try:
        tables = _tables(conn)
        asked = day if isinstance(day, str) else day(_setting(conn, tables, DAY_STARTS_KEY))
        screened = "safety_screens" in tables and (
            conn.execute("SELECT 1 FROM safety_screens LIMIT 1").fetchone() is not None
        )
        checked = "checkins" in tables and (
            conn.execute("SELECT 1 FROM checkins WHERE date = ?", (asked,)).fetchone() is not None
        )
    except sqlite3.Error as exc:
        raise DueReadError(_describe(exc, path)) from None
    finally:
        conn.close()
    return screened, checked


def read_setting(home: str, key: str) -> str | None:
    """The stored text of one setting in the database in `home`, read-only (nothing is created, migrated or
    written); None when there is no database, no settings table yet, or the key is not set."""
    opened = _open(home)
    if opened is None:
        return None
    conn, path = opened
    try:
        return _setting(conn, _tables(conn), key)
    except sqlite3.Error as exc:
        raise DueReadError(_describe(exc, path)) from None
    finally:
        conn.close()


def _open(home: str) -> tuple[sqlite3.Connection, str] | None:
    """A read-only connection to the database in `home` and its path; None when there is no database.
    (No typing or contextlib here: this module is on the path of every shell start.)"""
    path = os.path.join(home, DB_NAME)
    if not os.path.exists(path):
        return None
    if not os.path.isfile(path):  # a pipe under the database's name would hold the read-only open (and the shell)
        raise DueReadError(f"backcare cannot read {path}; run 'backcare where' for details.")
    uri = "file:" + _uri_path(os.path.abspath(path)) + "?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None), path
    except sqlite3.Error as exc:
        raise DueReadError(_describe(exc, path)) from None


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _setting(conn: sqlite3.Connection, tables: set[str], key: str) -> str | None:
    if "settings" not in tables:
        return None
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # by name, as everywhere in the store (no import: sqlite3 is loaded already)
    row = cursor.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row["value"]) if row else None


def _uri_path(path: str) -> str:
    # What an SQLite URI filename must escape (urllib.parse.quote would do, but costs 2 ms to import).
    return path.replace("%", "%25").replace("?", "%3F").replace("#", "%23")


def _describe(exc: sqlite3.Error, path: str) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return f"Another backcare is writing to {path}; try again in a moment."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{path} is damaged or is not a backcare database; run 'backcare where' for details."
    if ("readonly" in text or "read-only" in text) and os.path.exists(path + "-journal"):
        # A hot journal: only a read-write open can finish undoing the cut-off write, and due never writes.
        return f"A write to {path} was cut off (a crash or power cut); run 'backcare where' once to finish undoing it."
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return f"backcare cannot read {path}; run 'backcare where' for details."
    return f"backcare cannot read {path} ({exc}); run 'backcare where' for details."
