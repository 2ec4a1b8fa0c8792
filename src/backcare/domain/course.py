"""A hypothetical patient's course, day by day, for the simulator: the CSV format and its checks.

    date,pain,stiffness,settled,done,pain_during,safety,clearance
    2026-03-02,4,3,,all,3,clear,
    2026-03-03,4,3,yes,,,,

One row per day that has something logged, dates ascending (a missing date is a day with nothing logged).
Every column except `date` may be left out of the header, and any cell may be empty (nothing that day).
Lines starting with '#' and blank lines are ignored. Pure: parses text, reports every problem at once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from backcare.valueclass import frozen

COLUMNS = ("date", "pain", "stiffness", "settled", "done", "pain_during", "safety", "clearance")
SAFETY = ("clear", "current", "emergency", "history")
MAX_DAYS = 1000  # calendar days from the first date to the last
MAX_CLEARANCE = 200
FIRST_YEAR, LAST_YEAR = 1900, 9998
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@frozen
class CourseDay:
    day: date
    line: int  # 1-based line in the file, for errors found while replaying
    pain: int | None = None
    stiffness: int | None = None
    settled: bool | None = None
    done: str | None = None  # 'all' or the number of exercises done (the first N of the day's), as text
    pain_during: int | None = None
    safety: str | None = None  # one of SAFETY
    clearance: str | None = None  # who cleared the person (any text)

    @property
    def checked_in(self) -> bool:
        return self.pain is not None


@frozen
class SimulatedDay:
    """One replayed day: the day's decision and stage, its reasons, and what the course file's row recorded."""

    date: str  # YYYY-MM-DD
    decision: str
    stage: str | None
    reasons: list[str]
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@frozen
class CourseProblem:
    line: int
    message: str

    def located(self, source: str) -> str:
        return f"{source}:{self.line}: {self.message}"


def parse_course(text: str) -> tuple[list[CourseDay], list[CourseProblem]]:
    """The days of a course file, or every problem found (with its line)."""
    lines = text.splitlines()
    problems: list[CourseProblem] = []
    header_at = next((n for n, raw in enumerate(lines) if raw.strip() and not raw.lstrip().startswith("#")), None)
    if header_at is None:
        return [], [CourseProblem(1, f"the file is empty; the first line must be the header: {','.join(COLUMNS)}")]
    header = [cell.strip().lower() for cell in next(csv.reader([lines[header_at]]))]
    columns = _check_header(header, header_at + 1, problems)
    if problems:
        return [], problems
    days: list[CourseDay] = []
    previous: CourseDay | None = None
    for n in range(header_at + 1, len(lines)):
        raw = lines[n]
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([raw]))
        except csv.Error:
            problems.append(CourseProblem(n + 1, "this line is not valid CSV (check the quotes)"))
            continue
        if len(cells) > len(columns):
            problems.append(CourseProblem(n + 1, f"{len(cells)} cells, but the header has {len(columns)} columns"))
            continue
        values = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(columns)}
        row = _row(values, n + 1, problems)
        if row is None:
            continue
        if previous is not None:
            if row.day == previous.day:
                problems.append(CourseProblem(n + 1, f"{row.day} appears twice (also on line {previous.line})"))
                continue
            if row.day < previous.day:
                problems.append(
                    CourseProblem(
                        n + 1, f"dates must go up: {row.day} comes after {previous.day} (line {previous.line})"
                    )
                )
                continue
        days.append(row)
        previous = row
    if not problems and not days:
        problems.append(CourseProblem(header_at + 1, "no days after the header: add one row per day with a date"))
    if not problems and (days[-1].day - days[0].day).days + 1 > MAX_DAYS:
        span = (days[-1].day - days[0].day).days + 1
        problems.append(CourseProblem(days[-1].line, f"the course spans {span} days; at most {MAX_DAYS} are replayed"))
    return (days if not problems else []), problems


def _check_header(header: list[str], line: int, problems: list[CourseProblem]) -> list[str]:
    if "date" not in header:
        known = ",".join(COLUMNS)
        problems.append(CourseProblem(line, f"the first line must be the header, starting with date: {known}"))
        return header
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(CourseProblem(line, f"column {_show(name)} appears twice in the header"))
        elif name not in COLUMNS:
            hint = _close(name)
            problems.append(
                CourseProblem(line, f"unknown column {_show(name)}{hint}; columns are {', '.join(COLUMNS)}")
            )
        seen.add(name)
    return header


def _row(values: dict[str, str], line: int, problems: list[CourseProblem]) -> CourseDay | None:
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(CourseProblem(line, message))

    raw_day = values.get("date", "")
    day = None
    if not raw_day:
        bad("date is empty; every row needs a date (YYYY-MM-DD)")
    elif not _DATE.match(raw_day):
        bad(f"date {_show(raw_day)} is not a date like 2026-03-02 (YYYY-MM-DD)")
    else:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            bad(f"date {_show(raw_day)} is not a real calendar day")
        else:
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                bad(f"date {day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}; check the year")
                day = None
    pain = _score(values, "pain", bad)
    stiffness = _score(values, "stiffness", bad)
    pain_during = _score(values, "pain_during", bad)
    settled_raw = values.get("settled", "").lower()
    settled = {"yes": True, "no": False, "": None}.get(settled_raw)
    if settled is None and settled_raw:
        bad(f"settled must be yes or no, not {_show(values['settled'])}")
    done = values.get("done", "").lower() or None
    if done is not None and done != "all" and not (done.isascii() and done.isdigit() and 1 <= int(done) <= 100):
        bad(f"done must be 'all' or the number of exercises done (1 or more), not {_show(values['done'])}")
    safety = values.get("safety", "").lower() or None
    if safety is not None and safety not in SAFETY:
        bad(f"safety must be one of {', '.join(SAFETY)}, not {_show(values['safety'])}")
    clearance = values.get("clearance", "") or None
    if clearance is not None and len(clearance) > MAX_CLEARANCE:
        bad(f"clearance is longer than {MAX_CLEARANCE} characters")
    if (pain is None) != (stiffness is None) and len(problems) == before:
        bad("a check-in needs both pain and stiffness (or neither)")
    if settled is not None and pain is None and stiffness is None:
        bad("settled is answered with a check-in: give pain and stiffness on the same row")
    if pain_during is not None and done is None:
        bad("pain_during belongs to a session: give done (all or a number) on the same row")
    if done is not None and pain_during is None and len(problems) == before:
        bad("a session with exercises done needs pain_during (0-10)")
    if len(problems) > before or day is None:
        return None
    return CourseDay(day, line, pain, stiffness, settled, done, pain_during, safety, clearance)


def _score(values: dict[str, str], name: str, bad: Callable[[str], None]) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10:
        bad(f"{name} must be a whole number from 0 to 10, not {_show(raw)}")
        return None
    return int(raw)


def _close(name: str) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, COLUMNS, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _show(value: str, limit: int = 40) -> str:
    """A short, terminal-safe rendering of a cell (never the raw input in bulk)."""
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return '"' + "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text) + '"'
