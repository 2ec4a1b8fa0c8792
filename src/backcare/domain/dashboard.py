"""What the daily dashboard shows, as typed plain values (built by services.dashboard, shown by render.dashboard,
printed by `today --json` through `as_dict`)."""

from __future__ import annotations

from dataclasses import asdict, field
from typing import Any

from backcare.domain.education import TopicSummary
from backcare.domain.exercise_entry import TodaysExercise
from backcare.valueclass import frozen


@frozen
class DayScores:
    date: str  # YYYY-MM-DD
    pain: int | None
    stiffness: int | None


@frozen
class Backfill:
    """Yesterday's missing check-in and the exact command that fills it in."""

    date: str
    command: str


@frozen
class ClearanceNote:
    """The clinician's clearance that lifted a stop: when, by whom, and what they noted."""

    date: str  # YYYY-MM-DD
    by: str
    note: str | None


@frozen
class SafetySummary:
    """The safety state for the dashboard: the notice lines (shown as they are) and the re-check schedule."""

    status: str
    last_screen: str | None
    flagged: list[str]
    uncleared: list[str]
    message: str | None
    title: str | None
    lines: list[str]
    clearance: ClearanceNote | None
    next_recheck: str | None
    recheck_due: bool
    recheck_reason: str | None


@frozen
class MeasureDue:
    """An outcome measure whose next take is due, and when it was last taken (YYYY-MM-DD, None if never)."""

    id: str
    title: str
    last: str | None


@frozen
class Stage:
    id: str
    name: str


@frozen
class Progression:
    """Today's decision for the active routine and the exercises it gives."""

    decision: str
    stage: Stage | None
    reasons: list[str]
    exercises: list[TodaysExercise]
    easier: bool
    flare: bool


@frozen
class Dashboard:
    date: str
    date_label: str
    checked_in: bool
    pain: int | None
    stiffness: int | None
    last_7_days: list[DayScores]
    streak: int
    days_in_last_7: int
    backfill: Backfill | None
    safety: SafetySummary
    routine: str | None = None
    progression: Progression | None = None
    session_done: bool = False
    topic: TopicSummary | None = None
    routine_note: str | None = None
    routine_problem: str | None = None  # a stored routine that cannot be read: said, not fatal
    today_more: str = ""  # today's sleep, stress, leg pain and medicines in words, each scale with its direction
    measures_due: list[MeasureDue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The `today --json` shape: routine_problem only when there is one, routine_note only when there is not."""
        out = asdict(self)
        if self.routine_problem is None:
            out.pop("routine_problem")
        else:
            out.pop("routine_note")
        return out
