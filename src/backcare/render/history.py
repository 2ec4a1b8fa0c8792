"""The check-in history table."""

from __future__ import annotations

from rich.table import Table

from backcare.domain.checkin import SCORES, CheckIn
from backcare.domain.dates import human
from backcare.render.console import console, shown


def show(rows: list[CheckIn], days: int | None) -> None:
    out = console()
    if not rows:
        out.print("No check-ins yet" + (f" in the last {days} days." if days else ".") + " Run: backcare checkin")
        return
    narrow = out.width < 60
    table = Table(title="Check-ins, newest first", title_justify="left", box=None, pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Pain", justify="right")
    table.add_column("Stiff", justify="right")
    extra = SCORES[2:]  # the other 0-10 scores (sleep, stress ...), one column each
    if not narrow:
        for name in extra:
            table.add_column(name.title(), justify="right")
        table.add_column("Tags")
        table.add_column("Note", overflow="fold")
    for c in rows:
        cells: list = [c.day.isoformat() if narrow else human(c.day), str(c.pain), str(c.stiffness)]
        if not narrow:
            cells += [_opt(getattr(c, name)) for name in extra]
            cells += [shown(", ".join(c.tags)), shown(c.note or "", newlines=True)]
        table.add_row(*cells, end_section=False)
    out.print(table)


def _opt(value: int | None) -> str:
    return "-" if value is None else str(value)
