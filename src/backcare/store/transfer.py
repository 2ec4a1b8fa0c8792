"""Dumping and restoring the whole database: the SQL behind export, import and backup.

`snapshot` reads every table, row by row, as plain JSON-ready dicts (the records of a JSON export).
`merge` writes such records back, as they are read from a file, in ONE transaction: into an empty
home it restores everything as it was (timestamps included); into a home with data it adds what is
missing, skips what is already there, and reports what differs (keeping the stored version unless
`replace`). Either everything is written or nothing. Both iterate the registry of record kinds
(store/records/): each kind's module holds its SQL, export shape and merge rule.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import Any

from backcare.errors import BackcareError, StoreError
from backcare.store import Store, describe, guarded, now_utc
from backcare.store.records import ALWAYS_COUNTED, kinds
from backcare.store.records.base import Conflict, MergeContext
from backcare.valueclass import mutable


def summary_kinds() -> tuple[tuple[str, str, str], ...]:
    """(section, one, many) of what an import counts, in the order the summary shows them: check-ins and
    sessions first (always shown), then the others in export order."""
    counted = [(k.section, *k.labels) for k in kinds() if k.labels is not None]
    return tuple(sorted(counted, key=lambda k: k[0] not in ALWAYS_COUNTED))


@mutable
class MergeResult:
    added: dict[str, int] = field(default_factory=lambda: {section: 0 for section, _, _ in summary_kinds()})
    same: int = 0  # entries already present with the same values
    conflicts: list[Conflict] = field(default_factory=list)
    replaced: bool = False


# -- reading -------------------------------------------------------------------------------------


@contextmanager
def snapshot(store: Store) -> Iterator[Callable[[], Iterator[tuple[str, Any]]]]:
    """One read transaction; inside it, `sections()` yields (name, records) with records read by a cursor
    one row at a time (a list section's records as an iterator, settings as a dict), so memory stays flat
    in the number of rows."""
    db = store.conn
    try:
        db.execute("BEGIN")  # one read snapshot for all tables
    except sqlite3.Error as exc:
        raise StoreError(describe(exc, store.path)) from exc
    try:
        yield lambda: _sections(store)
    except sqlite3.Error as exc:
        raise StoreError(describe(exc, store.path)) from exc
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")  # nothing was written: ending a read


def _sections(store: Store) -> Iterator[tuple[str, Any]]:
    for kind in kinds():
        yield kind.section, kind.export(store.conn)


# -- writing -------------------------------------------------------------------------------------


@guarded
def merge(store: Store, records: Iterable[tuple[str, Any]], *, replace: bool = False) -> MergeResult:
    """Write validated export records (section, record), read one at a time, into the store in ONE
    transaction: all or nothing. Each record is looked up by its key in SQL, so memory stays flat; each
    kind's own rule (store/records/<kind>.py) says what is new, the same, or a conflict."""
    result = MergeResult(replaced=replace)
    by_section = {k.section: k for k in kinds()}
    with store.write() as db:
        ctx = MergeContext(db, replace=replace, stamp=now_utc(), conflicts=result.conflicts)
        for section, record in records:
            kind = by_section.get(section)
            if kind is None:
                continue
            outcome = kind.merge(ctx, record)
            for one in [outcome] if isinstance(outcome, str) else outcome:
                if one == "same":
                    result.same += 1
                elif one == "added" and section in result.added:
                    result.added[section] += 1
        ctx.close()
    return result


# -- backups -------------------------------------------------------------------------------------


def verify_backup(path: Path) -> dict[str, Any]:
    """Open a backup read-only and report its integrity check and how many check-ins it holds."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(describe(exc, path)) from exc
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        checkins = conn.execute("SELECT count(*) FROM checkins").fetchone()[0]
        sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackcareError(f"The backup at {path} could not be read back ({exc}); do not rely on it.") from exc
    finally:
        conn.close()
    return {
        "ok": rows == ["ok"],
        "problems": [] if rows == ["ok"] else rows[:10],
        "checkins": checkins,
        "sessions": sessions,
    }
