"""Check-ins: one a day, keyed by date. Everything about the stored check-in is here.

Columns: `date` (the key), one column per CheckIn field, named as the field and the export, `recorded_at` and
`updated_at`. The fields and the kind of value each holds come from the domain (`domain.checkin.KINDS`), so the
codec, the SQL, the export shape, the merge comparison and the import checks follow from that one table. The
table is created by m001_checkins; each later field by its own migration (`tests/test_record_kinds.py` checks
that the migrated table has exactly a column per field).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.domain.checkin import KINDS
from backcare.store.records.base import MergeContext, ids, insert_sql, one, query, update_sql

if TYPE_CHECKING:
    from types import ModuleType

    from backcare.domain.checkin import CheckIn

SECTION = "checkins"
TABLE = "checkins"
LABELS = ("check-in", "check-ins")
MIGRATION = ("m001_checkins",)  # creates the table; each later field's migration adds its column

COLUMNS: dict[str, str] = dict(KINDS)  # field -> its kind, see domain.checkin.KINDS
LISTS = ("tags", "meds")  # kinds stored as a JSON list
REQUIRED = ("pain", "stiffness")
STAMPS = ("recorded_at", "updated_at")
SELECT = f"SELECT date, {', '.join(COLUMNS)} FROM {TABLE}"
INSERT = insert_sql(TABLE, ("date", *COLUMNS, *STAMPS))
UPDATE = update_sql(TABLE, (*COLUMNS, "updated_at"), "date = :date")


# -- codec -----------------------------------------------------------------------------------------------------
def _decode(kind: str, value: Any) -> Any:
    if kind in LISTS:
        return ids(value)
    if kind == "flag":
        return None if value is None else bool(value)
    return value


def _encode(kind: str, value: Any) -> Any:
    if kind in LISTS:
        if not value:
            return "[]"
        import json

        return json.dumps(list(value))
    if kind == "flag":
        return None if value is None else int(value)
    return value


def from_row(row: sqlite3.Row) -> CheckIn:
    from backcare.domain.checkin import CheckIn

    return CheckIn(date.fromisoformat(row["date"]), **{name: _decode(k, row[name]) for name, k in COLUMNS.items()})


def values(c: CheckIn) -> dict[str, Any]:
    """The stored columns of a check-in (without its time stamps), by name."""
    return {"date": c.day.isoformat(), **{name: _encode(k, getattr(c, name)) for name, k in COLUMNS.items()}}


def public(record: dict[str, Any]) -> dict[str, Any]:
    """An export record as CheckIn.as_dict() shows it (what the edit history keeps and merges compare)."""
    out: dict[str, Any] = {"date": record["date"]}
    for name, kind in COLUMNS.items():
        value = record.get(name)
        out[name] = list(value or []) if kind in LISTS else value
    return out


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {**from_row(row).as_dict(), "recorded_at": row["recorded_at"], "updated_at": row["updated_at"]}


# -- SQL -------------------------------------------------------------------------------------------------------
def get(db: sqlite3.Connection, day: date) -> CheckIn | None:
    row = one(db, f"{SELECT} WHERE date = ?", (day.isoformat(),))
    return from_row(row) if row else None


def insert(db: sqlite3.Connection, c: CheckIn, stamp: str) -> None:
    db.execute(INSERT, {**values(c), "recorded_at": stamp, "updated_at": stamp})


def update(db: sqlite3.Connection, c: CheckIn, stamp: str) -> None:
    db.execute(UPDATE, {**values(c), "updated_at": stamp})


def delete(db: sqlite3.Connection, day: date) -> None:
    db.execute(f"DELETE FROM {TABLE} WHERE date = ?", (day.isoformat(),))


def between(db: sqlite3.Connection, lo: str, hi: str, limit: int) -> list[CheckIn]:
    sql = f"{SELECT} WHERE date >= ? AND date <= ? ORDER BY date LIMIT ?"
    return [from_row(row) for row in query(db, sql, (lo, hi, limit))]


def newest(db: sqlite3.Connection, lo: str, limit: int) -> list[CheckIn]:
    sql = f"{SELECT} WHERE date >= ? ORDER BY date DESC LIMIT ?"
    return [from_row(row) for row in query(db, sql, (lo, limit))]


def recent_words(db: sqlite3.Connection, name: str, rows: int, most: int) -> list[str]:
    """The person's recent tags or medicines (a list column), most recently used first, each once whatever its
    case, from the last `rows` check-ins that have any."""
    if COLUMNS.get(name) not in LISTS:
        raise ValueError(name)
    import json

    found: dict[str, str] = {}  # casefolded -> as recorded
    for row in query(db, f"SELECT {name} FROM {TABLE} WHERE {name} != '[]' ORDER BY date DESC LIMIT ?", (rows,)):
        for word in json.loads(row[name]):
            found.setdefault(word.casefold(), word)
            if len(found) >= most:
                return list(found.values())
    return list(found.values())


def count(db: sqlite3.Connection, lo: str) -> int:
    row = one(db, f"SELECT count(*) AS n FROM {TABLE} WHERE date >= ?", (lo,))
    return int(row["n"]) if row else 0


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"SELECT date, {', '.join(COLUMNS)}, {', '.join(STAMPS)} FROM {TABLE} ORDER BY date"):
        yield to_record(row)


# -- import ----------------------------------------------------------------------------------------------------
# (`checks` is imported in these functions: only an import checks records, and `checkin` starts without it.)
def check_values(record: Any, today: date, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The rules of `backcare checkin` (domain.checkin) for one check-in's values."""
    from backcare.domain.checkin import MAX_MEDS, MAX_TAGS, parse_meds, parse_note, parse_tags
    from backcare.errors import InvalidInput
    from backcare.store.records import checks

    checked: dict[str, Any] = checks.fields(record, ("date", *COLUMNS, *extra), ("date", *REQUIRED))
    record = checked
    checks.day(record["date"], "date", today)
    for name, kind in COLUMNS.items():
        value = record.get(name)
        if kind == "score" and name in REQUIRED:
            checks.score(value, name)
        elif kind == "score":
            checks.optional_score(record, name)
        elif kind == "tags":
            _check_words(checks, record.get(name, []), name, MAX_TAGS, parse_tags, "lower-case, each listed once")
        elif kind == "note" and value is not None:
            checks.text(value, name)
            try:
                parse_note(value)
            except InvalidInput as exc:
                raise checks.Bad(checks.rule(exc.message)) from None
        elif kind == "flag" and value is not None:
            checks.bool_(value, name)
        elif kind == "side" and value is not None:
            checks.text(value, name)
        elif kind == "meds":
            _check_words(
                checks, record.get(name, []), name, MAX_MEDS, parse_meds, "listed once each, with single spaces"
            )
    _check_leg(checks, record)
    return checked


