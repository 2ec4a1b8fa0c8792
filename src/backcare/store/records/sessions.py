"""Session records: several a day, never overwritten, numbered by `id`.

Columns (`COLUMNS`): date, started, routine, stage, done and skipped (JSON id lists), exercises (JSON, one object
per exercise), pain_during, effort; then `at`. Created by m003_routines_and_sessions, reshaped by
m005_session_records. The export shape is Session.as_dict() plus `at`.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records.base import MergeContext, digest, dumps, ids, insert_sql, one, query

if TYPE_CHECKING:
    from types import ModuleType

    from backcare.domain.progress import Session
    from backcare.domain.progression import Tally

SECTION = "sessions"
TABLE = "sessions"
LABELS = ("session", "sessions")
MIGRATION = ("m003_routines_and_sessions", "m005_session_records")
COLUMNS = ("date", "started", "routine", "stage", "done", "skipped", "exercises", "pain_during", "effort")
SELECT = f"SELECT id, {', '.join(COLUMNS)} FROM {TABLE}"
SELECT_AT = f"SELECT id, {', '.join(COLUMNS)}, at FROM {TABLE}"
INSERT = insert_sql(TABLE, (*COLUMNS, "at"))
MAX_EXERCISES = 200
# json and `checks` are imported where used: `session --done` writes and reads its lists without json (base.dumps,
# base.ids), and only an import checks records.


# -- codec -----------------------------------------------------------------------------------------------------
def values(s: Session) -> dict[str, Any]:
    """The stored columns of a session record, after its number (the one place its shape is written)."""
    return {
        "date": s.day.isoformat(),
        "started": s.started,
        "routine": s.routine,
        "stage": s.stage,
        "done": dumps(list(s.done)),
        "skipped": dumps(list(s.skipped)),
        "exercises": dumps([e.as_dict() for e in s.records]),
        "pain_during": s.pain_during,
        "effort": s.effort,
    }


def from_row(row: sqlite3.Row, detail: bool = True) -> Session:
    """A session record from its stored columns (`SELECT`). Without `detail` the per-exercise records are not
    decoded (most of the cost of a row): `exercises` is then empty, for a reader that needs only the lists of
    ids, the scores and the stage, as the progression engine does."""
    from backcare.domain.progress import ExerciseRecord, Session

    exercises = row["exercises"]
    records: tuple[ExerciseRecord, ...] = ()
    if detail and exercises != "[]":
        import json

        records = tuple(ExerciseRecord.from_dict(e) for e in json.loads(exercises))
    return Session(
        date.fromisoformat(row["date"]),
        row["routine"],
        row["stage"],
        ids(row["done"]),
        ids(row["skipped"]),
        row["pain_during"],
        row["effort"],
        row["started"],
        records,
        row["id"],
    )


def _public(session: Session, at: str) -> dict[str, Any]:
    """A session record as the export holds it (its shape is set once: Session.as_dict)."""
    return {**session.as_dict(), "at": at}


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return _public(from_row(row), row["at"])


# -- SQL -------------------------------------------------------------------------------------------------------
def add(db: sqlite3.Connection, session: Session, at: str) -> Session:
    cur = db.execute(INSERT, {**values(session), "at": at})
    return dataclasses.replace(session, id=cur.lastrowid)


def get(db: sqlite3.Connection, session_id: int) -> Session | None:
    row = one(db, f"{SELECT} WHERE id = ?", (session_id,))
    return from_row(row) if row else None


def select(
    db: sqlite3.Connection, routine: str | None, lo: str, hi: str, last: int, detail: bool = True
) -> list[Session]:
    sql = f"{SELECT} WHERE date >= ? AND date <= ?"
    params: list[Any] = [lo, hi]
    if routine is not None:
        sql += " AND routine = ?"
        params.append(routine)
    newest = "date DESC, coalesce(started, '') DESC, id DESC"
    sql = f"SELECT * FROM ({sql} ORDER BY {newest} LIMIT ?) ORDER BY date, coalesce(started, ''), id"
    rows = query(db, sql, [*params, last])
    return [from_row(row) for row in rows] if detail else [from_row(row, detail=False) for row in rows]


def tallies(db: sqlite3.Connection, routine: str, last: int) -> list[Tally]:
    """What the progression engine reads of the last `last` sessions of a routine (day, stage, pain during and
    how many exercises were done and skipped), in the order `select` gives them: only those columns, and no
    session records built (about half the time of `select` without detail, for 200 rows)."""
    from backcare.domain.progression import Tally

    newest = "date DESC, coalesce(started, '') DESC, id DESC"
    inner = f"SELECT date, started, id, stage, pain_during, done, skipped FROM {TABLE} WHERE routine = ?"
    sql = (
        f"SELECT date, stage, pain_during, done, skipped FROM ({inner} ORDER BY {newest} LIMIT ?)"
        " ORDER BY date, coalesce(started, ''), id"
    )
    day = date.fromisoformat
    return [
        Tally(day(row["date"]), row["stage"], row["pain_during"], len(ids(row["done"])), len(ids(row["skipped"])))
        for row in query(db, sql, (routine, last))
    ]


def count(db: sqlite3.Connection, lo: str) -> int:
    row = one(db, f"SELECT count(*) AS n FROM {TABLE} WHERE date >= ?", (lo,))
    return int(row["n"]) if row else 0


def completed_days(db: sqlite3.Connection, lo: str) -> list[date]:
    sql = f"SELECT date FROM {TABLE} WHERE date >= ? AND done != '[]' ORDER BY date"
    return [date.fromisoformat(row["date"]) for row in query(db, sql, (lo,))]


def delete(db: sqlite3.Connection, session_id: int) -> None:
    db.execute(f"DELETE FROM {TABLE} WHERE id = ?", (session_id,))


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT_AT} ORDER BY date, coalesce(started, ''), id"):
        yield to_record(row)


# -- import ----------------------------------------------------------------------------------------------------
def check_values(record: Any, today: date, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    from backcare.store.records import checks

    checked = checks.fields(record, (*COLUMNS, *extra), ("date", "routine", "stage"))
    checks.day(record["date"], "date", today)
    checks.short(record["routine"], "routine")
    checks.short(record["stage"], "stage")
    if record.get("started") is not None:
        checks.short(record["started"], "started", checks.MAX_STAMP)
    for name in ("done", "skipped"):
        for item in checks.list_(record.get(name, []), name):
            checks.short(item, f"each of {name}")
    for item in checks.list_(record.get("exercises", []), "exercises", MAX_EXERCISES):
        _exercise(checks, item)
    checks.optional_score(record, "pain_during")
    checks.optional_score(record, "effort")
    return checked


def _exercise(checks: ModuleType, value: Any) -> None:
    """One exercise of a session: {"id", "status": done|partly|skipped, "sets_done", "dose"} (`checks`: the module,
    which the caller has imported already: not once more for every exercise of years of sessions)."""
    from backcare.domain.progress import DOSE_FIELDS, STATUSES

    if not isinstance(value, dict):
        raise checks.Bad(f"exercises must hold objects, not {checks.kind(value)}")
    unknown = sorted(set(value) - {"id", "status", "sets_done", "dose"})
    if unknown:
        raise checks.Bad(f"it has an exercise with a field backcare does not know ({checks.show_key(unknown[0])})")
    checks.short(value.get("id"), "each exercise's id")
    if value.get("status") not in STATUSES:
        raise checks.Bad(f"each exercise's status must be one of {', '.join(STATUSES)}")
    sets = value.get("sets_done")
    if sets is not None and (not checks.is_int(sets) or not 0 <= sets <= 99):
        raise checks.Bad(f"each exercise's sets_done must be a whole number from 0 to 99, not {checks.kind(sets)}")
    dose = value.get("dose")
    if dose is None:
        return
    if not isinstance(dose, dict):
        raise checks.Bad(f"each exercise's dose must be an object, not {checks.kind(dose)}")
    extra = sorted(set(dose) - set(DOSE_FIELDS))
    if extra:
        raise checks.Bad(f"it has an exercise dose with a field backcare does not know ({checks.show_key(extra[0])})")
    for key in ("sets", "reps", "hold_seconds"):
        if dose.get(key) is not None and (not checks.is_int(dose[key]) or not 0 <= dose[key] < 10**6):
            raise checks.Bad(f"each exercise's dose {key} must be a whole number, not {checks.kind(dose[key])}")
    for key in ("side", "text"):
        if dose.get(key) is not None:
            checks.short(dose[key], f"each exercise's dose {key}")


def check(record: Any, today: date) -> None:
    """A session record (several a day are separate records, so none repeats another by key)."""
    from backcare.store.records import checks

    record = check_values(record, today, ("at",))
    checks.stamp(record, "at")


def merge_in(ctx: MergeContext, record: dict[str, Any]) -> str:
    """Sessions are records, never overwritten: a record already here (the same in every field) is skipped
    as often as it is here, any other is added. An older export's one-a-day rows read as one record each."""
    from backcare.domain.progress import Session

    session = Session.from_dict(record)
    key = digest(_public(session, record["at"]))
    if ctx.seen.take("session", key, SELECT_AT, _row_key):
        return "same"
    add(ctx.db, session, record["at"])
    return "added"


def _row_key(row: sqlite3.Row) -> bytes:
    return digest(to_record(row))
