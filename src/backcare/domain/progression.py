"""The progression engine: advance, hold, step back or stop, with reasons in plain words.

A pure function of (routine, stage history, check-ins, sessions, latest safety screen, today). It follows
the pain-monitoring model (Silbernagel et al. 2007): pain during exercise up to the routine's limit (5/10
unless the physio sets another) is acceptable, it must settle by the next morning, and pain and stiffness
must not rise from week to week. The physio's settings (domain.routine.Settings) apply everywhere.

The decision for a day depends only on data up to that day and on the stage history *before* it (plus a
start or a manual stage change made that day): recording the day's decision and reading it again gives the
same decision, reasons and flare-up plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from backcare.domain import flares
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.routine import Routine, Settings
from backcare.domain.safety import SafetyState, Screen, assess
from backcare.valueclass import frozen

ADVANCE, HOLD, STEP_BACK, STOP = "advance", "hold", "step_back", "stop"
ENGINE_DECISIONS = (ADVANCE, HOLD, STEP_BACK, STOP)
RECENT_DAYS = 7
CHECKIN_DAYS = 2  # no advance without a check-in today or yesterday
LAST_SESSIONS_DEFAULT = 3
# Returning from the easier variants of the first stage needs a short, calm spell.
RECOVERY_SESSIONS = 3
RECOVERY_DAYS = 3
FLARE_PLAN = (
    "Flare-up plan: keep moving gently (short walks, the easier exercises), use heat if it helps, "
    "spread activities through the day, and expect it to settle over days. "
    "If you notice any red-flag sign, run 'backcare safety'."
)


def safety_state(safety: SafetyState | Screen | None, today: date) -> SafetyState:
    if isinstance(safety, SafetyState):
        return safety
    return assess([safety] if safety is not None else [], today=today)


def fmean(values: Sequence[float]) -> float:
    # statistics.fmean would do, but importing `statistics` costs ~10 ms on every daily run.
    return sum(values) / len(values)


def pain_limit(routine: Routine) -> int:
    """The routine's acceptable pain during exercise (0-10; 5 unless the physio set another)."""
    return routine.settings.pain_limit


def stage_pain_limit(routine: Routine, stage_id: str) -> int:
    """The acceptable pain during exercise in a stage (its own setting, else the routine's)."""
    return routine.settings_for(stage_id).pain_limit


@frozen
class Tally:
    """What the engine reads of a session: its day, stage and pain during, and how many of its exercises were
    done (fully or in part) and skipped. The store reads these for the engine without building whole session
    records (`Store.session_tallies`); `Tally.of` gives the same from a session."""

    day: date
    stage: str
    pain_during: int | None
    n_done: int
    n_skipped: int

    @classmethod
    def of(cls, session: Session) -> Tally:
        return cls(session.day, session.stage, session.pain_during, len(session.done), len(session.skipped))


def session_counts(routine: Routine, session: Session | Tally) -> bool:
    """Whether a session counts for progression: enough of its exercises done (2/3 unless the physio set
    another share), and a pain-during score, which every advance rule needs (a session stopped before the pain
    question has none). A walk out of six exercises is not a session."""
    return _counter(routine)(session if isinstance(session, Tally) else Tally.of(session))


def _counter(routine: Routine) -> Callable[[Tally], bool]:
    """`session_counts` for the sessions of one routine, each stage's size and settings looked up once (the
    engine asks for up to 200 sessions a run). The planned number is the session's own, or its stage's number
    of exercises when that is more."""
    rules: dict[str, tuple[int, Settings]] = {}

    def counts(session: Tally) -> bool:
        if session.pain_during is None:
            return False
        rule = rules.get(session.stage)
        if rule is None:
            stage = routine.stage(session.stage)
            size = len(stage.exercises) if stage is not None else 0
            rule = rules[session.stage] = (size, routine.settings_for(session.stage))
        size, settings = rule
        return settings.counts(session.n_done, max(session.n_done + session.n_skipped, size))

    return counts


@frozen
class Position:
    """Where the person is in a routine, derived from the stage history."""

    stage: str
    since: date | None  # the day this stage (or variant) began; None before the routine started
    easier: bool  # the easier variants of the first stage after a flare there
    last_step_back: date | None


@frozen
class Decision:
    decision: str
    stage: str  # the stage to follow from today (after applying the decision)
    from_stage: str
    reasons: tuple[str, ...]
    easier: bool = False
    flare: bool = False


