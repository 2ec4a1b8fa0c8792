"""The table of logged sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from backcare.render.console import console, shown

if TYPE_CHECKING:
    from backcare.domain.session_row import SessionRow


def show(rows: Sequence[SessionRow], days: int | None) -> None:
    out = console()
    if not rows:
        out.print("No sessions yet" + (f" in the last {days} days." if days else ".") + " Run: backcare session")
        return
    narrow = out.width < 80
    routines = sorted({r.session.routine for r in rows})
    title = "Sessions, newest first" if len(routines) > 1 else f"Sessions of {routines[0]}, newest first"
    table = Table(title=shown(title), title_justify="left", box=None, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    if not narrow:
        table.add_column("Time", no_wrap=True)
        table.add_column("Routine · stage" if len(routines) > 1 else "Stage")
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("Pain", justify="right", no_wrap=True)
    table.add_column("Counts", no_wrap=True)
    if not narrow:
        table.add_column("Why")
    for r in rows:
        s, partly = r.session, r.partly
        cells: list[str | Text] = [str(s.id), s.day.isoformat()]
        if not narrow:
            where = f"{s.routine} · {s.stage}" if len(routines) > 1 else s.stage
            cells += [(s.started or "")[11:16] or "-", shown(where)]
        cells.append(f"{r.done}/{len(s.records)}" + (f" ({partly} partly)" if partly else ""))
        cells.append("-" if s.pain_during is None else str(s.pain_during))
        cells.append("yes" if r.counts else "no")
        if not narrow:
            cells.append(shown(r.why))
        table.add_row(*cells)
    out.print(table)
