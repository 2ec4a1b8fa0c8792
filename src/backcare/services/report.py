"""The clinician report as plain data.

The first page answers, in order: who, any red flag or safety stop, the change since baseline, the current
routine with its doses, adherence, pain during exercise, sleep and stress, outcome measures, notes. The details
(the chart, every day, stage history, flare-ups, screens, tags, every note) follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, field
from datetime import date, timedelta
from typing import Any

from backcare.domain import flares as fl
from backcare.domain.progress import StageEvent
from backcare.domain.safety import BY_ID, Clearance, Screen, clinician_notice
from backcare.errors import InvalidInput
from backcare.services import safety, trends
from backcare.store import Store
from backcare.valueclass import frozen

MAX_FLARES = 12  # the most recent ones are listed; long periods would otherwise fill pages
MAX_NOTES = 40
MAX_CLEAR_SCREENS = 6  # red-flag screens are always all listed


@frozen
class MeasureLine:
    """One outcome measure's latest score, its change since the first score in the period and whether that change
    reaches the measure's own important-change threshold ('' when there is only one score)."""

    name: str
    latest: float
    day: date
    change: float | None = None
    verdict: str = ""
    scale: str = ""  # e.g. "0-10, higher is better"


@frozen
class Programme:
    """The routine followed now: its stage and each exercise's dose in the hand-out's plain words."""

    routine: str
    stage: str
    stage_number: int
    stage_count: int
    per_week: int
    pain_limit: int
    doses: list[tuple[str, str]]  # (exercise name, dose in words)


@frozen
class ExerciseCount:
    name: str
    done: int
    skipped: int


@frozen
class SessionLine:
    day: date
    stage: str
    done: int
    skipped: int
    pain_during: int | None
    effort: int | None


@frozen
class Wellbeing:
    """Sleep or stress over the period: days rated, the mean, and the means of the first and last ratings."""

    metric: str
    anchors: str
    days: int
    mean: float | None
    first: float | None
    last: float | None
    window: int


@frozen
class Report:
    generated: date
    trend: trends.Trend
    stage_before: StageEvent | None  # the last stage change before the period, if any
    stages: list[StageEvent]  # in the period, oldest first
    flares: list[fl.Flare]
    screen_before: Screen | None  # the latest screen before the period, when none falls inside it
    screens: list[Screen]
    notes: list[tuple[date, str]]
    safety_now: list[str] = field(default_factory=list)  # the safety notice as of the report's day
    clearances: list[Clearance] = field(default_factory=list)  # every clinician's clearance, oldest first
    profile: dict[str, str] = field(default_factory=dict)  # who the data belongs to (backcare profile)
    programme: Programme | None = None
    exercises: list[ExerciseCount] = field(default_factory=list)  # done / skipped per exercise, most done first
    sessions: list[SessionLine] = field(default_factory=list)  # in the period, oldest first
    unsettled: list[date] = field(default_factory=list)  # days whose check-in said soreness had not settled
    wellbeing: list[Wellbeing] = field(default_factory=list)  # sleep, stress
    measures: list[MeasureLine] = field(default_factory=list)  # outcome measures (empty until some are recorded)
    alerts: list[str] = field(default_factory=list)  # red flags and safety stops, for the box at the top
    first_checkin: date | None = None  # the first check-in ever, when the period was cut to start there

    @property
    def who(self) -> str:
        """The profile as one line ('Name: ... · Clinician: ...'), or '' when none is set."""
        from backcare.services.profile import who_line

        return who_line(self.profile)

    def stage_name(self, stage_id: str) -> str:
        return self.trend.routine.stage_name(stage_id)

    @property
    def flare_rule(self) -> str:
        """What counts as a flare-up, in words (the same rule the progression engine uses)."""
        return self.trend.flare_rule.describe()

    def listed_flares(self) -> tuple[list[fl.Flare], int]:
        """The most recent flare-ups to list, and how many earlier ones are left out."""
        return self.flares[-MAX_FLARES:], max(0, len(self.flares) - MAX_FLARES)

    def listed_notes(self) -> tuple[list[tuple[date, str]], int]:
        return self.notes[-MAX_NOTES:], max(0, len(self.notes) - MAX_NOTES)

    def listed_screens(self) -> tuple[list[Screen], int]:
        """Every red-flag screen and the most recent all-clear ones, in date order; how many all-clears are left out."""
        clear = [s for s in self.screens if not s.any_yes]
        keep_clear = {id(s) for s in clear[-MAX_CLEAR_SCREENS:]}
        shown = [s for s in self.screens if s.any_yes or id(s) in keep_clear]
        return shown, len(self.screens) - len(shown)

    def as_dict(self) -> dict:
        return {
            "generated": self.generated.isoformat(),
            **self.trend.as_dict(),
            "stage_before": self.stage_before.as_dict() if self.stage_before else None,
            "stages": [e.as_dict() for e in self.stages],
            "flares": [f.as_dict() for f in self.flares],
            "screens": [screen_dict(s) for s in self.screens],
            "notes": [{"date": d.isoformat(), "note": n} for d, n in self.notes],
            "safety_now": list(self.safety_now),
            "clearances": [clearance_dict(c) for c in self.clearances],
            "profile": dict(self.profile),
            "programme": _plain(self.programme),
            "exercises": [_plain(e) for e in self.exercises],
            "sessions": [_plain(x) for x in self.sessions],
            "unsettled": [d.isoformat() for d in self.unsettled],
            "wellbeing": [_plain(w) for w in self.wellbeing],
            "measures": [_plain(m) for m in self.measures],
            "alerts": list(self.alerts),
        }

    @property
    def pain_limit(self) -> int:
        return self.programme.pain_limit if self.programme else 5


