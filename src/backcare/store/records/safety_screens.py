"""Safety screens: the answers to the red-flag questions, each time they were asked.

Columns: id, date, answers (JSON object of question id -> yes/no), any_yes (0/1), at; seen_doctor (0/1/null) added
by m007_clearances. Created by m002_safety_screens.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.records.base import MergeContext, digest, dumps, insert_sql, now_utc, one, query

if TYPE_CHECKING:
    from backcare.domain.safety import Screen

SECTION = "safety_screens"
TABLE = "safety_screens"
LABELS = ("safety screen", "safety screens")
MIGRATION = ("m002_safety_screens", "m007_clearances")
SELECT = f"SELECT date, answers, seen_doctor, at FROM {TABLE}"
INSERT = insert_sql(TABLE, ("date", "answers", "any_yes", "seen_doctor", "at"))


def answers_of(text: str) -> Any:
    """`json.loads(text)` of stored answers (a new dict each time). Text as `dumps` writes it for plain ids is read
    here without loading json, each distinct text once (years of screens hold a handful of them: most
    are every answer 'no'); anything else (an older or hand-made row) goes to json."""
    found = _READ.get(text)
    if found is None:
        found = _plain_answers(text)
        if found is None:
            import json

            return json.loads(text)
        if len(_READ) < _READ_MOST:
            _READ[text] = found
    return dict(found)


_READ: dict[str, dict[str, bool]] = {}  # answers text -> what it says (never handed out: callers get copies)
_READ_MOST = 1024  # more distinct texts than 9 yes/no questions can make: past this, each is simply read again


def _plain(key: object) -> bool:
    """An id json writes as it is: ASCII letters and digits, with hyphens."""
    return isinstance(key, str) and key.isascii() and key.replace("-", "").isalnum()


def _plain_answers(text: str) -> dict[str, bool] | None:
    """The answers in text of exactly the shape json writes for plain ids (`{"a": false, "b": true}`), else None."""
    if text[:1] != "{" or text[-1:] != "}":
        return None
    found: dict[str, bool] = {}
    body = text[1:-1]
    if not body:
        return found if text == "{}" else None
    for item in body.split(", "):
        key, sep, value = item.partition(": ")
        if not sep or len(key) < 3 or key[0] != '"' or key[-1] != '"' or not _plain(key[1:-1]):
            return None
        if value == "false":
            found[key[1:-1]] = False
        elif value == "true":
            found[key[1:-1]] = True
        else:
            return None
    return found


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    seen = _flag(row["seen_doctor"])
    return {
        "date": row["date"],
        "answers": answers_of(row["answers"]),
        **({} if seen is None else {"seen_doctor": seen}),
        "at": row["at"],
    }


def from_row(row: sqlite3.Row) -> Screen:
    from backcare.domain.safety import Screen

    return Screen(date.fromisoformat(row["date"]), answers_of(row["answers"]), _flag(row["seen_doctor"]))


def _insert(db: sqlite3.Connection, day: str, answers: dict[str, bool], seen: bool | None, at: str) -> None:
    db.execute(
        INSERT,
        {
            "date": day,
            "answers": dumps(answers),  # the text json gives, without loading json for plain ids
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
    from backcare.store.records import checks  # here: only an import checks records

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
