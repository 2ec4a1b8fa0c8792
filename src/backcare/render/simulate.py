"""The simulator's day-by-day replay as readable text (plain output that wraps to any terminal width)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from backcare.messages import DECISION_LABELS
from backcare.render.plain import Out

if TYPE_CHECKING:
    from backcare.domain.course import SimulatedDay

STYLES = {"advance": "green", "step_back": "yellow", "stop": "bold red"}


def show_simulation(routine: str, days: Sequence[SimulatedDay]) -> None:
    out = Out()
    out.para(
        _visible(f"Simulated course through {routine!r}: {days[0].date} to {days[-1].date} ({len(days)} days)."),
        "bold",
    )
    previous = None
    for day in days:
        weekday = f"{date.fromisoformat(day.date):%a}"
        label = DECISION_LABELS.get(day.decision, day.decision)
        out.para("")
        out.para(
            _visible(f"{day.date} {weekday}  {label} ({day.decision}) · stage {day.stage}"),
            STYLES.get(day.decision, "bold"),
        )
        for note in day.notes:
            _indented(out, note, "  ", "  ", "dim")
        if (day.decision, day.stage, day.reasons) == previous:
            _indented(out, "(same reasons as the day before)", "  ", "  ")
        else:
            for reason in day.reasons:
                _indented(out, reason, "  - ", "    ")
        previous = (day.decision, day.stage, day.reasons)
    out.para("")
    for decision in ("advance", "step_back", "stop"):
        when = [d.date for d in days if d.decision == decision]
        if when:
            out.para(f"{DECISION_LABELS.get(decision, decision)} ({decision}) on: {', '.join(when)}")
    final = days[-1]
    out.para(_visible(f"At the end: stage {final.stage}."))
    out.flush()


def _indented(out: Out, text: str, first: str, rest: str, style: str = "") -> None:
    import textwrap

    width = max(out.width, len(first) + 10)
    for line in textwrap.wrap(_visible(text), width, initial_indent=first, subsequent_indent=rest):
        out.lines.append(out.paint(line, style))


def _visible(text: str) -> str:
    """Text from a routine file, made safe for a terminal: control and bidi characters shown as escapes."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
