"""What the daily dashboard shows, as plain data (rendered by render.dashboard or as JSON)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from backcare.domain import safety, streak
from backcare.domain.checkin import more_words
from backcare.domain.dashboard import (
    Backfill,
    ClearanceNote,
    Dashboard,
    DayScores,
    MeasureDue,
    Progression,
    SafetySummary,
    Stage,
)
from backcare.domain.dates import human
from backcare.domain.education import TopicSummary
from backcare.errors import ContentError
from backcare.store import Store


def build(store: Store, today: date) -> Dashboard:
    recent = store.checkins(since=today - timedelta(days=6), until=today)
    by_day = {c.day: c for c in recent}
    todays = by_day.get(today)
    all_days = store.checkin_days(today - timedelta(days=400), today)  # for the streak: dates only
    from backcare.services import safety as safety_service

    mark = store.state_mark()
    gate = safety_service.current(store, today)
    week = []
    for offset in range(6, -1, -1):
        day = today - timedelta(days=offset)
        c = by_day.get(day)
        week.append(DayScores(day.isoformat(), c.pain if c else None, c.stiffness if c else None))
    base = Dashboard(
        date=today.isoformat(),
        date_label=human(today),
        checked_in=todays is not None,
        pain=todays.pain if todays else None,
        stiffness=todays.stiffness if todays else None,
        today_more=more_words(todays) if todays else "",
        last_7_days=week,
        streak=streak.current_streak(all_days, today),
        days_in_last_7=streak.days_in_last(all_days, today),
        backfill=backfill_section(all_days, today),
        safety=safety_summary(gate),
    )
    import dataclasses

    shown, listed = _with_routine(store, today, base)
    if mark is None or store.state_mark() != mark:
        # The safety state again, after today's decision, which deciding the routine may have just recorded:
        # easing off after a flare-up makes a safety re-check due, on this look as on every later one.
        shown = dataclasses.replace(shown, safety=safety_summary(safety_service.current(store, today)))
    return dataclasses.replace(shown, measures_due=measures_section(store, today, listed))


def measures_section(
    store: Store, today: date, listed: tuple[tuple[str, int | None], ...] | None = None
) -> list[MeasureDue]:
    """Outcome measures whose next take is due (every_days after the last one); a broken one is skipped.

    `listed` is what the active routine asks for, when the dashboard has it: with none listed and none ever
    taken nothing can be due, which one query tells without loading the measures (start-up time)."""
    if listed == () and not store.any_measure_taken():
        return []
    from backcare.services import measures

    try:
        due = measures.due(store, today)
    except ContentError:
        return []
    return [MeasureDue(d.id, d.title, d.last.isoformat() if d.last else None) for d in due]


def backfill_section(days: list[date], today: date) -> Backfill | None:
    """Yesterday's missing check-in and the exact command that fills it in; None when nothing is missing."""
    missed = streak.backfill_day(days, today)
    if missed is None:
        return None
    return Backfill(missed.isoformat(), f"backcare checkin --date {missed.isoformat()}")


def routine_section(store: Store, today: date, base: Dashboard) -> Dashboard:
    """Today's progression decision and exercises; a broken stored routine is reported, not fatal."""
    return _with_routine(store, today, base)[0]


def _with_routine(store: Store, today: date, base: Dashboard) -> tuple[Dashboard, tuple[Any, ...] | None]:
    """routine_section, and the outcome measures the routine lists (None when it could not be read)."""
    import dataclasses

    from backcare.services import routines

    try:
        progress = routines.progress(store, today)
    except ContentError as exc:
        return dataclasses.replace(base, routine_problem=exc.message), None
    d = progress.decision
    stage = progress.active.routine.stage(d.stage)
    today_sessions = store.sessions(routine=progress.active.name, since=today, detail=False)  # ids, not records
    done = any(s.completed for s in today_sessions if s.day == today)
    shown = dataclasses.replace(
        base,
        routine=progress.active.name,
        progression=Progression(
            d.decision,
            Stage(stage.id, stage.name) if stage else None,
            list(d.reasons),
            progress.exercises,
            d.easier,
            d.flare,
        ),
        session_done=done,
        routine_note=progress.active.note,
        topic=topic_section(store, today, progress),
    )
    return shown, progress.active.routine.measures


def topic_section(store: Store, today: date, progress: Any) -> TopicSummary | None:
    try:
        from backcare.services.education import topic_for_today
    except ImportError:
        return None
    d = progress.decision
    topic = topic_for_today(
        store, today, first=progress.active.routine.topics, flare=d.flare, red_flag=d.decision == "stop"
    )
    return topic


def safety_summary(state: safety.SafetyState) -> SafetySummary:
    """The safety state for the dashboard: the notice lines (shown as they are) and the re-check schedule."""
    lines = safety.notice(state)
    clearance = state.clearance
    return SafetySummary(
        status=state.status,
        last_screen=state.last_screen.isoformat() if state.last_screen else None,
        flagged=[*state.current, *state.history],
        uncleared=list(state.uncleared),
        message=lines[0] if lines else None,
        title=safety.notice_title(state) if lines else None,
        lines=lines,
        clearance=ClearanceNote(clearance.day.isoformat(), clearance.by, clearance.note) if clearance else None,
        next_recheck=state.next_recheck.isoformat() if state.next_recheck else None,
        recheck_due=state.recheck_due,
        recheck_reason=state.recheck_reason,
    )
