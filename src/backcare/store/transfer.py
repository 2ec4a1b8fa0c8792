"""Dumping and restoring the whole database: the SQL behind export, import and backup.

`snapshot` reads every table, row by row, as plain JSON-ready dicts (the records of a JSON export).
`merge` writes such records back, as they are read from a file, in ONE transaction: into an empty
home it restores everything as it was (timestamps included); into a home with data it adds what is
missing, skips what is already there, and reports what differs (keeping the stored version unless
`replace`). Either everything is written or nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.errors import BackcareError, StoreError
from backcare.store import (
    _CHECKIN_COLS,
    _SESSION_COLS,
    INSERT_SESSION,
    Store,
    _checkin,
    describe,
    guarded,
    now_utc,
    session_from_row,
    session_values,
)
from backcare.store.records import fhir_sync

if TYPE_CHECKING:
    from backcare.domain.progress import Session

CHECKIN_FIELDS = ("pain", "stiffness", "sleep", "stress", "tags", "note", "settled")

# What each count of a merge is called in the summary, in the order it is shown.
KINDS = (
    ("checkins", "check-in", "check-ins"),
    ("sessions", "session", "sessions"),
    ("safety_screens", "safety screen", "safety screens"),
    ("clearances", "clinician's clearance", "clinician's clearances"),
    ("stage_history", "stage change", "stage changes"),
    ("checkin_edits", "earlier check-in version", "earlier check-in versions"),
    ("routines", "routine file", "routine files"),
    ("topics_read", "topic read", "topics read"),
    ("routine_images", "routine picture", "routine pictures"),
    ("profile", "profile field", "profile fields"),
    ("fhir_sync", *fhir_sync.LABELS),
    ("settings", "setting", "settings"),
)


@dataclass(frozen=True)
class Conflict:
    """Something present on both sides with different values."""

    kind: str  # checkin | session | routine | profile | setting
    key: str  # the date, "date routine", routine name or setting key
    fields: tuple[str, ...]


@dataclass
class MergeResult:
    added: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind, _, _ in KINDS})
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


def _rows(db: sqlite3.Connection, sql: str) -> Iterator[sqlite3.Row]:
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    yield from cursor.execute(sql)


_CHECKIN_NAMES = tuple(_CHECKIN_COLS.split(", "))
_SESSION_NAMES = tuple(_SESSION_COLS.split(", "))


def _session_public(session: Session, at: str) -> dict[str, Any]:
    """A session record as the export holds it (the one place its shape is set: Session.as_dict)."""
    return {**session.as_dict(), "at": at}


def _session_of(row: sqlite3.Row) -> dict[str, Any]:
    return _session_public(session_from_row(tuple(row[k] for k in _SESSION_NAMES)), row["at"])


def _sections(store: Store) -> Iterator[tuple[str, Any]]:
    db = store.conn
    yield (
        "checkins",
        (
            {
                **_checkin([row[k] for k in _CHECKIN_NAMES]).as_dict(),
                "recorded_at": row["recorded_at"],
                "updated_at": row["updated_at"],
            }
            for row in _rows(db, f"SELECT {_CHECKIN_COLS}, recorded_at, updated_at FROM checkins ORDER BY date")
        ),
    )
    yield (
        "checkin_edits",
        (
            {
                "date": row["date"],
                "action": row["action"],
                "before": json.loads(row["before"]),
                "after": json.loads(row["after"]) if row["after"] is not None else None,
                "at": row["at"],
            }
            for row in _rows(db, "SELECT date, action, before, after, at FROM checkin_edits ORDER BY id")
        ),
    )
    yield (
        "sessions",
        (
            _session_of(row)
            for row in _rows(db, f"SELECT {_SESSION_COLS}, at FROM sessions ORDER BY date, coalesce(started, ''), id")
        ),
    )
    yield (
        "session_edits",
        (
            {
                "session": row["session_id"],
                "date": row["date"],
                "action": row["action"],
                "before": json.loads(row["before"]),
                "at": row["at"],
            }
            for row in _rows(db, "SELECT session_id, date, action, before, at FROM session_edits ORDER BY id")
        ),
    )
    yield (
        "stage_history",
        (
            {
                "routine": row["routine"],
                "date": row["date"],
                "stage": row["stage"],
                "decision": row["decision"],
                "reasons": json.loads(row["reasons"]),
                "manual": bool(row["manual"]),
                "at": row["at"],
            }
            for row in _rows(
                db, "SELECT routine, date, stage, decision, reasons, manual, at FROM stage_history ORDER BY id"
            )
        ),
    )
    yield (
        "safety_screens",
        (
            {
                "date": row["date"],
                "answers": json.loads(row["answers"]),
                **({} if row["seen_doctor"] is None else {"seen_doctor": bool(row["seen_doctor"])}),
                "at": row["at"],
            }
            for row in _rows(db, "SELECT date, answers, seen_doctor, at FROM safety_screens ORDER BY id")
        ),
    )
    yield (
        "clearances",
        (
            {
                "date": row["date"],
                "by": row["by"],
                "note": row["note"],
                "covers": json.loads(row["covers"]),
                "at": row["at"],
            }
            for row in _rows(db, "SELECT date, by, note, covers, at FROM clearances ORDER BY id")
        ),
    )
    yield (
        "topics_read",
        (
            {"topic": row["topic"], "first_read": row["first_read"], "last_read": row["last_read"]}
            for row in _rows(db, "SELECT topic, first_read, last_read FROM topics_read ORDER BY topic")
        ),
    )
    yield (
        "routines",
        (
            {"name": row["name"], "origin": row["origin"], "imported_at": row["imported_at"], "source": row["source"]}
            for row in _rows(db, "SELECT name, origin, imported_at, source FROM routines ORDER BY name")
        ),
    )
    yield (
        "routine_images",
        (
            {
                "routine": row["routine"],
                "exercise": row["exercise"],
                "path": row["path"],
                "mime": row["mime"],
                "data": base64.b64encode(row["data"]).decode("ascii"),
            }
            for row in _rows(
                db, "SELECT routine, exercise, path, mime, data FROM routine_images ORDER BY routine, exercise"
            )
        ),
    )
    yield (
        "profile",
        (
            {"field": row["field"], "value": row["value"], "updated_at": row["updated_at"]}
            for row in _rows(db, "SELECT field, value, updated_at FROM profile ORDER BY field")
        ),
    )
    yield fhir_sync.SECTION, fhir_sync.export_rows(db)
    yield "settings", {row["key"]: row["value"] for row in _rows(db, "SELECT key, value FROM settings ORDER BY key")}


# -- writing -------------------------------------------------------------------------------------


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _digest(*parts: Any) -> bytes:
    return hashlib.blake2b(_canon(parts).encode("utf-8"), digest_size=16).digest()


@guarded
def merge(store: Store, records: Iterable[tuple[str, Any]], *, replace: bool = False) -> MergeResult:
    """Write validated export records (section, record), read one at a time, into the store in ONE
    transaction: all or nothing. Each record is looked up by its key in SQL, so memory stays flat."""
    result = MergeResult(replaced=replace)
    stamp = now_utc()
    with store.write() as db:
        seen = _Seen(db)
        for section, record in records:
            if section == "checkins":
                _merge_checkin(db, record, result, replace, stamp)
            elif section == "checkin_edits":
                _merge_edit(db, seen, record, result)
            elif section == "sessions":
                _merge_session(db, seen, record, result)
            elif section == "session_edits":
                _merge_session_edit(db, seen, record, result)
            elif section == "stage_history":
                _merge_stage(db, seen, record, result)
            elif section == "safety_screens":
                _merge_screen(db, seen, record, result)
            elif section == "clearances":
                _merge_clearance(db, seen, record, result)
            elif section == "topics_read":
                _merge_topic(db, record, result)
            elif section == "routines":
                _merge_routine(db, record, result, replace)
            elif section == "routine_images":
                _merge_routine_image(db, record, result, replace)
            elif section == "profile":
                _merge_profile(db, record, result, replace, stamp)
            elif section == fhir_sync.SECTION:
                _count(result, section, fhir_sync.merge(db, record), record["server"] + " " + record["record"])
            elif section == "settings":
                _merge_settings(db, record, result, replace)
        seen.drop()
    return result


def _count(result: MergeResult, kind: str, outcome: str, key: str) -> None:
    """Count a record kind's merge outcome ("added", "same" or "conflict")."""
    if outcome == "added":
        result.added[kind] += 1
    elif outcome == "same":
        result.same += 1
    else:
        result.conflicts.append(Conflict(kind, key, ("digest",)))


