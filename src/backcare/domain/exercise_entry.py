"""One exercise as the commands show it: its description with the day's dose (built by services.routines, shown by
render.routine and render.dashboard, printed by `--json` through `as_dict`)."""

from __future__ import annotations

from dataclasses import asdict, field
from typing import Any

from backcare.valueclass import frozen


@frozen
class ExerciseEntry:
    id: str
    name: str
    category: str
    sets: int
    reps: int
    hold_seconds: int | None
    side: str
    reps_max: int | None
    duration_seconds: int | None
    rest_seconds: int | None
    rpe: int | None
    tempo: str | None
    load: str | None
    notes: str | None  # the physio's own words
    dose: str  # the dose in words
    summary: str
    steps: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    position: str | None = None
    easier_version_of: str | None = None  # the exercise this easier one stands in for today

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@frozen
class TodaysExercise(ExerciseEntry):
    """One of the day's exercises; `lighter` when a flare-up lowered its dose (no easier variant to swap in)."""

    lighter: bool = False


@frozen
class LibraryExercise(ExerciseEntry):
    """An exercise of the bundled library with the ids of its easier and harder variants."""

    easier: str | None = None
    harder: str | None = None
