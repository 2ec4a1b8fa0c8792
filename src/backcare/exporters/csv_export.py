"""CSV for spreadsheets: one row per day (a check-in, a session, or both), with a header row."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any, TextIO

from backcare.domain.checkin import FIELDS, KINDS
from backcare.textsafe import inert

FIXED = (
    "date",
    "pain",
    "stiffness",
    "sleep",
    "stress",
    "tags",
    "note",
    "settled",
    "session_done",
    "pain_during",
    "leg_pain",
    "leg_side",
    "meds",
)
# Check-in fields added after the columns above come after them, in the order CheckIn declares them, so a
# spreadsheet made for an earlier file still finds every column where it was.
LATER = tuple(name for name in FIELDS if name not in FIXED)
HEADER = FIXED + LATER
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading quote stops it.
# Some spreadsheets read the full-width forms (＝ ＋ － ＠, as typed with an East Asian input method) the same way.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def write(out: TextIO, checkins: Iterable[dict], sessions: Iterable[dict]) -> None:
    """Write the CSV to `out` row by row; `checkins` and `sessions` come in date order (one pass over each)."""
    writer = csv.writer(out)  # RFC 4180: quotes where needed, CRLF line ends
    writer.writerow(HEADER)
    for day, c, day_sessions in _by_day(checkins, sessions):
        writer.writerow(row(day, c, day_sessions))


def _by_day(checkins: Iterable[dict], sessions: Iterable[dict]) -> Iterator[tuple[str, dict | None, list[dict]]]:
    """Merge two date-ordered streams into (day, check-in or None, that day's sessions), in date order."""
    days = groupby(sessions, key=lambda s: s["date"])
    c_iter = iter(checkins)
    c = next(c_iter, None)
    s_day, s_group = next(days, (None, None))
    while c is not None or s_day is not None:
        if s_day is None or (c is not None and c["date"] < s_day):
            yield c["date"], c, []  # type: ignore[index]
            c = next(c_iter, None)
        elif c is None or s_day < c["date"]:
            yield s_day, None, list(s_group)  # type: ignore[arg-type]
            s_day, s_group = next(days, (None, None))
        else:
            yield s_day, c, list(s_group)  # type: ignore[arg-type]
            c = next(c_iter, None)
            s_day, s_group = next(days, (None, None))


def row(day: str, c: dict | None, sessions: list[dict]) -> list[str]:
    """The day's cells in HEADER's order: each check-in value written as its kind is (`cell`), then the day's
    sessions (done or not, the highest pain during them)."""
    pains = [s["pain_during"] for s in sessions if s.get("pain_during") is not None]
    cells = {name: cell(kind, c.get(name)) if c else "" for name, kind in KINDS.items()}
    cells["date"] = day
    cells["session_done"] = "yes" if any(s.get("done") for s in sessions) else "no"
    cells["pain_during"] = str(max(pains)) if pains else ""
    return [cells[name] for name in HEADER]


def cell(kind: str, value: Any) -> str:
    """One check-in value in its column: a score as its number, a list (tags, medicines) as one cell, yes/no,
    and text kept from running as a formula."""
    if value is None:
        return ""
    if kind in ("tags", "meds"):
        return list_cell(value)
    if kind == "flag":
        return _yes_no(value)
    return safe_text(value) if isinstance(value, str) else str(value)


def safe_text(value: str) -> str:
    """Free text as a spreadsheet will show it, never run it: '=1+1' becomes "'=1+1"; control and bidi characters
    are made visible (a right-to-left override would reverse the cell), line breaks and tabs are kept."""
    value = inert(value, newlines=True)
    return "'" + value if value.startswith(_FORMULA_START) else value


def list_cell(items: Iterable[str]) -> str:
    """A list (medicines) as one cell, joined with ';': every ';'-separated piece is kept from running as a
    formula, since splitting the cell into columns (or a spreadsheet that reads ';' as the separator) starts a
    cell at each one."""
    joined = inert(";".join(items), newlines=True)
    return ";".join("'" + piece if piece.startswith(_FORMULA_START) else piece for piece in joined.split(";"))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")