class _Seen:
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
                ((kind, make(row)) for row in _rows(self.db, existing)),
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
                ((kind, make(row)) for row in _rows(self.db, existing)),
            )
        cursor = self.db.execute(
            "UPDATE temp.import_counts SET n = n - 1 WHERE kind = ? AND key = ? AND n > 0", (kind, key)
        )
        return cursor.rowcount == 1

    def drop(self) -> None:
        self.db.execute("DELETE FROM temp.import_seen")
        self.db.execute("DELETE FROM temp.import_counts")


def _checkin_row(c: dict[str, Any]) -> tuple[Any, ...]:
    settled = None if c.get("settled") is None else int(c["settled"])
    return (
        c["pain"],
        c["stiffness"],
        c.get("sleep"),
        c.get("stress"),
        c.get("note"),
        json.dumps(list(c.get("tags") or [])),
        settled,
    )


def _checkin_public(c: dict[str, Any]) -> dict[str, Any]:
    """The same shape as CheckIn.as_dict(), used for edit history entries."""
    return {
        "date": c["date"],
        "pain": c["pain"],
        "stiffness": c["stiffness"],
        "sleep": c.get("sleep"),
        "stress": c.get("stress"),
        "tags": list(c.get("tags") or []),
        "note": c.get("note"),
        "settled": c.get("settled"),
    }


