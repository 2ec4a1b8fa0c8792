"""`routine show` and `routine why`: the day's decision, its reasons and today's exercises, in plain lines with
ANSI styles (render/plain.py), without Rich: the same words and columns as the Rich layout they replace.

Names, doses, reasons and descriptions can come from a physio's file or an import: every piece goes through
`backcare.textsafe.inert` (controls made visible) before it is laid out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backcare.messages import DECISION_LABELS
from backcare.render.plain import Out, eased_label, lay_out, styled, wrap
from backcare.textsafe import inert

if TYPE_CHECKING:
    from backcare.domain.exercise_entry import TodaysExercise
    from backcare.domain.progress_view import ProgressView


def show_progress(
    view: ProgressView,
    *,
    description: str | None = None,
    title: str | None = None,
    exercises: bool = True,
    next_step: str | None = None,
    out: Out | None = None,
) -> None:
    """The day's decision, its reasons and (unless `exercises` is False) the exercises it gives; then `next_step`
    (what to run next), wrapped to the terminal like the rest."""
    out = out or Out()
    if view.routine_note:
        out.para(view.routine_note, "yellow")
    stage = view.stage
    heading = title or view.routine
    runs = [(inert(heading), True), (inert(f" · stage: {stage.name}" if stage else ""), False)]
    out.lines.extend(styled(out, runs, out.width))
    for line in (description or "").strip().split("\n"):
        if line.strip():
            out.lines.extend(wrap(inert(line), out.width))
    style = {"advance": "green", "step_back": "yellow", "stop": "bold red"}.get(view.decision, "") or "bold"
    label = DECISION_LABELS.get(view.decision, view.decision)
    out.lines.extend(out.paint(line, style) for line in wrap(inert(f"{label}:"), out.width))
    for reason in view.reasons:
        lead = "  • "
        for n, line in enumerate(wrap(inert(reason), max(out.width - len(lead), 10))):
            out.lines.append((lead if n == 0 else " " * len(lead)) + line)
    if exercises and view.exercises:
        exercise_lines(out, view.exercises)
    if next_step:
        out.lines.extend(wrap(next_step, out.width))
    out.flush()


def exercise_lines(out: Out, exercises: Sequence[TodaysExercise]) -> None:
    """Today's exercises as a table: number, name, dose and (on a terminal of 60 columns or more) what it is;
    the physio's own note for an exercise under its last column."""
    narrow = out.width < 60
    columns = [("#", True, False), ("Exercise", False, True), ("Dose", False, True)]
    columns += [] if narrow else [("What it is", False, True)]
    rows = []
    for n, ex in enumerate(exercises, start=1):
        row = [str(n), inert(ex.name + eased_label(ex)), inert(ex.dose)]
        row += [] if narrow else [inert(ex.summary)]
        if ex.notes:  # the physio's own words: shown as written, controls made visible
            row[-1] += "\n" + inert(f"From your physio: {ex.notes}", newlines=True)
        rows.append(row)
    out.lines.append(out.paint("Today's exercises", "italic"))
    header, body = lay_out([name for name, _, _ in columns], rows, columns, out.width)
    out.lines.extend(out.paint(line, "bold") for line in header)
    out.lines.extend(body)
