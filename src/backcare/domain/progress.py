"""What the person did with their routine: sessions and stage changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Session:
    day: date
    routine: str
    stage: str
    done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    pain_during: int | None = None
    effort: int | None = None

    @property
    def completed(self) -> bool:
        """A session counts when at least one exercise was done."""
        return bool(self.done)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "routine": self.routine,
            "stage": self.stage,
            "done": list(self.done),
            "skipped": list(self.skipped),
            "pain_during": self.pain_during,
            "effort": self.effort,
        }


@dataclass(frozen=True)
class StageEvent:
    """An entry in the stage history: the stage a routine is in from `day`, and why."""

    routine: str
    day: date
    stage: str
    decision: str  # start | advance | hold | step_back | stop | manual
    reasons: tuple[str, ...] = ()
    manual: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "routine": self.routine,
            "date": self.day.isoformat(),
            "stage": self.stage,
            "decision": self.decision,
            "reasons": list(self.reasons),
            "manual": self.manual,
        }