def _merge_checkin(db: sqlite3.Connection, c: dict[str, Any], result: MergeResult, replace: bool, stamp: str) -> None:
    day = c["date"]
    incoming = _checkin_public(c)
    row = db.execute(f"SELECT {_CHECKIN_COLS} FROM checkins WHERE date = ?", (day,)).fetchone()
    if row is None:
        recorded = c.get("recorded_at") or stamp
        db.execute(
            "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, settled, recorded_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (day, *_checkin_row(c), recorded, c.get("updated_at") or recorded),
        )
        result.added["checkins"] += 1
        return
    stored = _checkin(row).as_dict()
    differing = tuple(f for f in CHECKIN_FIELDS if stored[f] != incoming[f])
    if not differing:
        result.same += 1
        return
    result.conflicts.append(Conflict("checkin", day, differing))
    if replace:
        db.execute(
            "UPDATE checkins SET pain = ?, stiffness = ?, sleep = ?, stress = ?, note = ?, tags = ?,"
            " settled = ?, updated_at = ? WHERE date = ?",
            (*_checkin_row(c), stamp, day),
        )
        db.execute(
            "INSERT INTO checkin_edits (date, action, before, after, at) VALUES (?, 'update', ?, ?, ?)",
            (day, json.dumps(stored), json.dumps(incoming), stamp),
        )


def _edit_key(d: str, action: str, before: Any, after: Any, at: str) -> bytes:
    return _digest(d, action, before, after, at)


def _merge_edit(db: sqlite3.Connection, seen: _Seen, e: dict[str, Any], result: MergeResult) -> None:
    after = e.get("after")
    key = _edit_key(e["date"], e["action"], e["before"], after, e["at"])
    fresh = seen.add(
        "edit",
        key,
        "SELECT date, action, before, after, at FROM checkin_edits",
        lambda r: _edit_key(
            r["date"], r["action"], json.loads(r["before"]), json.loads(r["after"]) if r["after"] else None, r["at"]
        ),
    )
    if not fresh:
        result.same += 1
        return
    db.execute(
        "INSERT INTO checkin_edits (date, action, before, after, at) VALUES (?, ?, ?, ?, ?)",
        (e["date"], e["action"], json.dumps(e["before"]), json.dumps(after) if after is not None else None, e["at"]),
    )
    result.added["checkin_edits"] += 1