def _check_leg(checks: ModuleType, record: dict[str, Any]) -> None:
    """A side goes with leg pain above 0, as `backcare checkin` takes them (`checks`: the module, which the caller
    has imported already; importing it again for every record of years of them is a measurable part of an import)."""
    from backcare.domain.checkin import parse_leg
    from backcare.errors import InvalidInput

    side = record.get("leg_side")
    if side is None:
        return
    if not record.get("leg_pain"):
        raise checks.Bad("leg_side must be null unless leg_pain is above 0")
    try:
        parse_leg(record["leg_pain"], side)
    except InvalidInput as exc:
        raise checks.Bad(checks.rule(exc.message)) from None
    if side != side.strip().lower():
        raise checks.Bad('leg_side must be "left", "right" or "both"')


def _check_words(
    checks: ModuleType, value: Any, name: str, most: int, parse: Callable[[list[str]], Any], how: str
) -> None:
    """A list of tags or medicines: text, by the check-in's own rule (`parse`), written as backcare stores it."""
    from backcare.errors import InvalidInput

    items = checks.list_(value, name, most)
    if not all(isinstance(item, str) for item in items):
        raise checks.Bad(f"{name} must be a list of text")
    try:
        normal = parse(items) or ()
    except InvalidInput as exc:
        raise checks.Bad(checks.rule(exc.message)) from None
    if tuple(items) != normal:
        raise checks.Bad(f"{name} must be {how}, as backcare stores them")


def check(record: Any, today: date) -> None:
    from backcare.store.records import checks

    record = check_values(record, today, STAMPS)
    for name in STAMPS:
        checks.stamp(record, name, required=False)


def check_in_file(record: Any, state: Any) -> None:
    """`check`, and no day twice in one file."""
    from backcare.store.records import checks

    check(record, state.today)
    day = record["date"]
    if not state.add("checkin", day):
        raise checks.Bad(f"it repeats date {day}")


def merge_in(ctx: MergeContext, record: dict[str, Any]) -> str:
    """A day not here is added as it was; the same values are skipped; other values are a conflict (the file's
    version wins with --replace, the stored one is kept in the edit history)."""
    from backcare.store.records import checkin_edits

    day = record["date"]
    incoming = public(record)
    row = one(ctx.db, f"{SELECT} WHERE date = ?", (day,))
    if row is None:
        recorded = record.get("recorded_at") or ctx.stamp
        ctx.db.execute(
            INSERT, {**_stored(incoming), "recorded_at": recorded, "updated_at": record.get("updated_at") or recorded}
        )
        return "added"
    stored = from_row(row).as_dict()
    # A field the record does not name (an export made before the field existed, such as leg pain and medicines)
    # says nothing of it: the stored value stands.
    incoming.update({name: stored[name] for name in COLUMNS if name not in record})
    if not incoming["leg_pain"]:  # leg pain taken away (none or 0) takes its side with it, as `checkin` does
        incoming["leg_side"] = None
    differing = tuple(f for f in COLUMNS if stored[f] != incoming[f])
    if not differing:
        return "same"
    if ctx.replace:
        ctx.db.execute(UPDATE, {**_stored(incoming), "updated_at": ctx.stamp})
        checkin_edits.add(ctx.db, day, "update", stored, incoming, ctx.stamp)
    return ctx.conflict(LABELS[0], day, differing)


def _stored(record: dict[str, Any]) -> dict[str, Any]:
    return {"date": record["date"], **{name: _encode(k, record.get(name)) for name, k in COLUMNS.items()}}