def position(routine: Routine, history: Sequence[StageEvent]) -> Position:
    stage = routine.stages[0].id
    since: date | None = None
    easier = False
    last_step_back: date | None = None
    for event in history:
        if event.decision == "hold":
            if since is None:
                since = event.day
            continue
        if routine.stage(event.stage) is None:
            continue  # a stage the routine no longer has: ignore the event
        if event.decision == STOP:
            continue
        first = event.stage == routine.stages[0].id
        if event.decision == STEP_BACK:
            last_step_back = event.day
            easier = first and (stage == event.stage or easier)
        else:
            easier = False
        stage, since = event.stage, event.day
    return Position(stage, since, easier, last_step_back)


def is_engine_event(event: StageEvent) -> bool:
    """An event the engine recorded (a day's decision), not a start or a change made by hand."""
    return not event.manual and event.decision in ENGINE_DECISIONS


def history_for(history: Sequence[StageEvent], today: date) -> list[StageEvent]:
    """The stage history a decision for `today` is made from: everything before today, and today's start or
    manual change; never the engine's own decision for today (so reading the day again decides the same)."""
    return [e for e in history if e.day < today or (e.day == today and not is_engine_event(e))]


def day_event(routine_name: str, history: Sequence[StageEvent], decision: Decision, today: date) -> StageEvent | None:
    """The entry to keep in the stage history as `today`'s decision, or None when the decision changes nothing
    (a hold where the person already is). At most one such entry per day: it replaces the day's earlier one.
    The CLI and a replay (the simulator) both record through this, so they agree."""
    prior = history_for(history, today)
    if prior and (prior[-1].decision, prior[-1].stage) == (decision.decision, decision.stage):
        return None
    return StageEvent(routine_name, today, decision.stage, decision.decision, decision.reasons)


def decide(
    routine: Routine,
    history: Sequence[StageEvent],
    checkins: Sequence[CheckIn],
    sessions: Sequence[Session | Tally],
    safety: SafetyState | Screen | None,
    today: date,
) -> Decision:
    """The decision for today. Check-ins and sessions in date order; sessions of this routine only, whole or as
    the engine reads them (`Tally`).

    `safety` is the person's safety state (`domain.safety.assess`); a single screen (or None: not screened)
    is read on its own. While anything there stands in the way, the decision is STOP: no exercises and no
    progression, with the safety notice as the reasons.
    """
    history = history_for(history, today)
    pos = position(routine, history)
    index = routine.stage_index(pos.stage)
    stage = routine.stages[index]

    gate = safety_state(safety, today)
    if gate.blocked:  # a current symptom, an uncleared history answer, or no screen yet: no exercises
        return Decision(STOP, pos.stage, pos.stage, gate.reasons, easier=pos.easier)

    settings = routine.settings_for(stage.id)
    checkins = [c for c in checkins if c.day <= today]
    tallies = [s if isinstance(s, Tally) else Tally.of(s) for s in sessions if s.day <= today]
    counts = _counter(routine)
    counted = [s for s in tallies if counts(s)]

    episode, flare = current_flare(settings, checkins, tallies, today)
    if episode is not None and not _handled(history, episode.first):
        if index > 0:
            target = routine.stages[index - 1]
            reasons = (*flare, f"Stepping back from '{stage.name}' to '{target.name}' while this settles.", FLARE_PLAN)
            return Decision(STEP_BACK, target.id, pos.stage, reasons, easier=False, flare=True)
        reasons = (*flare, f"Staying in '{stage.name}' with easier versions of the exercises for now.", FLARE_PLAN)
        return Decision(STEP_BACK, stage.id, pos.stage, reasons, easier=True, flare=True)
    if episode is not None:
        calm = (episode.last + timedelta(days=flares.EPISODE_GAP_DAYS)).isoformat()
        reasons = (
            f"The flare-up that began on {episode.first.isoformat()} is settling: staying at '{stage.name}' "
            "(one flare-up, one step back).",
            *flare,
            f"Moving on is possible again from {calm}, a week after the last flare day.",
            FLARE_PLAN,
        )
        return Decision(HOLD, pos.stage, pos.stage, reasons, easier=pos.easier, flare=True)

    if pos.since is None:
        return Decision(HOLD, pos.stage, pos.stage, (f"Starting with '{stage.name}'.",), easier=pos.easier)

    start = history[0].day if history else pos.since
    hold = [*model_holds(checkins, counted, today), *readiness(checkins, counted, settings, start, today)]
    in_stage = [s for s in counted if s.stage == pos.stage and s.day >= pos.since]
    days_in = (today - pos.since).days

    if pos.easier:
        met, unmet = _criteria(in_stage, days_in, RECOVERY_SESSIONS, RECOVERY_DAYS, settings.pain_limit)
        if hold or unmet:
            return Decision(
                HOLD, pos.stage, pos.stage, ("Using easier versions after a flare-up.", *hold, *unmet), easier=True
            )
        return Decision(
            ADVANCE, pos.stage, pos.stage, (*met, f"Back to the standard exercises of '{stage.name}'."), easier=False
        )

    if index == len(routine.stages) - 1:
        last = f"'{stage.name}' is the last stage: keep it up; progress by longer holds, then more reps."
        return Decision(HOLD, pos.stage, pos.stage, (*hold, last))
    if stage.advance is None or stage.advance.manual:
        target = routine.stages[index + 1]
        waits = (
            f"'{stage.name}' moves on to '{target.name}' only when your physio says so "
            f"(they record it with 'backcare routine stage {target.id}')."
        )
        return Decision(HOLD, pos.stage, pos.stage, (waits, *hold))

    adv = stage.advance
    max_pain = adv.max_pain_during if adv.max_pain_during is not None else settings.pain_limit
    met, unmet = _criteria(in_stage, days_in, adv.sessions, adv.days, max_pain)
    if hold or unmet:
        return Decision(HOLD, pos.stage, pos.stage, (*hold, *unmet, *met))
    target = routine.stages[index + 1]
    return Decision(ADVANCE, target.id, pos.stage, (*met, f"Moving on to '{target.name}'."))


