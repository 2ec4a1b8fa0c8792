"""Dumping and restoring the whole database: the SQL behind export, import and backup.

`dump` reads every table into plain JSON-ready dicts (the body of a JSON export). `merge` writes such
a body back in ONE transaction: into an empty home it restores everything as it was (timestamps
included); into a home with data it adds what is missing, skips what is already there, and reports
what differs (keeping the stored version unless `replace`). Either everything is written or nothing.
"""

from __future__ import annotations

import json
import sqlite3
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

if TYPE_CHECKING:
    from backcare.domain.progress import Session

CHECKIN_FIELDS = ("pain", "stiffness", "sleep", "stress", "tags", "note", "settled")

# What each count of a merge is called in the summary, in the order it is shown.
KINDS = (
    ("checkins", "check-in", "check-ins"),
    ("sessions", "session", "sessions"),
    ("safety_screens", "safety screen", "safety screens"),
    ("stage_history", "stage change", "stage changes"),
    ("checkin_edits", "earlier check-in version", "earlier check-in versions"),
    ("routines", "routine file", "routine files"),
    ("topics_read", "topic read", "topics read"),
    ("settings", "setting", "settings"),
)


@dataclass(frozen=True)
class Conflict:
    """Something present on both sides with different values."""

    kind: str  # checkin | session | routine | setting
    key: str  # the date, "date routine", routine name or setting key
    fields: tuple[str, ...]


@dataclass
class MergeResult:
    added: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind, _, _ in KINDS})
    same: int = 0  # entries already present with the same values
    conflicts: list[Conflict] = field(default_factory=list)
    replaced: bool = False


# -- reading -------------------------------------------------------------------------------------


