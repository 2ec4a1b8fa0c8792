"""The table of logged sessions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from backcare.render.console import console, shown


def show(rows: list[dict], days: int | None) -> None:
    out = console()
    if not rows:
        out.print("No sessions yet" + (f" in the last {days} days." if days else ".") + " Run: backcare session")
        return
    narrow = out.width < 80
    routines = sorted({r["routine"] for r in rows})
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
        done = sum(1 for e in r["exercises"] if e["status"] != "skipped")
        partly = sum(1 for e in r["exercises"] if e["status"] == "partly")
        cells: list[str | Text] = [str(r["id"]), r["date"]]
        if not narrow:
            where = f"{r['routine']} · {r['stage']}" if len(routines) > 1 else r["stage"]
            cells += [(r["started"] or "")[11:16] or "-", shown(where)]
        cells.append(f"{done}/{len(r['exercises'])}" + (f" ({partly} partly)" if partly else ""))
        cells.append("-" if r["pain_during"] is None else str(r["pain_during"]))
        cells.append("yes" if r["counts"] else "no")
        if not narrow:
            cells.append(shown(r["why"]))
        table.add_row(*cells)
    out.print(table)