def _merge_session(db: sqlite3.Connection, seen: _Seen, record: dict[str, Any], result: MergeResult) -> None:
    """Sessions are records, never overwritten: a record already here (the same in every field) is skipped
    as often as it is here, any other is added. An older export's one-a-day rows read as one record each."""
    from backcare.domain.progress import Session

    session = Session.from_dict(record)
    key = _digest(_session_public(session, record["at"]))
    if seen.take("session", key, f"SELECT {_SESSION_COLS}, at FROM sessions", lambda r: _digest(_session_of(r))):
        result.same += 1
        return
    db.execute(INSERT_SESSION, (*session_values(session), record["at"]))
    result.added["sessions"] += 1


def _merge_session_edit(db: sqlite3.Connection, seen: _Seen, e: dict[str, Any], result: MergeResult) -> None:
    key = _digest(e["session"], e["date"], e["action"], e["before"], e["at"])
    fresh = seen.add(
        "session_edit",
        key,
        "SELECT session_id, date, action, before, at FROM session_edits",
        lambda r: _digest(r["session_id"], r["date"], r["action"], json.loads(r["before"]), r["at"]),
    )
    if not fresh:
        result.same += 1
        return
    db.execute(
        "INSERT INTO session_edits (session_id, date, action, before, at) VALUES (?, ?, ?, ?, ?)",
        (e["session"], e["date"], e["action"], json.dumps(e["before"]), e["at"]),
    )


def _stage_key(routine: str, d: str, stage: str, decision: str, reasons: Any, manual: bool, at: str) -> bytes:
    return _digest(routine, d, stage, decision, reasons, manual, at)


def _merge_stage(db: sqlite3.Connection, seen: _Seen, s: dict[str, Any], result: MergeResult) -> None:
    reasons = list(s.get("reasons") or [])
    manual = bool(s.get("manual"))
    key = _stage_key(s["routine"], s["date"], s["stage"], s["decision"], reasons, manual, s["at"])
    fresh = seen.add(
        "stage",
        key,
        "SELECT routine, date, stage, decision, reasons, manual, at FROM stage_history",
        lambda r: _stage_key(
            r["routine"], r["date"], r["stage"], r["decision"], json.loads(r["reasons"]), bool(r["manual"]), r["at"]
        ),
    )
    if not fresh:
        result.same += 1
        return
    db.execute(
        "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (s["routine"], s["date"], s["stage"], s["decision"], json.dumps(reasons), int(manual), s["at"]),
    )
    result.added["stage_history"] += 1


def _merge_screen(db: sqlite3.Connection, seen: _Seen, s: dict[str, Any], result: MergeResult) -> None:
    seen_doctor = s.get("seen_doctor")
    key = _digest(s["date"], s["answers"], seen_doctor, s["at"])
    fresh = seen.add(
        "screen",
        key,
        "SELECT date, answers, seen_doctor, at FROM safety_screens",
        lambda r: _digest(
            r["date"], json.loads(r["answers"]), None if r["seen_doctor"] is None else bool(r["seen_doctor"]), r["at"]
        ),
    )
    if not fresh:
        result.same += 1
        return
    db.execute(
        "INSERT INTO safety_screens (date, answers, any_yes, seen_doctor, at) VALUES (?, ?, ?, ?, ?)",
        (
            s["date"],
            json.dumps(s["answers"]),
            int(any(s["answers"].values())),
            None if seen_doctor is None else int(seen_doctor),
            s["at"],
        ),
    )
    result.added["safety_screens"] += 1


def _merge_clearance(db: sqlite3.Connection, seen: _Seen, c: dict[str, Any], result: MergeResult) -> None:
    covers = list(c.get("covers") or [])
    key = _digest(c["date"], c["by"], c.get("note"), covers, c["at"])
    fresh = seen.add(
        "clearance",
        key,
        "SELECT date, by, note, covers, at FROM clearances",
        lambda r: _digest(r["date"], r["by"], r["note"], json.loads(r["covers"]), r["at"]),
    )
    if not fresh:
        result.same += 1
        return
    db.execute(
        "INSERT INTO clearances (date, by, note, covers, at) VALUES (?, ?, ?, ?, ?)",
        (c["date"], c["by"], c.get("note"), json.dumps(covers), c["at"]),
    )
    result.added["clearances"] += 1


