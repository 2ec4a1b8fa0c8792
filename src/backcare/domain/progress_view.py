"""Today's decision for the active routine as `routine show` and `routine why` give it (built by
services.routines.Progress, shown by render.routine, printed by `--json` through `as_dict`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from backcare.domain.dashboard import Stage
from backcare.domain.exercise_entry import TodaysExercise
from backcare.valueclass import frozen


@frozen
class ProgressView:
    routine: str
    decision: str
    stage: Stage | None
    from_stage: str | None
    easier: bool
    flare: bool
    reasons: list[str]
    pain_limit: int
    exercises: list[TodaysExercise]
    routine_note: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
