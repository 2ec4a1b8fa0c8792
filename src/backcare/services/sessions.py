"""Planning and logging an exercise session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from backcare.domain.dates import human
from backcare.domain.progress import DONE, SKIPPED, ExerciseRecord, Session
from backcare.domain.routine import DEFAULT_SETTINGS, Dose, Routine, Settings
from backcare.domain.safety import contact_physio
from backcare.errors import BackcareError, InvalidInput
from backcare.messages import PAIN_DURING_CONTACT
from backcare.services import routines
from backcare.store import Store
from backcare.valueclass import frozen

if TYPE_CHECKING:
    from backcare.domain.exercise_entry import TodaysExercise  # made for the guided session only
    from backcare.domain.session_row import SessionRow  # made by `backcare sessions` only


@frozen
class Plan:
    """Today's session after the day's decision. A session logged in one line records the ids and doses of
    today's exercises, which the routine gives; the exercises with their descriptions (the guided session) and
    every exercise id backcare knows (to check an id typed after --done) are made when first asked for, since
    they need the exercise library."""

    routine: str
    stage: str
    stage_name: str
    doses: tuple[tuple[str, Dose], ...]  # today's exercises as (id, dose), in order; none when stopped
    stopped: bool
    reasons: tuple[str, ...] = ()
    settings: Settings = DEFAULT_SETTINGS  # the physio's settings for this stage (pain limit, session share)
    notes: str | None = None  # the routine's description: the physio's notes for the person
    source: Routine | None = None  # the routine followed
    easier: bool = False  # the easier versions of the exercises, after a flare-up

    @property
    def pain_limit(self) -> int:
        return self.settings.pain_limit

    @property
    def ids(self) -> list[str]:
        """Today's exercise ids, in order."""
        return [exercise_id for exercise_id, _dose in self.doses]

    @cached_property
    def exercises(self) -> list[TodaysExercise]:
        """Today's exercises with their descriptions (in the order and with the doses of `doses`)."""
        if self.stopped or self.source is None:
            return []
        return routines.todays_exercises(self.source, self.stage, self.easier)

    @cached_property
    def known_ids(self) -> frozenset[str]:
        """Every exercise of the library and the routine."""
        return routines.exercise_ids(self.source) if self.source is not None else frozenset()


@frozen
class Logged:
    session: Session
    summary: str
    extra: list[str] = field(default_factory=list)


def plan(store: Store, day: date, *, record: bool = True) -> Plan:
    from backcare.domain.progression import STOP

    decided = routines.decide_day(store, day, record=record)
    d, routine = decided.decision, decided.active.routine
    stage = routine.stage(d.stage)
    stopped = d.decision == STOP
    return Plan(
        decided.active.name,
        d.stage,
        stage.name if stage else d.stage,
        () if stopped else tuple(routines.todays_doses(routine, d.stage, d.easier)),
        stopped,
        d.reasons,
        routine.settings_for(d.stage),
        routine.description,
        routine,
        d.easier,
    )


