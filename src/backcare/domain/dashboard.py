"""What the daily dashboard shows, as typed plain values (built by services.dashboard, shown by render.dashboard,
printed by `today --json` through `as_dict`)."""

from __future__ import annotations

from dataclasses import asdict, field
from typing import NotRequired, TypedDict, cast

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

    def as_dict(self) -> DashboardJson:
        """The `today --json` shape: routine_problem only when there is one, routine_note only when there is not."""
        out = asdict(self)
        if self.routine_problem is None:
            out.pop("routine_problem")
        else:
            out.pop("routine_note")
        return cast("DashboardJson", out)


# The same dashboard in its JSON shape (`as_dict`, what `today --json` prints), which render.dashboard shows: a
# kept dashboard (services/day_view.py) is shown from it without making any of the classes above. Dates are
# YYYY-MM-DD text. tests/test_review_7.py keeps these keys equal to the classes' fields.
class DayScoresJson(TypedDict):
    date: str
    pain: int | None
    stiffness: int | None


class BackfillJson(TypedDict):
    date: str
    command: str


class ClearanceJson(TypedDict):
    date: str
    by: str
    note: str | None


class SafetyJson(TypedDict):
    status: str
    last_screen: str | None
    flagged: list[str]
    uncleared: list[str]
    message: str | None
    title: str | None
    lines: list[str]
    clearance: ClearanceJson | None
    next_recheck: str | None
    recheck_due: bool
    recheck_reason: str | None


class MeasureDueJson(TypedDict):
    id: str
    title: str
    last: str | None


class StageJson(TypedDict):
    id: str
    name: str


class ExerciseJson(TypedDict):
    """What the dashboard reads of one of the day's exercises (the rest of TodaysExercise's fields are passed on
    to `today --json` as they are)."""

    name: str
    dose: str
    notes: str | None
    easier_version_of: str | None
    lighter: bool


class ProgressionJson(TypedDict):
    decision: str
    stage: StageJson | None
    reasons: list[str]
    exercises: list[ExerciseJson]
    easier: bool
    flare: bool


class TopicJson(TypedDict):
    id: str
    title: str
    summary: str
    minutes: int
    read: bool


class DashboardJson(TypedDict):
    date: str
    date_label: str
    checked_in: bool
    pain: int | None
    stiffness: int | None
    last_7_days: list[DayScoresJson]
    streak: int
    days_in_last_7: int
    backfill: BackfillJson | None
    safety: SafetyJson
    routine: str | None
    progression: ProgressionJson | None
    session_done: bool
    topic: TopicJson | None
    routine_note: NotRequired[str | None]  # one of these two, as as_dict says
    routine_problem: NotRequired[str]
    today_more: str
    measures_due: list[MeasureDueJson]