def _handled(history: Sequence[StageEvent], first: date) -> bool:
    """Whether a flare-up that began on `first` already had its step back (or a clinician set the stage)."""
    return any(e.day >= first and (e.decision == STEP_BACK or e.manual) for e in history)


def _criteria(
    in_stage: list[Tally], days_in: int, sessions: int | None, days: int | None, max_pain: int | None
) -> tuple[list[str], list[str]]:
    met: list[str] = []
    unmet: list[str] = []
    session_days = sorted({s.day for s in in_stage})  # several sessions on one day count once
    if sessions is not None:
        n = len(session_days)
        if n >= sessions:
            met.append(f"{n} session {_days(n)} done in this stage ({sessions} needed).")
        else:
            unmet.append(f"{n} of {sessions} session days done in this stage.")
    if days is not None:
        text = f"{days_in} of {days} days in this stage."
        (met if days_in >= days else unmet).append(text)
    if max_pain is not None:
        scored = [s for s in in_stage if s.pain_during is not None]
        recent = sorted({s.day for s in scored})[-(sessions or LAST_SESSIONS_DEFAULT) :]
        window = [s for s in scored if s.day in recent]  # every session of the recent session days
        worst = max((s.pain_during for s in window), default=None)  # type: ignore[type-var]
        if worst is None:
            unmet.append("No pain-during-exercise scores logged in this stage yet.")
        elif worst <= max_pain:
            met.append(f"Pain during the recent sessions stayed at or under {max_pain}/10 (highest {worst}).")
        else:
            unmet.append(f"Pain during a recent session reached {worst}/10 (the aim is {max_pain}/10 or less).")
    return met, unmet


def _days(n: int) -> str:
    return "day" if n == 1 else "days"


