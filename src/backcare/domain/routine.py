"""Routines as data: what a physio's (or the built-in) routine file means once validated."""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = ("mobility", "control", "strength")
SIDES = ("both", "each", "left", "right")
FORMAT = "backcare-routine/1"


@dataclass(frozen=True)
class Dose:
    sets: int = 1
    reps: int = 1
    hold_seconds: int | None = None
    side: str = "both"

    def describe(self) -> str:
        """'2 x 10', '3 x 5, hold 10s, each side', '10m' (one continuous hold or walk)."""
        if self.sets == 1 and self.reps == 1 and self.hold_seconds:
            text = format_seconds(self.hold_seconds)
        else:
            text = f"{self.sets} x {self.reps}"
            if self.hold_seconds:
                text += f", hold {format_seconds(self.hold_seconds)}"
        if self.side == "each":
            text += ", each side"
        elif self.side in ("left", "right"):
            text += f", {self.side} side"
        return text


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    category: str
    summary: str = ""
    steps: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    dose: Dose = field(default_factory=Dose)
    easier: str | None = None
    harder: str | None = None
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prescription:
    """One exercise in a stage, with the dose the routine sets."""

    exercise: str
    dose: Dose


@dataclass(frozen=True)
class Advance:
    sessions: int | None = None
    days: int | None = None
    max_pain_during: int | None = None
    manual: bool = False  # `advance: manual`: only a clinician moves the person on (backcare routine stage)


@dataclass(frozen=True)
class Settings:
    """The progression settings a physio can set for a routine (and override for a stage).

    The defaults follow the pain-monitoring model (Silbernagel et al. 2007) and are what a routine file
    without a `progression:` block gets, so older files behave as before.
    """

    pain_limit: int = 5  # acceptable pain during exercise, 0-10
    flare_above_usual: int = 2  # a flare: pain at least this much above the person's usual level ...
    flare_days: int = 2  # ... on this many days running
    flare_pain: int = 8  # ... or one day at this level or more (when it is also above usual by the margin)
    min_session_share: tuple[int, int] = (2, 3)  # the share of a session's exercises that makes it count
    break_days: int = 7  # this many days without a session is a break ...
    reentry_sessions: int = 2  # ... after which this many sessions come before any advance

    def counts(self, done: int, planned: int) -> bool:
        """Whether `done` of `planned` exercises is enough for a session to count."""
        num, den = self.min_session_share
        return done > 0 and done * den >= num * max(planned, 1)


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    exercises: tuple[Prescription, ...]
    advance: Advance | None = None
    settings: Settings | None = None  # this stage's own settings; None: the routine's


@dataclass(frozen=True)
class Routine:
    name: str
    stages: tuple[Stage, ...]
    author: str | None = None
    description: str | None = None
    per_week: int = 5
    topics: tuple[str, ...] = ()
    exercises: tuple[Exercise, ...] = ()  # custom exercises defined in the file
    settings: Settings = DEFAULT_SETTINGS

    def settings_for(self, stage_id: str) -> Settings:
        """The settings that apply in a stage: its own, else the routine's."""
        stage = self.stage(stage_id)
        return stage.settings if stage is not None and stage.settings is not None else self.settings

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def stage_index(self, stage_id: str) -> int:
        return next((i for i, s in enumerate(self.stages) if s.id == stage_id), 0)


def lighter(dose: Dose) -> Dose:
    """The same exercise, eased off after a flare-up: one set fewer and about a third fewer reps and seconds."""
    return Dose(
        sets=max(1, dose.sets - 1),
        reps=max(1, round(dose.reps * 2 / 3)),
        hold_seconds=_lighter_hold(dose.hold_seconds) if dose.hold_seconds else None,
        side=dose.side,
    )


def _lighter_hold(seconds: int) -> int:
    """Two thirds, rounded to what a clock shows: whole minutes from a minute up, else 5-second steps."""
    target = seconds * 2 / 3
    if target >= 60:
        return round(target / 60) * 60
    return min(seconds, max(5, round(target / 5) * 5))


def format_seconds(seconds: int) -> str:
    """90 -> '1m30s', 20 -> '20s', 60 -> '1m'."""
    minutes, secs = divmod(seconds, 60)
    if not minutes:
        return f"{secs}s"
    return f"{minutes}m{secs}s" if secs else f"{minutes}m"
