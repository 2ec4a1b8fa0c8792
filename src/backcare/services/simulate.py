"""Replay a hypothetical patient's course through a routine, in memory, with the engine the real commands use.

Each calendar day runs what a person would do, in this order, through the same services as the commands:
the safety screen (`backcare safety`), a clinician's clearance, the check-in (`backcare checkin`), the
day's decision as the dashboard makes and records it (`backcare today`), then the session
(`backcare session --done`). Nothing is read from or written to a backcare home: the store is an SQLite
database in memory.
"""

from __future__ import annotations

import sqlite3
from dataclasses import field
from datetime import date, timedelta
from pathlib import Path

from backcare.domain.course import CourseDay, CourseProblem, SimulatedDay, parse_course
from backcare.store import Store
from backcare.valueclass import mutable

MAX_BYTES = 2 * 1024 * 1024
SIMULATED = "simulated routine"
# Which screen question a `safety` cell answers 'yes' to (the others are 'no').
SAFETY_ANSWERS = {
    "clear": (),
    "current": ("fever-unwell",),  # a current symptom that is not a cauda-equina sign
    "emergency": ("bladder-bowel",),  # a cauda-equina sign
    "history": ("trauma",),  # a history item: the pain began with a significant fall or accident
}


@mutable
class Simulation:
    routine: str = ""
    days: list[SimulatedDay] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # located, one per line; nothing was replayed
    warnings: list[str] = field(default_factory=list)  # the routine check's warnings (the replay still ran)


def memory_store() -> Store:
    """A fresh backcare database that lives only in this process."""
    from backcare.store import migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.apply(conn)
    return Store(conn, Path(":memory:"))


def read_course(path: Path) -> tuple[list[CourseDay], list[str]]:
    """The course file's days, or its problems as FILE:LINE: message."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return [], [f"{source}:1: cannot be read: {exc.strerror or exc}"]
    if len(data) > MAX_BYTES:
        return [], [f"{source}:1: the file is larger than {MAX_BYTES // (1024 * 1024)} MB"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [f"{source}:{line}: the file is not UTF-8 text"]
    days, problems = parse_course(text)
    return days, [p.located(source) for p in problems]


def simulate(routine_path: Path, course_path: Path) -> Simulation:
    """Check both files, then replay the course day by day. Problems come back located, nothing raised for them;
    the routine check's warnings come back with the replay."""
    from backcare.content.routines import lint_routine_file

    checked = lint_routine_file(routine_path)
    course, course_problems = read_course(course_path)
    problems = [str(p) for p in checked.problems] + course_problems
    if checked.routine is None or problems:
        return Simulation(problems=problems or [f"{routine_path}: not a valid routine"])
    store = memory_store()
    try:
        result = _replay(store, routine_path, checked.routine.name, course, str(course_path))
    finally:
        store.close()
    result.warnings = [str(w) for w in checked.warnings]
    return result


def _replay(store: Store, routine_path: Path, name: str, course: list[CourseDay], source: str) -> Simulation:
    from backcare.services import routines

    first, last = course[0].day, course[-1].day
    # Kept under a fixed name: the file's own name may be the built-in routine's (or longer than names may be).
    routines.import_routine(store, routine_path, SIMULATED, first)
    by_day = {d.day: d for d in course}
    out = Simulation(routine=name)
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        try:
            out.days.append(replay_day(store, day, by_day.get(day)))
        except _ReplayProblem as problem:
            return Simulation(problems=[problem.located(source)])
    return out


class _ReplayProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.problem = CourseProblem(line, message)

    def located(self, source: str) -> str:
        return self.problem.located(source)


def replay_day(store: Store, day: date, row: CourseDay | None) -> SimulatedDay:
    """One calendar day: record what the row says in the order a person would, and the day's decision."""
    from backcare.services import dashboard

    notes: list[str] = []
    if row is not None and row.safety is not None:
        notes.append(record_screen(store, day, row.safety))
    if row is not None and row.clearance is not None:
        notes.append(record_clearance(store, day, row.clearance, row.line))
    if row is not None and row.checked_in:
        from backcare.services import checkins

        checkins.record(
            store,
            day,
            pain=row.pain,
            stiffness=row.stiffness,
            sleep=None,
            stress=None,
            note=None,
            tags=None,
            settled=row.settled,
        )
        settled = "" if row.settled is None else f", settled overnight: {'yes' if row.settled else 'no'}"
        notes.append(f"Check-in: pain {row.pain}, stiffness {row.stiffness}{settled}.")
    data = dashboard.build(store, day)  # exactly what `backcare today` shows, and records, for the day
    if data.routine_problem is not None or data.progression is None:
        raise _ReplayProblem(row.line if row else 1, data.routine_problem or "no routine")
    progression = data.progression
    if row is not None and row.done is not None:
        notes.extend(log_session(store, day, row))
    return SimulatedDay(
        day.isoformat(),
        progression.decision,
        progression.stage.id if progression.stage else None,
        list(progression.reasons),
        notes,
    )


def record_screen(store: Store, day: date, kind: str) -> str:
    """Record a safety screen as `backcare safety --none` / `--yes-to ID` does. A `clear` screen after an
    emergency answer also says that a doctor has seen the person (what `--seen-doctor yes` records)."""
    from backcare.domain.safety import BY_ID, QUESTIONS, Screen

    flagged = SAFETY_ANSWERS[kind]
    answers = {q.id: q.id in flagged for q in QUESTIONS}
    service = _safety_service()
    if service is None:
        store.record_screen(Screen(day, answers))
    else:
        seen = True if kind != "emergency" and service.open_emergency(store) is not None else None
        service.record(store, Screen(day, answers, seen))
    if not flagged:
        return "Safety screen: every answer 'no'."
    return f"Safety screen: 'yes' to {'; '.join(BY_ID[q].text for q in flagged)}"


def record_clearance(store: Store, day: date, by: str, line: int) -> str:
    """Record a clinician's clearance as `backcare safety clear --by TEXT` does, where this backcare has it."""
    service = _safety_service()
    if service is None:
        return f"Clearance by {by!r} noted; this version of backcare does not record clearances."
    from backcare.errors import BackcareError

    try:
        service.clear(store, by, None, day)
    except BackcareError as exc:
        raise _ReplayProblem(line, f"the clearance cannot be recorded: {exc.message}") from None
    return f"Clearance recorded: {by!r}."


def _safety_service():
    """The service behind `backcare safety` when this backcare has one (older ones wrote screens directly)."""
    try:
        from backcare.services import safety  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return None
    return safety


def log_session(store: Store, day: date, row: CourseDay) -> list[str]:
    """Log the row's session as `backcare session --done all|N --pain-during P` does (refused while stopped)."""
    from backcare.errors import InvalidInput
    from backcare.services import sessions

    plan = sessions.plan(store, day)
    if plan.stopped:
        return ["No session: exercises are not offered today, so none was logged."]
    count = len(plan.exercises)
    if row.done != "all" and int(row.done) > count:  # type: ignore[arg-type]
        raise _ReplayProblem(
            row.line, f"done is {row.done}, but stage {plan.stage!r} has {count} exercises on {day.isoformat()}"
        )
    done = row.done if row.done == "all" else ",".join(e.id for e in plan.exercises[: int(row.done)])  # type: ignore[arg-type]
    try:
        logged = sessions.log(store, plan, day, done=done, skip=None, pain_during=row.pain_during, effort=None)
    except InvalidInput as exc:
        raise _ReplayProblem(row.line, exc.message) from None
    return [logged.summary, *logged.extra]