def _merge_topic(db: sqlite3.Connection, t: dict[str, Any], result: MergeResult) -> None:
    topic, first, last = t["topic"], t["first_read"], t["last_read"]
    row = db.execute("SELECT first_read, last_read FROM topics_read WHERE topic = ?", (topic,)).fetchone()
    if row is None:
        db.execute("INSERT INTO topics_read (topic, first_read, last_read) VALUES (?, ?, ?)", (topic, first, last))
        result.added["topics_read"] += 1
        return
    old_first, old_last = row
    merged = (min(old_first, first), max(old_last, last))
    if merged != (old_first, old_last):
        db.execute("UPDATE topics_read SET first_read = ?, last_read = ? WHERE topic = ?", (*merged, topic))
    result.same += 1  # the same topic, perhaps read on more days: not new, not a conflict


def _merge_routine(db: sqlite3.Connection, r: dict[str, Any], result: MergeResult, replace: bool) -> None:
    name = r["name"]
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute("SELECT source, origin FROM routines WHERE name = ?", (name,)).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO routines (name, source, origin, imported_at) VALUES (?, ?, ?, ?)",
            (name, r["source"], r.get("origin"), r["imported_at"]),
        )
        result.added["routines"] += 1
        return
    differing = tuple(
        f for f, a, b in (("source", row["source"], r["source"]), ("origin", row["origin"], r.get("origin"))) if a != b
    )
    if not differing:
        result.same += 1
        return
    result.conflicts.append(Conflict("routine", name, differing))
    if replace:
        db.execute(
            "UPDATE routines SET source = ?, origin = ?, imported_at = ? WHERE name = ?",
            (r["source"], r.get("origin"), r["imported_at"], name),
        )


def _merge_routine_image(db: sqlite3.Connection, p: dict[str, Any], result: MergeResult, replace: bool) -> None:
    data = base64.b64decode(p["data"])
    key = (p["routine"], p["exercise"])
    row = db.execute("SELECT path, data FROM routine_images WHERE routine = ? AND exercise = ?", key).fetchone()
    values = (p["path"], p["mime"], data, *key)
    if row is None:
        db.execute("INSERT INTO routine_images (path, mime, data, routine, exercise) VALUES (?, ?, ?, ?, ?)", values)
        result.added["routine_images"] += 1
    elif (row[0], bytes(row[1])) == (p["path"], data):
        result.same += 1
    else:
        result.conflicts.append(Conflict("routine picture", f"{key[0]}: {key[1]}", ("picture",)))
        if replace:
            db.execute(
                "UPDATE routine_images SET path = ?, mime = ?, data = ? WHERE routine = ? AND exercise = ?", values
            )


def _merge_profile(db: sqlite3.Connection, p: dict[str, Any], result: MergeResult, replace: bool, stamp: str) -> None:
    name, value = p["field"], p["value"]
    row = db.execute("SELECT value FROM profile WHERE field = ?", (name,)).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO profile (field, value, updated_at) VALUES (?, ?, ?)",
            (name, value, p.get("updated_at") or stamp),
        )
        result.added["profile"] += 1
    elif row[0] == value:
        result.same += 1
    else:
        result.conflicts.append(Conflict("profile", name, ("value",)))
        if replace:
            db.execute(
                "UPDATE profile SET value = ?, updated_at = ? WHERE field = ?",
                (value, p.get("updated_at") or stamp, name),
            )


def _merge_settings(db: sqlite3.Connection, settings: dict[str, str], result: MergeResult, replace: bool) -> None:
    for key, value in settings.items():
        row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
            result.added["settings"] += 1
        elif row[0] == value:
            result.same += 1
        else:
            result.conflicts.append(Conflict("setting", key, ("value",)))
            if replace:
                db.execute("UPDATE settings SET value = ? WHERE key = ?", (value, key))


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
