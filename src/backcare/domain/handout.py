"""A routine as a patient hand-out, in plain words: doses people read without a physio beside them."""

from __future__ import annotations

from backcare.domain.routine import Dose
from backcare.valueclass import frozen


def duration_words(seconds: int) -> str:
    """20 -> '20 seconds', 60 -> '1 minute', 90 -> '1 minute 30 seconds', 600 -> '10 minutes'."""
    minutes, secs = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("" if minutes == 1 else "s"))
    if secs or not minutes:
        parts.append(f"{secs} second" + ("" if secs == 1 else "s"))
    return " ".join(parts)


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _length(seconds: int) -> str:
    """'10 min' for whole minutes, else '1 minute 30 seconds'."""
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min" if minutes and not secs else duration_words(seconds)


def plain_dose(dose: Dose, category: str | None = None, name: str = "") -> str:
    """The dose as a person would say it: '2 sets of 10', 'hold 20 seconds, 3 times, each side',
    '10 min walk' (one continuous spell of a timed activity), then any load, tempo, effort and rest."""
    reps = f"{dose.reps}-{dose.reps_max}" if dose.reps_max else str(dose.reps)
    what = name.split()[-1].lower() if name.split() else ""
    if dose.duration_seconds and category != "aerobic":  # a timed hold such as a plank
        text = f"hold {duration_words(dose.duration_seconds)}"
        if dose.sets > 1:
            text += f", {times(dose.sets)}"
    elif dose.duration_seconds:
        text = f"{_length(dose.duration_seconds)} {what}".strip()
        if dose.sets > 1:
            text = f"{times(dose.sets)}: {text}"
    elif dose.sets == 1 and dose.reps == 1 and not dose.reps_max and dose.hold_seconds:
        if category == "aerobic":
            text = f"{_length(dose.hold_seconds)} {what}".strip()
        else:
            text = f"hold {duration_words(dose.hold_seconds)}"
    elif dose.hold_seconds:
        text = f"hold {duration_words(dose.hold_seconds)}, {times(dose.reps) if not dose.reps_max else reps + ' times'}"
        if dose.sets > 1:
            text += f", {dose.sets} sets"
    elif dose.sets == 1:
        text = f"{reps} time" + ("" if reps == "1" else "s")
    else:
        text = f"{dose.sets} sets of {reps}"
    if dose.side == "each":
        text += ", each side"
    elif dose.side in ("left", "right"):
        text += f", {dose.side} side only"
    if dose.load:
        text += f", with {dose.load}"
    if dose.tempo:
        text += f", tempo {dose.tempo}"
    if dose.rpe is not None:
        text += f", effort about {dose.rpe} out of 10"
    if dose.rest_seconds:
        text += f", rest {duration_words(dose.rest_seconds)} between"
    return text


@frozen
class HandoutCard:
    """One exercise of a stage as the hand-out prints it."""

    id: str
    name: str
    dose: str  # in plain words
    summary: str
    steps: list[str]
    cues: list[str]
    cautions: list[str]
    equipment: list[str]
    note: str | None  # the physio's note for this person
    image: str | None  # the picture as a data: URI


@frozen
class HandoutStage:
    id: str
    name: str
    number: int  # 1-based
    current: bool  # the stage the person is at
    pain_limit: int
    exercises: list[HandoutCard]


@frozen
class Handout:
    """The hand-out of a routine: one or more stages (built by services.handout, printed by render.handout_*)."""

    safety_title: str  # '' when no safety stop stands
    safety: list[str]  # the safety notice's lines while exercises are stopped
    title: str
    author: str | None
    description: str | None
    review_date: str | None  # YYYY-MM-DD
    per_week: int
    pain_limit: int
    who: str  # whose hand-out ('' when no profile is set)
    generated: str  # YYYY-MM-DD
    stage_count: int
    stages: list[HandoutStage]
