"""What the person did with their routine: sessions and stage changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.valueclass import frozen

DONE, PARTLY, SKIPPED = "done", "partly", "skipped"
STATUSES = (DONE, PARTLY, SKIPPED)
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "side", "text")


@frozen
class ExerciseRecord:
    """One exercise of a session: done, partly done or skipped, the sets done, and the dose prescribed then
    (sets, reps, hold_seconds, side and its text, as pairs; empty when not known, as in older records)."""

    id: str
    status: str
    sets_done: int | None = None
    dose: tuple[tuple[str, object], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "sets_done": self.sets_done, "dose": dict(self.dose) or None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExerciseRecord":
        dose = data.get("dose") or {}
        return cls(
            data["id"],
            data["status"],
            data.get("sets_done"),
            tuple((k, dose[k]) for k in DOSE_FIELDS if dose.get(k) is not None),
        )


@frozen
class Session:
    """One session, a record that is never overwritten: several a day are fine. `done` holds the exercises done
    fully or in part, `skipped` the others; `exercises` has the detail (empty in records from before it was
    kept: `records` then derives it from the two lists)."""

    day: date
    routine: str
    stage: str
    done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    pain_during: int | None = None
    effort: int | None = None
    started: str | None = None  # local time the session began (ISO 8601); None in records from before
    exercises: tuple[ExerciseRecord, ...] = ()
    id: int | None = None  # the store's number for it, once saved

    @classmethod
    def of(
        cls,
        day: date,
        routine: str,
        stage: str,
        exercises: tuple[ExerciseRecord, ...],
        pain_during: int | None = None,
        effort: int | None = None,
        started: str | None = None,
    ) -> "Session":
        done = tuple(e.id for e in exercises if e.status != SKIPPED)
        skipped = tuple(e.id for e in exercises if e.status == SKIPPED)
        return cls(day, routine, stage, done, skipped, pain_during, effort, started, tuple(exercises))

    @property
    def completed(self) -> bool:
        """A session counts when at least one exercise was done."""
        return bool(self.done)

    @property
    def records(self) -> tuple[ExerciseRecord, ...]:
        if self.exercises:
            return self.exercises
        return legacy_records(self.done, self.skipped)

    @property
    def partly(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.records if e.status == PARTLY)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "started": self.started,
            "routine": self.routine,
            "stage": self.stage,
            "done": list(self.done),
            "skipped": list(self.skipped),
            "exercises": [e.as_dict() for e in self.records],
            "pain_during": self.pain_during,
            "effort": self.effort,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        """From `as_dict` (or an export row); an older row with only `done` and `skipped` lists is read as one
        session of those exercises."""
        if data.get("exercises"):
            records = tuple(ExerciseRecord.from_dict(e) for e in data["exercises"])
        else:
            records = legacy_records(tuple(data.get("done") or ()), tuple(data.get("skipped") or ()))
        return cls.of(
            date.fromisoformat(data["date"]),
            data["routine"],
            data["stage"],
            records,
            data.get("pain_during"),
            data.get("effort"),
            data.get("started"),
        )


def legacy_records(done: tuple[str, ...], skipped: tuple[str, ...]) -> tuple[ExerciseRecord, ...]:
    """Exercise records for a session kept before sets were recorded: done or skipped, sets unknown."""
    return tuple(ExerciseRecord(i, DONE) for i in done) + tuple(ExerciseRecord(i, SKIPPED, 0) for i in skipped)


@frozen
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
