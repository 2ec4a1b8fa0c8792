"""The clinician report as plain data: the trend plus stage history, flare-ups, safety screens and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcare.domain import flares as fl
from backcare.domain.progress import StageEvent
from backcare.domain.safety import BY_ID, Clearance, Screen, notice
from backcare.services import safety, trends
from backcare.store import Store

MAX_FLARES = 12  # the most recent ones are listed; long periods would otherwise fill pages
MAX_NOTES = 40
MAX_CLEAR_SCREENS = 6  # red-flag screens are always all listed


@dataclass(frozen=True)
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
    measures: list = field(default_factory=list)  # outcome measures taken in the period (services.measures)

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
            "measures": [m.as_dict() for m in self.measures],
        }


def screen_dict(s: Screen) -> dict:
    return {
        "date": s.day.isoformat(),
        "result": "red flag" if s.any_yes else "all clear",
        "flagged": [{"id": q, "text": BY_ID[q].text if q in BY_ID else q} for q in s.flagged],
    }


def clearance_dict(c: Clearance) -> dict:
    return {"date": c.day.isoformat(), "by": c.by, "note": c.note, "covers": list(c.covers)}


def build(store: Store, today: date, days: int | None = trends.DEFAULT_DAYS) -> Report:
    t = trends.build(store, today, days)
    start, end = t.start, t.end
    history = store.stage_history()
    before = [e for e in history if e.day < start and e.decision != "hold"]
    stages = [e for e in history if start <= e.day <= end]
    all_screens = store.screens()
    screens = [s for s in all_screens if start <= s.day <= end]
    earlier = [s for s in all_screens if s.day < start]
    return Report(
        generated=today,
        trend=t,
        stage_before=before[-1] if before else None,
        stages=stages,
        flares=t.flares,
        screen_before=earlier[-1] if earlier and not screens else None,
        screens=screens,
        notes=[(c.day, c.note) for c in t.checkins if c.note],
        safety_now=notice(safety.current(store, today)),
        clearances=store.clearances(),
        profile=store.profile(),
        measures=_measures(store, start, end),
    )


def _measures(store: Store, start: date, end: date) -> list:
    from backcare.services.measures import report_lines

    return report_lines(store, start, end)
