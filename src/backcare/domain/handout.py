"""A routine as a patient hand-out, in plain words: doses people read without a physio beside them."""

from __future__ import annotations

from backcare.domain.routine import Dose


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


def plain_dose(dose: Dose, category: str | None = None, name: str = "") -> str:
    """The dose as a person would say it: '2 sets of 10', 'hold 20 seconds, 3 times, each side',
    '10 min walk' (one continuous spell of an aerobic exercise)."""
    if dose.sets == 1 and dose.reps == 1 and dose.hold_seconds:
        if category == "aerobic":
            minutes, secs = divmod(dose.hold_seconds, 60)
            what = name.split()[-1].lower() if name.split() else ""
            length = f"{minutes} min" if minutes and not secs else duration_words(dose.hold_seconds)
            text = f"{length} {what}".strip()
        else:
            text = f"hold {duration_words(dose.hold_seconds)}"
    elif dose.hold_seconds:
        text = f"hold {duration_words(dose.hold_seconds)}, {times(dose.reps)}"
        if dose.sets > 1:
            text += f", {dose.sets} sets"
    elif dose.sets == 1:
        text = f"{dose.reps} time" + ("" if dose.reps == 1 else "s")
    else:
        text = f"{dose.sets} sets of {dose.reps}"
    if dose.side == "each":
        text += ", each side"
    elif dose.side in ("left", "right"):
        text += f", {dose.side} side only"
    return text