def _plain(value: Any) -> Any:
    if value is None:
        return None
    out = {}
    for k, v in asdict(value).items():
        out[k] = v.isoformat() if isinstance(v, date) else v
    return out


def screen_dict(s: Screen) -> dict:
    return {
        "date": s.day.isoformat(),
        "result": "red flag" if s.any_yes else "all clear",
        "flagged": [{"id": q, "text": BY_ID[q].text if q in BY_ID else q} for q in s.flagged],
    }


def clearance_dict(c: Clearance) -> dict:
    return {"date": c.day.isoformat(), "by": c.by, "note": c.note, "covers": list(c.covers)}


def period(
    store: Store, today: date, start: date | None = None, end: date | None = None, days: int | None = None
) -> tuple[date, date, date | None]:
    """The report's first and last day, and the first check-in when the period was cut to start there.

    --from/--to name the days; --days N means the last N days (to --to, else today); with neither, the last
    DEFAULT_DAYS days, starting at the first check-in when that is later (a 20-day user gets a 20-day report).
    Raises InvalidInput (a usage error) for a start after the end, an end after today, or --days with --from."""
    last = end or today
    if last > today:
        raise InvalidInput(f"--to {last.isoformat()} is after today ({today.isoformat()}).")
    if start is not None and days is not None:
        raise InvalidInput("Give --from or --days, not both.")
    if start is not None:
        if start > last:
            raise InvalidInput(f"--from {start.isoformat()} is after --to {last.isoformat()}.")
        return start, last, None
    if days is not None:
        return last - timedelta(days=days - 1), last, None
    from backcare.domain.trends import default_start

    rows = store.checkins(until=last, limit=1)  # the first check-in ever
    first_day = default_start(rows[0].day if rows else None, last, trends.DEFAULT_DAYS)
    cut = first_day > last - timedelta(days=trends.DEFAULT_DAYS - 1)
    return first_day, last, first_day if cut else None


