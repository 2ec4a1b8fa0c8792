"""Routines as data: what a physio's (or the built-in) routine file means once validated."""

from __future__ import annotations

from dataclasses import field
from datetime import date

from backcare.valueclass import frozen

# What kind of exercise a card is. Routine stages are a separate thing (the built-in routine's stages are
# mobility -> control -> strength); release and aerobic cards are used within any stage.
CATEGORIES = ("mobility", "control", "strength", "release", "aerobic")
POSITIONS = ("lying", "sitting", "standing", "kneeling", "all-fours", "side-lying")
# How a card's dose changes on an easier day after a flare-up: made lighter, or kept the same (breathing
# exercises calm a flare and are not made lighter).
FLARE_DOSES = ("lighter", "same")
SIDES = ("both", "each", "left", "right")
FORMAT = "backcare-routine/1"


MAX_DURATION = 3600  # seconds: a timed activity in a routine is at most an hour
MAX_REST = 600  # seconds between holds or sets


@frozen
class Dose:
    """What a physio prescribes for one exercise.

    Counted exercises have sets x reps (reps may be a range: reps..reps_max), optionally a hold per rep; timed
    activities (a walk, cycling) have a continuous `duration_seconds` instead. The rest are optional details:
    rest between holds and sets, target effort (RPE 0-10), tempo and load as written, and the physio's notes.
    """

    sets: int = 1
    reps: int = 1
    hold_seconds: int | None = None
    side: str = "both"
    reps_max: int | None = None  # reps is a range reps-reps_max ("8-12 reps")
    duration_seconds: int | None = None  # a timed activity, done once without a break
    rest_seconds: int | None = None
    rpe: int | None = None  # target effort, 0-10
    tempo: str | None = None  # as written, e.g. "3-1-1"
    load: str | None = None  # as written, e.g. "2 x 16 kg"
    notes: str | None = None  # the physio's instruction for this person

    @property
    def reps_text(self) -> str:
        """'10', or '8-12 reps' for a range."""
        return f"{self.reps}-{self.reps_max} reps" if self.reps_max else str(self.reps)

    def describe(self) -> str:
        """'2 x 10', '3 x 8-12 reps, hold 10s, each side', '20 min' (a timed activity, once through).

        Detail follows: ', rest 60s', ', effort 7/10', ', tempo 3-1-1', ', 2 x 16 kg'. Notes are not part of it
        (they are shown on their own)."""
        if self.duration_seconds:
            text = format_duration(self.duration_seconds)
            if self.sets > 1:
                text = f"{self.sets} x {text}"
        elif self.sets == 1 and self.reps == 1 and not self.reps_max and self.hold_seconds:
            text = format_seconds(self.hold_seconds)
        else:
            text = f"{self.sets} x {self.reps_text}"
            if self.hold_seconds:
                text += f", hold {format_seconds(self.hold_seconds)}"
        if self.side == "each":
            text += ", each side"
        elif self.side in ("left", "right"):
            text += f", {self.side} side"
        if self.load:
            text += f", {self.load}"
        if self.tempo:
            text += f", tempo {self.tempo}"
        if self.rpe is not None:
            text += f", effort {self.rpe}/10"
        if self.rest_seconds:
            text += f", rest {format_seconds(self.rest_seconds)}"
        return text


@frozen
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
    position: str | None = None
    tags: tuple[str, ...] = ()
    flare_dose: str = "lighter"


@frozen
class Prescription:
    """One exercise in a stage, with the dose the routine sets."""

    exercise: str
    dose: Dose


@frozen
class Advance:
    sessions: int | None = None
    days: int | None = None
    max_pain_during: int | None = None
    manual: bool = False  # `advance: manual`: only a clinician moves the person on (backcare routine stage)


@frozen
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


@frozen
class Stage:
    id: str
    name: str
    exercises: tuple[Prescription, ...]
    advance: Advance | None = None
    settings: Settings | None = None  # this stage's own settings; None: the routine's


@frozen
class Routine:
    name: str
    stages: tuple[Stage, ...]
    author: str | None = None
    description: str | None = None
    per_week: int = 5
    topics: tuple[str, ...] = ()
    exercises: tuple[Exercise, ...] = ()  # custom exercises defined in the file
    settings: Settings = DEFAULT_SETTINGS
    review_date: date | None = None  # when the physio wants to see the person again (shown on the hand-out)
    images: tuple[tuple[str, str], ...] = ()  # (exercise id, picture path relative to the routine file)
    measures: tuple[tuple[str, int | None], ...] = ()  # outcome measures to take: (id, every N days or None)
    leg_symptoms: bool = False  # the physio wants leg pain asked at every check-in (sciatica-type symptoms)

    def settings_for(self, stage_id: str) -> Settings:
        """The settings that apply in a stage: its own, else the routine's."""
        stage = self.stage(stage_id)
        return stage.settings if stage is not None and stage.settings is not None else self.settings

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def stage_index(self, stage_id: str) -> int:
        return next((i for i, s in enumerate(self.stages) if s.id == stage_id), 0)


def lighter(dose: Dose, exercise: Exercise | None = None) -> Dose:
    """The same exercise, eased off after a flare-up: one set fewer and about a third fewer reps and seconds
    (a timed activity: about a third shorter). Rest, tempo, load and notes stay; a target effort drops by 2.
    An exercise whose card says `flare_dose: same` (such as breathing) keeps its dose."""
    from dataclasses import replace

    if exercise is not None and exercise.flare_dose == "same":
        return dose
    reps = max(1, round(dose.reps * 2 / 3))
    reps_max = max(reps, round(dose.reps_max * 2 / 3)) if dose.reps_max else None
    return replace(
        dose,
        sets=max(1, dose.sets - 1),
        reps=reps,
        reps_max=reps_max if reps_max and reps_max > reps else None,
        hold_seconds=_lighter_hold(dose.hold_seconds) if dose.hold_seconds else None,
        duration_seconds=_lighter_hold(dose.duration_seconds) if dose.duration_seconds else None,
        rpe=max(0, dose.rpe - 2) if dose.rpe is not None else None,
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


def format_duration(seconds: int) -> str:
    """A timed activity's length as people say it: 600 -> '10 min', 90 -> '1 min 30 s', 45 -> '45 s'."""
    minutes, secs = divmod(seconds, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"
