"""Trends: the store's check-ins and sessions turned into the statistics `trend` and `report` show."""

from __future__ import annotations

from dataclasses import field
from datetime import date, timedelta

from backcare.domain import flares as fl
from backcare.domain import trends as tr
from backcare.domain.checkin import CheckIn
from backcare.domain.routine import Routine
from backcare.store import Store
from backcare.valueclass import frozen

DEFAULT_DAYS = tr.DEFAULT_DAYS
ALL_MAX_DAYS = 7305  # --all shows at most the last 20 years (a check-in dated 0026 by a typo must not mean 2000)


@frozen
class RoutineInfo:
    name: str | None
    per_week: int
    started: date | None
    routine: Routine | None = None

    def stage_name(self, stage_id: str) -> str:
        stage = self.routine.stage(stage_id) if self.routine else None
        return stage.name if stage else stage_id


def routine_info(store: Store) -> RoutineInfo:
    """The active routine's name, sessions a week and start date."""
    from backcare.services.routines import active_routine

    active = active_routine(store)
    return RoutineInfo(active.name, active.routine.per_week, active.started, active.routine)


@frozen
class Trend:
    start: date
    end: date
    days: list[tr.Day]
    checkins: list[CheckIn]  # inside [start, end], oldest first
    routine: RoutineInfo
    earlier: date | None  # the first check-in, when it is before the period --all could show
    baseline: tr.Window | None
    recent: tr.Window | None
    changes: dict[str, tr.Change]
    weeks: list[tr.Week]
    adherence: tr.Adherence
    tags: list[tr.TagEffect]
    flares: list[fl.Flare]  # flare-ups that touch the period, by the routine's flare rule
    flare_rule: fl.Rule
    scores: dict[str, tr.ScoreSummary] = field(default_factory=dict)  # sleep, stress, leg pain
    associations: list[tr.ScoreAssociation] = field(default_factory=list)  # pain on high vs low score days
    from_first: bool = False  # the default window starts at the first check-in (under DEFAULT_DAYS of diary)
    medicines: tr.MedicineDays | None = None  # days with any medicine, and by name
    last_before: date | None = None  # the newest check-in, when the period has none but earlier days do

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict:
        r = self.routine
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.n_days,
            "checkins": len(self.checkins),
            "earlier_checkins_from": self.earlier.isoformat() if self.earlier else None,
            "last_checkin_before": self.last_before.isoformat() if self.last_before else None,
            "routine": {
                "name": r.name,
                "per_week": r.per_week,
                "started": r.started.isoformat() if r.started else None,
            },
            "series": [d.as_dict() for d in self.days],
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "recent": self.recent.as_dict() if self.recent else None,
            "change": {m: c.as_dict() for m, c in self.changes.items()},
            "mcid": tr.mcid_note(),
            "adherence": {**self.adherence.as_dict(), "weeks": [_week_adherence(w) for w in self.weeks]},
            "tags": [t.as_dict() for t in self.tags],
            "weeks": [w.as_dict() for w in self.weeks],
            "flares": [f.as_dict() for f in self.flares],
            "from_first_checkin": self.from_first,
            # Daily scores besides pain and stiffness, by name, and the days with any medicine
            "daily": {
                **{name: summary.as_dict() for name, summary in self.scores.items()},
                **({"medicines": self.medicines.as_dict()} if self.medicines else {}),
            },
            "associations": {
                "rule": tr.ASSOCIATION_RULE,
                "tags": [t.as_dict() for t in self.tags],
                "scores": [a.as_dict() for a in self.associations],
            },
        }


def build(store: Store, today: date, days: int | None = DEFAULT_DAYS, *, from_first: bool = False) -> Trend:
    """The trend over the last `days` days (None: everything); `from_first`: start at the first check-in when
    that is more recent (the default window, tr.default_start)."""
    end = today
    earliest = date.min + timedelta(days=2 * tr.WINDOW)  # room for the 7-day window and the week's Monday
    earlier = None
    if from_first and days is not None:
        oldest = store.checkins(until=end, limit=1)
        started = tr.default_start(oldest[0].day if oldest else None, end, days)
        from_first = started > end - timedelta(days=days - 1)
        days = (end - started).days + 1
    if days is None:  # everything since the first check-in, up to ALL_MAX_DAYS
        oldest = store.checkins(until=end, limit=1)  # only the first row: the rest is read for the window shown
        first = oldest[0].day if oldest else end
        span = min(ALL_MAX_DAYS, max(1, (end - earliest).days + 1))
        start = max(first, end - timedelta(days=span - 1))
        if first < start:
            earlier = first
        rows = store.checkins(since=max(first, start - timedelta(days=tr.WINDOW - 1)), until=end)
    else:
        start = end - timedelta(days=min(days, max(1, (end - earliest).days + 1)) - 1)
        rows = store.checkins(since=start - timedelta(days=tr.WINDOW - 1), until=end)
    inside = [c for c in rows if c.day >= start]
    routine = routine_info(store)
    session_days = store.completed_session_days(since=start)
    plan_start = routine.started
    if plan_start is None:
        plan_start = next((d for d in session_days if d <= end), None)
    paused = paused_days(store, routine.name, start, end)
    week_rows = tr.weeks(
        inside, session_days, start, end, per_week=routine.per_week, plan_start=plan_start, paused=paused
    )
    baseline, recent = tr.baseline_and_recent(inside, routine.started)
    changes = {m: tr.compare(baseline, recent, m) for m in tr.METRICS}
    rule = fl.Rule.of(routine.routine.settings) if routine.routine else fl.DEFAULT_RULE
    flares = flare_ups(store, start, end, rule)
    return Trend(
        start,
        end,
        tr.series(rows, start, end),
        inside,
        routine,
        earlier,
        baseline,
        recent,
        changes,
        week_rows,
        tr.adherence(week_rows, routine.per_week),
        tr.tag_effects(inside),
        flares,
        rule,
        {name: tr.score_summary(inside, name) for name in tr.SCORES},
        tr.score_associations(inside, tr.ASSOCIATED),
        from_first,
        tr.medicine_days(inside),
        _last_before(store, inside, start),
    )


def paused_days(store: Store, routine: str | None, start: date, end: date) -> frozenset[date]:
    """Days in [start, end] when the routine was paused for safety (no exercises offered), from its kept
    day decisions."""
    from backcare.domain.progression import is_engine_event

    if routine is None:
        return frozenset()
    decisions = [(e.day, e.decision) for e in store.stage_history(routine) if is_engine_event(e) and e.day <= end]
    return tr.paused_days(decisions, start, end)


def _last_before(store: Store, inside: list[CheckIn], start: date) -> date | None:
    """The newest check-in when the period has none but there are earlier ones (a person back after a break)."""
    if inside:
        return None
    newest = store.latest_checkins(limit=1)
    return newest[0].day if newest and newest[0].day < start else None


def flare_ups(store: Store, start: date, end: date, rule: fl.Rule) -> list[fl.Flare]:
    """Flare-ups that touch [start, end]; the usual level they are measured against looks back before start."""
    lead = timedelta(days=3 * fl.USUAL_WINDOW_DAYS)
    earliest = date.min + lead
    rows = store.checkins(since=max(start, earliest) - lead, until=end)
    return [f for f in fl.episodes(rows, rule) if f.last >= start]


def _week_adherence(w: tr.Week) -> dict:
    return {"week": w.label, "done": w.sessions, "planned": w.planned}