def build(
    store: Store,
    today: date,
    days: int | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    first, last, cut_at = period(store, today, start, end, days)
    t = trends.build(store, last, (last - first).days + 1)
    return _build(store, today, t, cut_at)


def _build(store: Store, today: date, t: trends.Trend, cut_at: date | None) -> Report:
    start, end = t.start, t.end
    history = store.stage_history()
    before = [e for e in history if e.day < start and e.decision != "hold"]
    stages = [e for e in history if start <= e.day <= end]
    all_screens = store.screens()
    screens = [s for s in all_screens if start <= s.day <= end]
    earlier = [s for s in all_screens if s.day < start]
    sessions = store.sessions(since=start, until=end)
    now = clinician_notice(safety.current(store, today))
    clearances = store.clearances()
    routine = t.routine.routine
    limit = routine.settings.pain_limit if routine else 5
    return Report(
        generated=today,
        trend=t,
        stage_before=before[-1] if before else None,
        stages=stages,
        flares=t.flares,
        screen_before=earlier[-1] if earlier and not screens else None,
        screens=screens,
        notes=[(c.day, c.note) for c in t.checkins if c.note],
        safety_now=now,
        clearances=clearances,
        profile=store.profile(),
        programme=programme(store, today),
        exercises=exercise_counts(sessions),
        sessions=[_session_line(x) for x in sessions],
        unsettled=[c.day for c in t.checkins if c.settled is False],
        wellbeing=[wellbeing(t.checkins, m) for m in ("sleep", "stress")],
        measures=outcome_measures(store, start, end),
        alerts=alerts(screens, stages, sessions, now, limit, cleared=[c for c in clearances if start <= c.day <= end]),
        first_checkin=cut_at,
    )


VERDICT_WORDS = {"better": "improved", "worse": "worse", "no important change": "no important change"}


def outcome_measures(store: Store, start: date, end: date) -> list[MeasureLine]:
    """Each outcome measure taken in the period: its latest score, the change since its first score there, and
    the verdict against the measure's own important change."""
    from backcare.domain.measures import number
    from backcare.services.measures import report_lines

    return [
        MeasureLine(
            line.title,
            line.latest,
            line.latest_day,
            line.change if line.takes > 1 else None,
            VERDICT_WORDS.get(line.verdict, line.verdict) if line.takes > 1 else "",
            f"MCID {number(line.important_change)}, {'higher' if line.higher_is_better else 'lower'} is better",
        )
        for line in report_lines(store, start, end)
    ]


def wellbeing(checkins: list, metric: str, window: int = 7) -> Wellbeing:
    from backcare.domain.trends import SCORES

    values = [getattr(c, metric) for c in checkins if getattr(c, metric) is not None]

    def mean(xs: list[int]) -> float | None:
        return round(sum(xs) / len(xs) + 1e-9, 1) if xs else None

    w = min(window, len(values) // 2)
    return Wellbeing(
        metric,
        f"{SCORES[metric][0]} {metric}",  # "0 = very poor, 10 = very good sleep"
        len(values),
        mean(values),
        mean(values[:w]) if w else None,
        mean(values[-w:]) if w else None,
        w,
    )


def programme(store: Store, today: date) -> Programme | None:
    """The active routine's current stage and doses, in the same words as the hand-out."""
    from backcare.services import handout

    try:
        data = handout.build(store, today)
    except InvalidInput:
        return None
    stage = data.stages[0]
    return Programme(
        routine=data.title,
        stage=stage.name,
        stage_number=stage.number,
        stage_count=data.stage_count,
        per_week=data.per_week,
        pain_limit=stage.pain_limit,
        doses=[(card.name, card.dose) for card in stage.exercises],
    )


def _names() -> dict[str, str]:
    from backcare.content import library

    return {k: e.name for k, e in library().items()}


def exercise_counts(sessions: list) -> list[ExerciseCount]:
    """How often each exercise was done and skipped in these sessions, the most done first."""
    names = _names()
    done: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for s in sessions:
        for x in s.done:
            done[x] = done.get(x, 0) + 1
        for x in s.skipped:
            skipped[x] = skipped.get(x, 0) + 1
    ids = sorted(set(done) | set(skipped), key=lambda x: (-done.get(x, 0), skipped.get(x, 0), names.get(x, x)))
    return [ExerciseCount(names.get(x, x), done.get(x, 0), skipped.get(x, 0)) for x in ids]


def _session_line(s) -> SessionLine:
    return SessionLine(s.day, s.stage, len(s.done), len(s.skipped), s.pain_during, s.effort)


def alerts(
    screens: list[Screen],
    stages: list[StageEvent],
    sessions: list,
    now: list[str],
    limit: int,
    cleared: Sequence[Clearance] = (),
) -> list[str]:
    """Everything a clinician must not miss, for the box at the top: the safety notice as it stands, every
    red-flag screen and safety stop in the period, the clinicians' clearances in the period (so a lifted stop
    does not read as standing), and sessions with pain high enough to contact the physio."""
    from backcare.domain.safety import contact_physio

    out = [line for line in now]
    for s in screens:
        if s.any_yes:
            items = "; ".join(BY_ID[q].text if q in BY_ID else q for q in s.flagged)
            kind = "Red flag" if s.current_flags else "Red-flag history"
            out.append(f"{kind} on {_day(s.day)}: {items}")
    for e in stages:
        if e.decision == "stop":  # its stored reasons are the notice the person was shown: the lines above say it
            out.append(f"Safety stop on {_day(e.day)}: exercises were paused until the safety answers allowed them.")
    for c in cleared:
        note = f" ({c.note})" if c.note else ""
        items = "; ".join(BY_ID[q].text if q in BY_ID else q for q in c.covers)
        out.append(f"Cleared by {c.by} on {_day(c.day)}{note}, for: {items}")
    high = [s for s in sessions if contact_physio(s.pain_during, limit)]
    if high:
        days = ", ".join(f"{_day(s.day)} ({s.pain_during}/10)" for s in high[-5:])
        more = f" and {len(high) - 5} earlier" if len(high) > 5 else ""
        out.append(f"Pain during exercise high enough to contact the physio: {days}{more}.")
    return out


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"
