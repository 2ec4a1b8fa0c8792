"""Stored record kind: one take of an outcome measure (its answers, score, subscales and band), one per
measure and day (taking it again the same day replaces that day's answers)."""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

SECTION = "measure_responses"
TABLE = "measure_responses"
LABELS = ("measure response", "measure responses")
MIGRATION = """
CREATE TABLE measure_responses (
    measure TEXT NOT NULL,
    date TEXT NOT NULL,
    answers TEXT NOT NULL,
    score REAL NOT NULL,
    subscales TEXT NOT NULL DEFAULT '{}',
    band TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (measure, date)
)
"""
KEY = ("measure", "date")  # what names a record in a conflict line
COMPARED = ("answers",)
FIELDS = ("measure", "date", "answers", "score", "subscales", "band", "at")
COLUMNS = ", ".join(FIELDS)
ANSWER_KEYS = ("item", "text", "value")
MAX_ANSWERS = 100
MAX_TEXT = 500
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _cursor(db: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


def to_record(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    """A stored response as the export holds it: answers as a list of {item, text, value}."""
    import json  # (not at the top: the dashboard asks only whether any measure was taken)

    return {
        "measure": row["measure"],
        "date": row["date"],
        "answers": json.loads(row["answers"]),
        "score": row["score"],
        "subscales": json.loads(row["subscales"]),
        "band": row["band"],
        "at": row["at"],
    }


def key(record: dict[str, Any]) -> str:
    return f"{record['measure']} {record['date']}"


def _values(record: dict[str, Any]) -> tuple[Any, ...]:
    import json  # (not at the top: the dashboard asks only whether any measure was taken)

    return (
        record["measure"],
        record["date"],
        json.dumps(record["answers"], ensure_ascii=False),
        float(record["score"]),
        json.dumps(record.get("subscales") or {}, ensure_ascii=False, sort_keys=True),
        record.get("band"),
        record["at"],
    )


def add(db: sqlite3.Connection, record: dict[str, Any]) -> bool:
    """Store one take (replacing the same measure's take of that day). True when the day had none."""
    had = db.execute(
        "SELECT 1 FROM measure_responses WHERE measure = ? AND date = ?", (record["measure"], record["date"])
    ).fetchone()
    db.execute(f"INSERT OR REPLACE INTO measure_responses ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", _values(record))
    return had is None


def list_responses(
    db: sqlite3.Connection, measure: str | None = None, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Takes, oldest first (by day, then measure), optionally of one measure and within days."""
    sql = f"SELECT {COLUMNS} FROM measure_responses WHERE 1"
    args: list[Any] = []
    if measure is not None:
        sql += " AND measure = ?"
        args.append(measure)
    if since is not None:
        sql += " AND date >= ?"
        args.append(since.isoformat())
    if until is not None:
        sql += " AND date <= ?"
        args.append(until.isoformat())
    return [to_record(row) for row in _cursor(db).execute(sql + " ORDER BY date, measure", args)]


def any_taken(db: sqlite3.Connection) -> bool:
    """Whether any measure has ever been taken (one row looked at)."""
    return db.execute("SELECT 1 FROM measure_responses LIMIT 1").fetchone() is not None


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in _cursor(db).execute(f"SELECT {COLUMNS} FROM measure_responses ORDER BY measure, date"):
        yield to_record(row)


def _number(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number")
    if abs(value) > 1_000_000:
        raise ValueError(f"{name} is out of range")


def _text(value: Any, name: str, limit: int = MAX_TEXT) -> None:
    from backcare.textsafe import first_unsafe

    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    if first_unsafe(value) is not None:
        raise ValueError(f"{name} contains a control character")


def check(record: Any, today: date) -> None:
    """Raise ValueError (one clause) when an imported response is not acceptable."""
    if not isinstance(record, dict):
        raise ValueError("it must be an object")
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise ValueError(f"it has a field backcare does not know ({unknown[0][:40]!r})")
    for name in ("measure", "date", "answers", "score", "at"):
        if name not in record:
            raise ValueError(f"it has no {name}")
    if not isinstance(record["measure"], str) or not _ID.match(record["measure"]) or len(record["measure"]) > 40:
        raise ValueError("measure must be a measure id like psfs")
    day = record["date"]
    if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise ValueError("date must be a date written YYYY-MM-DD")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"date is not a real calendar date ({day})") from None
    if when > today or when.year < 1900:
        raise ValueError(f"date {day} is not a day that has been (from 1900 to today)")
    answers = record["answers"]
    if not isinstance(answers, list) or not 1 <= len(answers) <= MAX_ANSWERS:
        raise ValueError(f"answers must be a list of 1 to {MAX_ANSWERS} answers")
    for answer in answers:
        if not isinstance(answer, dict) or set(answer) != set(ANSWER_KEYS):
            raise ValueError("each answer must be an object with item, text and value")
        _text(answer["item"], "an answer's item", 40)
        _text(answer["text"], "an answer's text")
        if isinstance(answer["value"], bool) or not isinstance(answer["value"], int):
            raise ValueError("an answer's value must be a whole number")
        _number(answer["value"], "an answer's value")
    _number(record["score"], "score")
    subscales = record.get("subscales") or {}
    if not isinstance(subscales, dict) or len(subscales) > 20:
        raise ValueError("subscales must be an object of at most 20 scores")
    for name, value in subscales.items():
        _text(name, "a subscale's id", 40)
        _number(value, f"subscale {name[:40]}")
    if record.get("band") is not None:
        _text(record["band"], "band", 80)
    _text(record["at"], "at", 64)


def merge(db: sqlite3.Connection, record: dict[str, Any], *, replace: bool = False) -> str:
    """Add a take that is not stored; "same" when the stored take of that day has the same answers;
    "conflict" when it differs (kept, unless `replace`)."""
    row = (
        _cursor(db)
        .execute(
            f"SELECT {COLUMNS} FROM measure_responses WHERE measure = ? AND date = ?",
            (record["measure"], record["date"]),
        )
        .fetchone()
    )
    if row is None:
        add(db, record)
        return "added"
    if to_record(row)["answers"] == record["answers"]:
        return "same"
    if replace:
        add(db, record)
    return "conflict"


def check_in_file(record: Any, state: Any) -> None:
    check(record, state.today)
    if not state.add(SECTION, key(record)):
        raise ValueError(f"it repeats {key(record)[:60]}")


def merge_in(ctx: Any, record: dict[str, Any]) -> str:
    """merge() with the import's --replace, its conflicts named by KEY."""
    outcome = merge(ctx.db, record, replace=ctx.replace)
    if outcome == "conflict":
        ctx.conflict(LABELS[0], key(record), ("file",) if SECTION == "measures" else ("answers",))
    return outcome
