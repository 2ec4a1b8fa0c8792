"""The progression engine: advance, hold, step back or stop, with reasons in plain words.

A pure function of (routine, stage history, check-ins, sessions, latest safety screen, today). It follows
the pain-monitoring model (Silbernagel et al. 2007): pain during exercise up to 5/10 is acceptable, it must
settle by the next morning, and pain must not rise from week to week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.routine import Routine
from backcare.domain.safety import Screen

ADVANCE, HOLD, STEP_BACK, STOP = "advance", "hold", "step_back", "stop"
ACCEPTABLE_PAIN_DURING = 5
FLARE_PAIN = 8
FLARE_ABOVE_BASELINE = 2
RECENT_DAYS = 7
LAST_SESSIONS_DEFAULT = 3
# Returning from the easier variants of the first stage needs a short, calm spell.
RECOVERY_SESSIONS = 3
RECOVERY_DAYS = 3
FLARE_PLAN = (
    "Flare-up plan: keep moving gently (short walks, the easier exercises), use heat if it helps, "
    "spread activities through the day, and expect it to settle over days. "
    "If you notice any red-flag sign, run 'backcare safety'."
)


def fmean(values: Sequence[float]) -> float:
    # statistics.fmean would do, but importing `statistics` costs ~10 ms on every daily run.
    return sum(values) / len(values)


@dataclass(frozen=True)
class Position:
    """Where the person is in a routine, derived from the stage history."""

    stage: str
    since: date | None  # the day this stage (or variant) began; None before the routine started
    easier: bool  # the easier variants of the first stage after a flare there
    last_step_back: date | None


@dataclass(frozen=True)
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


def decide(
    routine: Routine,
    history: Sequence[StageEvent],
    checkins: Sequence[CheckIn],
    sessions: Sequence[Session],
    latest_screen: Screen | None,
    today: date,
) -> Decision:
    """The decision for today. Check-ins and sessions in date order; sessions of this routine only."""
    pos = position(routine, history)
    index = routine.stage_index(pos.stage)
    stage = routine.stages[index]

    if latest_screen is not None and latest_screen.any_yes:
        return Decision(
            STOP,
            pos.stage,
            pos.stage,
            (
                f"Your safety screen on {latest_screen.day.isoformat()} had a 'yes' answer that needs a doctor. "
                "No exercises are offered until a later screen is all 'no'.",
            ),
            easier=pos.easier,
        )

    checkins = [c for c in checkins if c.day <= today]
    sessions = [s for s in sessions if s.day <= today]
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    floor = max(recent_from, pos.last_step_back + timedelta(days=1)) if pos.last_step_back else recent_from
    flare = flare_reasons(checkins, sessions, since=floor, baseline=baseline_pain(checkins, pos, history))
    if flare:
        if index > 0:
            target = routine.stages[index - 1]
            reasons = (*flare, f"Stepping back from '{stage.name}' to '{target.name}' while this settles.", FLARE_PLAN)
            return Decision(STEP_BACK, target.id, pos.stage, reasons, easier=False, flare=True)
        reasons = (*flare, f"Staying in '{stage.name}' with easier versions of the exercises for now.", FLARE_PLAN)
        return Decision(STEP_BACK, stage.id, pos.stage, reasons, easier=True, flare=True)

    if pos.since is None:
        return Decision(HOLD, pos.stage, pos.stage, (f"Starting with '{stage.name}'.",), easier=pos.easier)

    hold = model_holds(checkins, sessions, today)
    in_stage = [s for s in sessions if s.stage == pos.stage and s.day >= pos.since and s.completed]
    days_in = (today - pos.since).days

    if pos.easier:
        met, unmet = _criteria(in_stage, days_in, RECOVERY_SESSIONS, RECOVERY_DAYS, ACCEPTABLE_PAIN_DURING)
        if hold or unmet:
            return Decision(
                HOLD, pos.stage, pos.stage, ("Using easier versions after a flare-up.", *hold, *unmet), easier=True
            )
        return Decision(
            ADVANCE, pos.stage, pos.stage, (*met, f"Back to the standard exercises of '{stage.name}'."), easier=False
        )

    if stage.advance is None or index == len(routine.stages) - 1:
        last = [*hold, f"'{stage.name}' is the last stage: keep it up; progress by longer holds, then more reps."]
        return Decision(HOLD, pos.stage, pos.stage, tuple(last))

    adv = stage.advance
    met, unmet = _criteria(in_stage, days_in, adv.sessions, adv.days, adv.max_pain_during)
    if hold or unmet:
        return Decision(HOLD, pos.stage, pos.stage, (*hold, *unmet, *met))
    target = routine.stages[index + 1]
    return Decision(ADVANCE, target.id, pos.stage, (*met, f"Moving on to '{target.name}'."))


def _criteria(
    in_stage: list[Session], days_in: int, sessions: int | None, days: int | None, max_pain: int | None
) -> tuple[list[str], list[str]]:
    met: list[str] = []
    unmet: list[str] = []
    if sessions is not None:
        text = f"{len(in_stage)} of {sessions} sessions done in this stage."
        (met if len(in_stage) >= sessions else unmet).append(text)
    if days is not None:
        text = f"{days_in} of {days} days in this stage."
        (met if days_in >= days else unmet).append(text)
    if max_pain is not None:
        window = [s for s in in_stage if s.pain_during is not None][-(sessions or LAST_SESSIONS_DEFAULT) :]
        worst = max((s.pain_during for s in window), default=None)  # type: ignore[type-var]
        if worst is None:
            unmet.append("No pain-during-exercise scores logged in this stage yet.")
        elif worst <= max_pain:
            met.append(f"Pain during the recent sessions stayed at or under {max_pain}/10 (highest {worst}).")
        else:
            unmet.append(f"Pain during a recent session reached {worst}/10 (the aim is {max_pain}/10 or less).")
    return met, unmet


def baseline_pain(checkins: Sequence[CheckIn], pos: Position, history: Sequence[StageEvent]) -> float | None:
    """Mean pain of the first 7 check-ins since the routine started (at least 3 needed)."""
    start = history[0].day if history else None
    first = [c.pain for c in checkins if start is None or c.day >= start][:7]
    return fmean(first) if len(first) >= 3 else None


def flare_reasons(
    checkins: Sequence[CheckIn], sessions: Sequence[Session], *, since: date, baseline: float | None
) -> list[str]:
    recent = [c for c in checkins if c.day >= since]
    reasons: list[str] = []
    high = [c for c in recent if c.pain >= FLARE_PAIN]
    if high:
        reasons.append(f"Flare-up: pain was {high[-1].pain}/10 on {high[-1].day.isoformat()}.")
    if baseline is not None:
        for a, b in zip(recent, recent[1:]):
            if (b.day - a.day).days == 1 and min(a.pain, b.pain) >= baseline + FLARE_ABOVE_BASELINE:
                reasons.append(
                    f"Flare-up: pain was {FLARE_ABOVE_BASELINE}+ points above your usual ({baseline:.1f}) "
                    f"on {a.day.isoformat()} and {b.day.isoformat()}."
                )
                break
    scored = [s for s in sessions if s.day >= since and s.pain_during is not None]
    if len(scored) >= 2 and all(s.pain_during > ACCEPTABLE_PAIN_DURING for s in scored[-2:]):  # type: ignore[operator]
        reasons.append(
            f"Pain during exercise was above {ACCEPTABLE_PAIN_DURING}/10 in the last two sessions "
            f"({scored[-2].day.isoformat()}, {scored[-1].day.isoformat()})."
        )
    return reasons


def model_holds(checkins: Sequence[CheckIn], sessions: Sequence[Session], today: date) -> list[str]:
    """Reasons from the pain-monitoring model to hold: soreness not settled, or pain rising week on week."""
    reasons: list[str] = []
    by_day = {c.day: c for c in checkins}
    done = [s for s in sessions if s.completed and s.day >= today - timedelta(days=RECENT_DAYS)]
    if done:
        last = done[-1]
        nxt = by_day.get(last.day + timedelta(days=1))
        if nxt is not None and nxt.settled is False:
            reasons.append(
                f"Soreness after your session on {last.day.isoformat()} had not settled by the next morning."
            )
    this_week = [c.pain for c in checkins if today - timedelta(days=6) <= c.day <= today]
    last_week = [c.pain for c in checkins if today - timedelta(days=13) <= c.day <= today - timedelta(days=7)]
    if len(this_week) >= 3 and len(last_week) >= 3:
        rise = fmean(this_week) - fmean(last_week)
        if rise >= 1:
            reasons.append(
                f"Your average pain this week ({fmean(this_week):.1f}) is {rise:.1f} points higher than last week "
                f"({fmean(last_week):.1f})."
            )
    return reasons
