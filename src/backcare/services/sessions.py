"""Planning and logging an exercise session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcare.domain.dates import human
from backcare.domain.progress import Session
from backcare.domain.routine import DEFAULT_SETTINGS, Settings
from backcare.errors import InvalidInput
from backcare.services import routines
from backcare.store import Store


@dataclass(frozen=True)
class Plan:
    routine: str
    stage: str
    stage_name: str
    exercises: list[dict]
    stopped: bool
    reasons: tuple[str, ...] = ()
    known_ids: frozenset[str] = frozenset()  # every exercise of the library and the routine
    settings: Settings = DEFAULT_SETTINGS  # the physio's settings for this stage (pain limit, session share)

    @property
    def pain_limit(self) -> int:
        return self.settings.pain_limit


@dataclass(frozen=True)
class Logged:
    session: Session
    replaced: bool
    summary: str
    extra: list[str] = field(default_factory=list)


def plan(store: Store, day: date, *, record: bool = True) -> Plan:
    progress = routines.progress(store, day, record=record)
    d = progress.decision
    stage = progress.active.routine.stage(d.stage)
    return Plan(
        progress.active.name,
        d.stage,
        stage.name if stage else d.stage,
        progress.exercises,
        d.decision == "stop",
        d.reasons,
        routines.exercise_ids(progress.active.routine),
        progress.active.routine.settings_for(d.stage),
    )


def _ids(raw: str | None, today: list[str], known: set[str], flag: str) -> list[str]:
    """Exercise ids from a comma-separated list: 'all' means today's; any exercise backcare knows is accepted
    (people do extras), and a typo is refused with the closest id."""
    if raw is None:
        return []
    if raw.strip().lower() == "all":
        return list(today)
    out = []
    for part in raw.split(","):
        item = part.strip()
        if not item:
            continue
        if item not in known:
            from difflib import get_close_matches

            close = get_close_matches(item, [*today, *sorted(known - set(today))], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else f" Today's exercises: {', '.join(today)}."
            raise InvalidInput(f"{flag}: {item!r} is not an exercise backcare knows.{hint}")
        if item not in out:
            out.append(item)
    return out


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
    todays = [e["id"] for e in plan.exercises]
    known = set(todays) | set(plan.known_ids)
    did = _ids(done, todays, known, "--done")
    skipped = _ids(skip, todays, known, "--skip")
    both = set(did) & set(skipped)
    if both:
        raise InvalidInput(f"{sorted(both)[0]!r} cannot be both done and skipped.")
    if did and pain_during is None:
        raise InvalidInput("Pass --pain-during N (0-10): the highest pain you felt during the exercises.")
    skipped += [i for i in todays if i not in did and i not in skipped]
    return save(
        store, Session(day, plan.routine, plan.stage, tuple(did), tuple(skipped), pain_during, effort), plan.settings
    )


def save(store: Store, session: Session, settings: Settings = DEFAULT_SETTINGS) -> Logged:
    replaced = routines.record_session(store, session)
    n, total = len(session.done), len(session.done) + len(session.skipped)
    verb = "Replaced the session" if replaced else "Session saved"
    text = f"{verb} for {human(session.day)}: {n} of {total} exercises done"
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
    return Logged(session, replaced, text)
