"""Safety screens: the answers to the red-flag questions, each time they were asked.

Columns: id, date, answers (JSON object of question id -> yes/no), any_yes (0/1), at; seen_doctor (0/1/null) added
by m007_clearances. Created by m002_safety_screens.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records import checks
from backcare.store.records.base import MergeContext, digest, insert_sql, now_utc, one, query

if TYPE_CHECKING:
    from backcare.domain.safety import Screen

SECTION = "safety_screens"
TABLE = "safety_screens"
LABELS = ("safety screen", "safety screens")
MIGRATION = ("m002_safety_screens", "m007_clearances")
SELECT = f"SELECT date, answers, seen_doctor, at FROM {TABLE}"
INSERT = insert_sql(TABLE, ("date", "answers", "any_yes", "seen_doctor", "at"))


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    seen = _flag(row["seen_doctor"])
    return {
        "date": row["date"],
        "answers": json.loads(row["answers"]),
        **({} if seen is None else {"seen_doctor": seen}),
        "at": row["at"],
    }


def from_row(row: sqlite3.Row) -> Screen:
    from backcare.domain.safety import Screen

    return Screen(date.fromisoformat(row["date"]), json.loads(row["answers"]), _flag(row["seen_doctor"]))


def _insert(db: sqlite3.Connection, day: str, answers: dict[str, bool], seen: bool | None, at: str) -> None:
    db.execute(
        INSERT,
        {
            "date": day,
            "answers": json.dumps(answers),
            "any_yes": int(any(answers.values())),
            "seen_doctor": None if seen is None else int(seen),
            "at": at,
        },
    )


def add(db: sqlite3.Connection, screen: Screen) -> None:
    _insert(db, screen.day.isoformat(), screen.answers, screen.seen_doctor, now_utc())


def screens(db: sqlite3.Connection) -> list[Screen]:
    return [from_row(row) for row in query(db, f"{SELECT} ORDER BY id")]


def latest(db: sqlite3.Connection) -> Screen | None:
    row = one(db, f"{SELECT} ORDER BY id DESC LIMIT 1")
    return from_row(row) if row else None


def export_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in query(db, f"{SELECT} ORDER BY id"):
        yield to_record(row)


def check(record: Any, today: date) -> None:
    from backcare.domain.safety import BY_ID

    record = checks.fields(record, ("date", "answers", "seen_doctor", "at"), ("date", "answers", "at"))
    if record.get("seen_doctor") is not None:
        checks.bool_(record["seen_doctor"], "seen_doctor")
    checks.day(record["date"], "date", today)
    answers = record["answers"]
    if not isinstance(answers, dict):
        raise checks.Bad(f"answers must be an object of question ids and true/false, not {checks.kind(answers)}")
    if not answers:
        raise checks.Bad("answers must hold at least one answer")
    for key, answer in answers.items():
        if key not in BY_ID:
            raise checks.Bad(f"answers has {checks.show_key(key)}, which is not a question of the safety screen")
        if not isinstance(answer, bool):
            raise checks.Bad("answers must map each question id to true or false")
    checks.stamp(record, "at")


def _key(s: dict[str, Any]) -> bytes:
    return digest(s["date"], s["answers"], s.get("seen_doctor"), s["at"])


def merge_in(ctx: MergeContext, s: dict[str, Any]) -> str:
    if not ctx.seen.add("screen", _key(s), SELECT, lambda r: _key(to_record(r))):
        return "same"
    _insert(ctx.db, s["date"], s["answers"], s.get("seen_doctor"), s["at"])
    return "added"