def _ids(raw: str | None, today: list[str], known: Callable[[], frozenset[str]], flag: str) -> list[str]:
    """Exercise ids from a comma-separated list: 'all' means today's, a number N the first N of today's; any
    exercise backcare knows (`known()`, asked only for an id not among today's) is accepted (people do extras),
    and a typo is refused with the closest id."""
    if raw is None:
        return []
    if raw.strip().lower() == "all":
        return list(today)
    if raw.strip().isascii() and raw.strip().isdigit():
        n = int(raw.strip())
        if not 1 <= n <= len(today):
            raise InvalidInput(f"{flag}: {raw.strip()} is not a number of today's exercises (1 to {len(today)}).")
        return today[:n]
    out = []
    for part in raw.split(","):
        item = part.strip()
        if not item:
            continue
        if item not in today and item not in known():
            from difflib import get_close_matches

            close = get_close_matches(item, [*today, *sorted(known() - set(today))], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" Today's exercises: {', '.join(today)}."
            raise InvalidInput(f"{flag}: {item!r} is not an exercise backcare knows.{hint}")
        if item not in out:
            out.append(item)
    if not out:
        raise InvalidInput(f"{flag} needs 'all', a number of today's exercises, or exercise ids separated by commas.")
    return out


def started_at(day: date) -> str:
    """When a session logged now began: this moment when it is for the day the clock is in (after midnight but
    before the day-rollover hour that is the day before, yet the session began now), otherwise the day it is
    for (a backfilled day) at the current local time."""
    from datetime import datetime

    from backcare import clock

    local = clock.now()
    now = local.astimezone()
    if clock.filed_day(local, clock.day_starts()) == day:
        return now.isoformat(timespec="seconds")
    return datetime.combine(day, now.time(), now.tzinfo).isoformat(timespec="seconds")


def prescribed(dose: Dose) -> tuple[tuple[str, object], ...]:
    """The dose of one of the day's exercises as the record keeps it."""
    kept: dict[str, object] = {"sets": dose.sets, "reps": dose.reps, "hold_seconds": dose.hold_seconds}
    kept |= {"side": dose.side, "text": dose.describe()}
    return tuple((k, v) for k, v in kept.items() if v is not None)


def record(plan: Plan, exercise_id: str, status: str, sets_done: int | None = None) -> ExerciseRecord:
    """One exercise's record with the dose the plan gave it (none for an extra outside today's plan)."""
    todays = dict(plan.doses)
    dose = prescribed(todays[exercise_id]) if exercise_id in todays else ()
    if sets_done is None:
        sets_done = 0 if status == SKIPPED else dict(dose).get("sets")  # type: ignore[assignment]
    return ExerciseRecord(exercise_id, status, sets_done, dose)


def log(
    store: Store,
    plan: Plan,
    day: date,
    *,
    done: str | None,
    skip: str | None,
    pain_during: int | None,
    effort: int | None,
) -> Logged:
    """Log a new session from lists of ids (never changing an earlier one)."""
    todays = plan.ids

    def known() -> frozenset[str]:
        return frozenset(todays) | plan.known_ids

    did = _ids(done, todays, known, "--done")
    skipped = _ids(skip, todays, known, "--skip")
    both = set(did) & set(skipped)
    if both:
        raise InvalidInput(f"{sorted(both)[0]!r} cannot be both done and skipped.")
    if did and pain_during is None:
        raise InvalidInput("Pass --pain-during N (0-10): the highest pain you felt during the exercises.")
    skipped += [i for i in todays if i not in did and i not in skipped]
    records = tuple(record(plan, i, DONE) for i in did) + tuple(record(plan, i, SKIPPED) for i in skipped)
    session = Session.of(day, plan.routine, plan.stage, records, pain_during, effort, started_at(day))
    return save(store, session, plan.settings)


def save(store: Store, session: Session, settings: Settings = DEFAULT_SETTINGS) -> Logged:
    """Keep the session as a new record and say what it means."""
    session = store.add_session(session)
    n, total = len(session.done), len(session.done) + len(session.skipped)
    partly = len(session.partly)
    text = f"Session saved for {human(session.day)}: {n} of {total} exercises done"
    if partly:
        text += f" ({partly} partly)"
    if session.pain_during is not None:
        text += f", pain during {session.pain_during}/10"
    text += "."
    limit = settings.pain_limit
    if session.done and not settings.counts(n, total):
        num, den = settings.min_session_share
        text += (
            f" A session counts towards moving on when at least {num}/{den} of its exercises are done;"
            " this one does not."
        )
    if session.pain_during is not None and session.pain_during > limit:
        text += f" That is above {limit}/10: next time ease off (fewer reps or an easier version)."
    elif session.done:
        text += " Tomorrow's check-in will ask whether any soreness settled overnight."
    advice = []
    if contact_physio(session.pain_during, limit):
        advice.append(PAIN_DURING_CONTACT.format(pain=session.pain_during))
    return Logged(session, text, advice)


# -- the list of sessions ---------------------------------------------------------------------------


def counting(routine: Routine | None, session: Session) -> tuple[bool, str]:
    """Whether a session counts towards moving on (the routine's minimum share of its exercises), and why."""
    from backcare.domain.progression import session_counts

    done, planned = len(session.done), len(session.done) + len(session.skipped)
    settings = DEFAULT_SETTINGS
    if routine is not None:
        stage = routine.stage(session.stage)
        planned = max(planned, len(stage.exercises)) if stage is not None else planned
        settings = routine.settings_for(session.stage)
        counts = session_counts(routine, session)
    else:
        counts = settings.counts(done, planned)
    num, den = settings.min_session_share
    if not done:
        return False, "no exercise done"
    if session.pain_during is None:
        return False, f"{done} of {planned} done; no pain score"
    return counts, f"{done} of {planned} done; {num}/{den} needed"


def listing(store: Store, today: date, days: int | None = None, limit: int = -1) -> list[SessionRow]:
    """The sessions (of every routine) newest first, within the last `days` days when given, at most `limit`
    (-1: all; only those rows are read), each with whether it counts towards moving on and why."""
    from datetime import timedelta

    from backcare.domain.session_row import SessionRow

    since = today - timedelta(days=days - 1) if days else None
    loaded: dict[str, Routine | None] = {}
    rows = []
    for s in reversed(store.sessions(since=since, last=limit)):
        if s.routine not in loaded:
            try:
                loaded[s.routine] = routines.load(store, s.routine)[0]
            except BackcareError:  # a routine no longer stored: the usual share applies
                loaded[s.routine] = None
        counts, why = counting(loaded[s.routine], s)
        rows.append(SessionRow(s, counts, why))
    return rows


def count(store: Store, today: date, days: int | None = None) -> int:
    """How many sessions `listing` would give without a limit."""
    from datetime import timedelta

    return store.count_sessions(today - timedelta(days=days - 1) if days else None)


def find(store: Store, session_id: str) -> Session:
    """The session numbered `session_id` (as `backcare sessions` shows it)."""
    text = session_id.strip().lstrip("#")
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
    found = store.session(number) if number is not None else None
    if found is None:
        raise BackcareError(f"There is no session {session_id!r}: 'backcare sessions' lists them with their numbers.")
    return found


def delete(store: Store, session: Session) -> Session:
    """Remove one session record; a copy stays in the session edit history."""
    removed = store.delete_session(session.id) if session.id is not None else None
    if removed is None:
        raise BackcareError(f"Session {session.id} was already deleted.")
    return removed
