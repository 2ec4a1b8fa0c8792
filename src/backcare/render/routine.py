"""Routine, progression and exercise cards.

Names, doses, reasons and descriptions can come from a physio's file or an import: they are shown with
`shown()`/`joined()` (literal text, controls made visible), never as Rich markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backcare.messages import DECISION_LABELS
from backcare.render.console import console, shown

if TYPE_CHECKING:
    from backcare.domain.education import RelatedTopic
    from backcare.domain.exercise_entry import ExerciseEntry, LibraryExercise
    from backcare.domain.progress import StageEvent
    from backcare.domain.routine_rows import RoutineRow, RoutineVersion


def decision_label(decision: str) -> str:
    return DECISION_LABELS.get(decision, decision)


def exercise_card(ex: ExerciseEntry, n: int, total: int, topic: RelatedTopic | None = None) -> Panel:
    parts: list = [shown(ex.summary, style="italic")] if ex.summary else []
    parts.append(shown(f"Dose: {ex.dose}", style="bold"))
    if ex.notes:
        parts.append(shown(f"From your physio: {ex.notes}", style="cyan", newlines=True))
    if ex.steps:
        parts.append(Text("How to:", style="bold"))
        parts += [shown(f" {i}. {step}") for i, step in enumerate(ex.steps, start=1)]
    if ex.cues:
        parts.append(shown("Cues: " + " · ".join(ex.cues)))
    if ex.mistakes:
        parts.append(shown("Avoid: " + " · ".join(ex.mistakes)))
    if ex.cautions:
        parts.append(shown("Careful: " + " · ".join(ex.cautions), style="yellow"))
    if topic:
        parts.append(shown(f"Read more: backcare learn {topic.id} ({topic.title})", style="dim"))
    return Panel(Group(*parts), title=shown(f"[{n}/{total}] {ex.name}"), title_align="left")


def show_routine_list(rows: Sequence[RoutineRow]) -> None:
    out = console()
    for r in rows:
        mark = "*" if r.active else " "
        where = "built in" if r.builtin else f"imported {(r.imported_at or '')[:10]}"
        out.print(shown(f"{mark} {r.name} ({where})"))


def show_history(events: Sequence[StageEvent]) -> None:
    out = console()
    table = Table(title="Stage history", title_justify="left", box=None, pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Stage")
    table.add_column("Decision")
    table.add_column("Why", overflow="fold")
    for e in events:
        table.add_row(
            shown(e.day.isoformat()), shown(e.stage), shown(decision_label(e.decision)), shown(" ".join(e.reasons))
        )
    out.print(table)


def show_library(rows: Sequence[LibraryExercise]) -> None:
    out = console()
    table = Table(title="Exercise library", title_justify="left", box=None, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("Name")
    table.add_column("Category")
    table.add_column("Default dose")
    for r in rows:
        table.add_row(shown(r.id), shown(r.name), shown(r.category), shown(r.dose))
    out.print(table)


def show_versions(name: str, rows: Sequence[RoutineVersion]) -> None:
    """The kept versions of a routine, one line each (narrow-terminal safe: no table columns)."""
    out = console()
    out.print(Text(f"Versions of {name!r} (oldest first):"))
    for r in rows:
        mark = "*" if r.current else " "
        when = "built in" if r.builtin else f"imported {(r.imported_at or '')[:10]}"
        stages = ", ".join(s.id for s in r.stages) or "none"
        line = f"{mark} {r.version}  {when}  stages: {stages}"
        if r.origin:
            line += f"  from {r.origin}"
        out.print(shown(line), overflow="fold")  # the origin may come from an import
    out.print(Text("* = current. Write one out with: backcare routine export NAME --version N"))