@guarded
def dump(store: Store) -> dict[str, Any]:
    """Every row of every table, in a stable order, as JSON-ready values."""
    db = store.conn
    db.execute("BEGIN")  # one read snapshot for all tables
    try:
        body = _dump(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return body


def _dump(db: sqlite3.Connection) -> dict[str, Any]:
    checkins = [
        {**_checkin(row[:8]).as_dict(), "recorded_at": row[8], "updated_at": row[9]}
        for row in db.execute(f"SELECT {_CHECKIN_COLS}, recorded_at, updated_at FROM checkins ORDER BY date")
    ]
    edits = [
        {
            "date": d,
            "action": action,
            "before": json.loads(before),
            "after": json.loads(after) if after is not None else None,
            "at": at,
        }
        for d, action, before, after, at in db.execute(
            "SELECT date, action, before, after, at FROM checkin_edits ORDER BY id"
        )
    ]
    sessions = [
        _session_public(session_from_row(row[:-1]), row[-1])
        for row in db.execute(f"SELECT {_SESSION_COLS}, at FROM sessions ORDER BY date, coalesce(started, ''), id")
    ]
    session_edits = [
        {"session": sid, "date": d, "action": action, "before": json.loads(before), "at": at}
        for sid, d, action, before, at in db.execute(
            "SELECT session_id, date, action, before, at FROM session_edits ORDER BY id"
        )
    ]
    stages = [
        {
            "routine": routine,
            "date": d,
            "stage": stage,
            "decision": decision,
            "reasons": json.loads(reasons),
            "manual": bool(manual),
            "at": at,
        }
        for routine, d, stage, decision, reasons, manual, at in db.execute(
            "SELECT routine, date, stage, decision, reasons, manual, at FROM stage_history ORDER BY id"
        )
    ]
    screens = [
        {"date": d, "answers": json.loads(answers), "at": at}
        for d, answers, at in db.execute("SELECT date, answers, at FROM safety_screens ORDER BY id")
    ]
    topics = [
        {"topic": topic, "first_read": first, "last_read": last}
        for topic, first, last in db.execute("SELECT topic, first_read, last_read FROM topics_read ORDER BY topic")
    ]
    routines = [
        {"name": name, "origin": origin, "imported_at": at, "source": source}
        for name, origin, at, source in db.execute(
            "SELECT name, origin, imported_at, source FROM routines ORDER BY name"
        )
    ]
    settings = dict(db.execute("SELECT key, value FROM settings ORDER BY key").fetchall())
    return {
        "schema_version": db.execute("PRAGMA user_version").fetchone()[0],
        "checkins": checkins,
        "checkin_edits": edits,
        "sessions": sessions,
        "session_edits": session_edits,
        "stage_history": stages,
        "safety_screens": screens,
        "topics_read": topics,
        "routines": routines,
        "settings": settings,
    }


# -- writing -------------------------------------------------------------------------------------


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@guarded
def merge(store: Store, data: dict[str, Any], *, replace: bool = False) -> MergeResult:
    """Write a validated export body into the store in one transaction (all or nothing)."""
    result = MergeResult(replaced=replace)
    stamp = now_utc()
    with store.write() as db:
        _merge_checkins(db, data.get("checkins", []), result, replace, stamp)
        _merge_edits(db, data.get("checkin_edits", []), result)
        _merge_sessions(db, data.get("sessions", []), result)
        _merge_session_edits(db, data.get("session_edits", []), result)
        _merge_stages(db, data.get("stage_history", []), result)
        _merge_screens(db, data.get("safety_screens", []), result)
        _merge_topics(db, data.get("topics_read", []), result)
        _merge_routines(db, data.get("routines", []), result, replace)
        _merge_settings(db, data.get("settings", {}), result, replace)
    return result


def _checkin_row(c: dict) -> tuple:
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


def _checkin_public(c: dict) -> dict:
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


def _merge_checkins(db: sqlite3.Connection, rows: list[dict], result: MergeResult, replace: bool, stamp: str) -> None:
    existing = {row[0]: _checkin(row).as_dict() for row in db.execute(f"SELECT {_CHECKIN_COLS} FROM checkins")}
    for c in rows:
        day = c["date"]
        incoming = _checkin_public(c)
        stored = existing.get(day)
        if stored is None:
            recorded = c.get("recorded_at") or stamp
            db.execute(
                "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, settled, recorded_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (day, *_checkin_row(c), recorded, c.get("updated_at") or recorded),
            )
            existing[day] = incoming
            result.added["checkins"] += 1
            continue
        differing = tuple(f for f in CHECKIN_FIELDS if stored[f] != incoming[f])
        if not differing:
            result.same += 1
            continue
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
            existing[day] = incoming


def _merge_edits(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    seen = {
        (d, action, _canon(json.loads(before)), _canon(json.loads(after)) if after is not None else None, at)
        for d, action, before, after, at in db.execute("SELECT date, action, before, after, at FROM checkin_edits")
    }
    for e in rows:
        after = e.get("after")
        key = (e["date"], e["action"], _canon(e["before"]), _canon(after) if after is not None else None, e["at"])
        if key in seen:
            result.same += 1
            continue
        seen.add(key)
        db.execute(
            "INSERT INTO checkin_edits (date, action, before, after, at) VALUES (?, ?, ?, ?, ?)",
            (
                e["date"],
                e["action"],
                json.dumps(e["before"]),
                json.dumps(after) if after is not None else None,
                e["at"],
            ),
        )
        result.added["checkin_edits"] += 1


def _session_public(session: Session, at: str) -> dict:
    """A session record as the export holds it (the one place its shape is set: Session.as_dict)."""
    return {**session.as_dict(), "at": at}


def _merge_sessions(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    """Sessions are records, never overwritten: a record already here (the same in every field) is skipped
    as often as it is here, any other is added. An older export's one-a-day rows read as one record each."""
    from collections import Counter

    from backcare.domain.progress import Session

    here = Counter(
        _canon(_session_public(session_from_row(row[:-1]), row[-1]))
        for row in db.execute(f"SELECT {_SESSION_COLS}, at FROM sessions")
    )
    for row in rows:
        session = Session.from_dict(row)
        key = _canon(_session_public(session, row["at"]))
        if here[key] > 0:
            here[key] -= 1
            result.same += 1
            continue
        db.execute(
            INSERT_SESSION,
            (*session_values(session), row["at"]),
        )
        result.added["sessions"] += 1


def _merge_session_edits(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    seen = {
        (sid, d, action, _canon(json.loads(before)), at)
        for sid, d, action, before, at in db.execute("SELECT session_id, date, action, before, at FROM session_edits")
    }
    for e in rows:
        key = (e["session"], e["date"], e["action"], _canon(e["before"]), e["at"])
        if key in seen:
            result.same += 1
            continue
        seen.add(key)
        db.execute(
            "INSERT INTO session_edits (session_id, date, action, before, at) VALUES (?, ?, ?, ?, ?)",
            (e["session"], e["date"], e["action"], json.dumps(e["before"]), e["at"]),
        )


def _merge_stages(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    seen = {
        (routine, d, stage, decision, _canon(json.loads(reasons)), bool(manual), at)
        for routine, d, stage, decision, reasons, manual, at in db.execute(
            "SELECT routine, date, stage, decision, reasons, manual, at FROM stage_history"
        )
    }
    for s in rows:
        reasons = list(s.get("reasons") or [])
        key = (s["routine"], s["date"], s["stage"], s["decision"], _canon(reasons), bool(s.get("manual")), s["at"])
        if key in seen:
            result.same += 1
            continue
        seen.add(key)
        db.execute(
            "INSERT INTO stage_history (routine, date, stage, decision, reasons, manual, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                s["routine"],
                s["date"],
                s["stage"],
                s["decision"],
                json.dumps(reasons),
                int(bool(s.get("manual"))),
                s["at"],
            ),
        )
        result.added["stage_history"] += 1


def _merge_screens(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    seen = {
        (d, _canon(json.loads(answers)), at)
        for d, answers, at in db.execute("SELECT date, answers, at FROM safety_screens")
    }
    for s in rows:
        key = (s["date"], _canon(s["answers"]), s["at"])
        if key in seen:
            result.same += 1
            continue
        seen.add(key)
        db.execute(
            "INSERT INTO safety_screens (date, answers, any_yes, at) VALUES (?, ?, ?, ?)",
            (s["date"], json.dumps(s["answers"]), int(any(s["answers"].values())), s["at"]),
        )
        result.added["safety_screens"] += 1


def _merge_topics(db: sqlite3.Connection, rows: list[dict], result: MergeResult) -> None:
    existing = {
        t: (first, last) for t, first, last in db.execute("SELECT topic, first_read, last_read FROM topics_read")
    }
    for t in rows:
        topic, first, last = t["topic"], t["first_read"], t["last_read"]
        if topic not in existing:
            db.execute("INSERT INTO topics_read (topic, first_read, last_read) VALUES (?, ?, ?)", (topic, first, last))
            existing[topic] = (first, last)
            result.added["topics_read"] += 1
            continue
        old_first, old_last = existing[topic]
        merged = (min(old_first, first), max(old_last, last))
        if merged == (old_first, old_last):
            result.same += 1
            continue
        db.execute("UPDATE topics_read SET first_read = ?, last_read = ? WHERE topic = ?", (*merged, topic))
        existing[topic] = merged
        result.same += 1  # the same topic, read on more days: not new, not a conflict


def _merge_routines(db: sqlite3.Connection, rows: list[dict], result: MergeResult, replace: bool) -> None:
    existing = {n: (s, o) for n, s, o in db.execute("SELECT name, source, origin FROM routines")}
    for r in rows:
        name = r["name"]
        stored = existing.get(name)
        if stored is None:
            db.execute(
                "INSERT INTO routines (name, source, origin, imported_at) VALUES (?, ?, ?, ?)",
                (name, r["source"], r.get("origin"), r["imported_at"]),
            )
            existing[name] = (r["source"], r.get("origin"))
            result.added["routines"] += 1
            continue
        differing = tuple(
            f for f, a, b in (("source", stored[0], r["source"]), ("origin", stored[1], r.get("origin"))) if a != b
        )
        if not differing:
            result.same += 1
            continue
        result.conflicts.append(Conflict("routine", name, differing))
        if replace:
            db.execute(
                "UPDATE routines SET source = ?, origin = ?, imported_at = ? WHERE name = ?",
                (r["source"], r.get("origin"), r["imported_at"], name),
            )
            existing[name] = (r["source"], r.get("origin"))


def _merge_settings(db: sqlite3.Connection, settings: dict[str, str], result: MergeResult, replace: bool) -> None:
    existing = dict(db.execute("SELECT key, value FROM settings").fetchall())
    for key, value in settings.items():
        if key not in existing:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
            result.added["settings"] += 1
        elif existing[key] == value:
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