def current_flare(
    settings: Settings, checkins: Sequence[CheckIn], sessions: Sequence[Session | Tally], today: date
) -> tuple[flares.Flare | None, list[str]]:
    """The flare-up going on or settling today (one in the last week), and what shows it, or (None, [])."""
    rule = flares.Rule.of(settings)
    recent_from = today - timedelta(days=flares.USUAL_WINDOW_DAYS * 3)
    recent = [c for c in checkins if c.day >= recent_from]
    sore = sore_sessions(sessions, settings.pain_limit)
    found = flares.episodes(recent, rule, extra_days=[d for d, _ in sore])
    episode = found[-1] if found else None
    if not flares.settling(episode, today):
        return None, []
    assert episode is not None
    reasons: list[str] = []
    # Only check-in days that were flare days by the rule are stated: a flare-up set off by sore sessions alone
    # says nothing about the check-ins.
    lv = flares.levels(recent, rule)
    fired = [c for c in recent if c.day in set(lv.flare_days) and episode.first <= c.day <= episode.last]
    if fired:
        level = lv.usual.get(fired[0].day)
        usual = f" (about {level:.1f})" if level is not None else ""
        when = fired[0].day.isoformat()
        if fired[-1].day != fired[0].day:
            when += f" to {fired[-1].day.isoformat()}"
        reasons.append(
            f"Flare-up: pain up to {max(c.pain for c in fired)}/10 ({when}), {rule.above_usual} or more points "
            f"above your usual level{usual}."
        )
    for day, (a, b) in sore:
        if episode.first <= day <= episode.last:
            running = f"on {a.isoformat()}" if a == b else f"running ({a.isoformat()}, {b.isoformat()})"
            reasons.append(f"Pain during exercise was above {settings.pain_limit}/10 in two sessions {running}.")
            break
    return episode, reasons


def sore_sessions(sessions: Sequence[Session | Tally], limit: int) -> list[tuple[date, tuple[date, date]]]:
    """Days on which pain during exercise was above the limit for the second session running."""
    scored = [s for s in sessions if s.pain_during is not None]
    out = []
    for a, b in zip(scored, scored[1:]):
        if a.pain_during > limit and b.pain_during > limit:  # type: ignore[operator]
            out.append((b.day, (a.day, b.day)))
    return out


def readiness(
    checkins: Sequence[CheckIn], counted: Sequence[Session | Tally], settings: Settings, start: date | None, today: date
) -> list[str]:
    """Reasons not to move on today that are not about pain: no recent check-in, or back from a break."""
    reasons: list[str] = []
    last_checkin = checkins[-1].day if checkins else None
    if last_checkin is None or (today - last_checkin).days >= CHECKIN_DAYS:
        since = f" since {last_checkin.isoformat()}" if last_checkin else " yet"
        reasons.append(f"No check-in{since}: check in (backcare checkin) before moving on.")
    days = sorted({s.day for s in counted})
    prev = start
    back: int | None = None  # the index in `days` of the first session after the latest break
    gap = 0
    for i, day in enumerate(days):
        if prev is not None and (day - prev).days - 1 >= settings.break_days:
            back, gap = i, (day - prev).days - 1
        prev = day
    last = days[-1] if days else start
    if last is not None and (today - last).days - 1 >= settings.break_days:
        reasons.append(
            f"No session for {(today - last).days - 1} days: after a break, {settings.reentry_sessions} "
            f"session {_days(settings.reentry_sessions)} come before moving on."
        )
    elif back is not None:
        done = len([d for d in days[back:] if d < today])  # re-entry sessions are done before the day of a move
        if days[back] == today:
            reasons.append(f"First session after a break of {gap} days: no moving on today.")
        elif done < settings.reentry_sessions:
            reasons.append(
                f"Back after a break of {gap} days: {done} of {settings.reentry_sessions} session days done "
                "before moving on (several sessions on one day count once)."
            )
    return reasons


def model_holds(checkins: Sequence[CheckIn], sessions: Sequence[Session | Tally], today: date) -> list[str]:
    """Reasons from the pain-monitoring model to hold: soreness not settled, or pain or stiffness rising week
    on week."""
    reasons: list[str] = []
    by_day = {c.day: c for c in checkins}
    done = [s for s in sessions if s.day >= today - timedelta(days=RECENT_DAYS)]
    if done:
        last = done[-1]
        nxt = by_day.get(last.day + timedelta(days=1))
        if nxt is not None and nxt.settled is False:
            reasons.append(
                f"Soreness after your session on {last.day.isoformat()} had not settled by the next morning."
            )
    this_week = [c for c in checkins if today - timedelta(days=6) <= c.day <= today]
    last_week = [c for c in checkins if today - timedelta(days=13) <= c.day <= today - timedelta(days=7)]
    if len(this_week) >= 3 and len(last_week) >= 3:
        for what in ("pain", "stiffness"):
            now = fmean([getattr(c, what) for c in this_week])
            before = fmean([getattr(c, what) for c in last_week])
            if now - before >= 1:
                reasons.append(
                    f"Your average {what} this week ({now:.1f}) is {now - before:.1f} points higher than last "
                    f"week ({before:.1f})."
                )
    return reasons
