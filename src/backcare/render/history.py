"""The check-in history table."""

from __future__ import annotations

from rich.table import Table

from backcare.domain.checkin import SCORES, CheckIn, scale
from backcare.domain.dates import human
from backcare.render.console import console, shown


def show(rows: list[CheckIn], days: int | None) -> None:
    out = console()
    if not rows:
        out.print("No check-ins yet" + (f" in the last {days} days." if days else ".") + " Run: backcare checkin")
        return
    narrow = out.width < 60
    legs = not narrow and any(c.leg_pain is not None for c in rows)
    meds = not narrow and any(c.meds for c in rows)
    table = Table(title="Check-ins, newest first", title_justify="left", box=None, pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Pain", justify="right")
    table.add_column("Stiff", justify="right")
    extra = SCORES[2:]  # the other 0-10 scores (sleep, stress ...), one column each
    if not narrow:
        for name in extra:
            table.add_column(name.title(), justify="right")
        if legs:
            table.add_column("Leg", no_wrap=True)
        if meds:
            table.add_column("Medicines")
        table.add_column("Tags")
        table.add_column("Note", overflow="fold")
        table.caption = caption(legs)
        table.caption_justify = "left"
    for c in rows:
        cells: list = [c.day.isoformat() if narrow else human(c.day), str(c.pain), str(c.stiffness)]
        if not narrow:
            cells += [_opt(getattr(c, name)) for name in extra]
            if legs:
                cells.append(_leg(c))
            if meds:
                cells.append(shown(", ".join(c.meds)))
            cells += [shown(", ".join(c.tags)), shown(c.note or "", newlines=True)]
        table.add_row(*cells, end_section=False)
    out.print(table)


def caption(legs: bool = False) -> str:
    """What the optional scales mean: sleep is the one where 10 is good."""
    parts = [f"{name.replace('_', ' ')} {scale(name)}" for name in SCORES[2:]]  # each column's scale
    parts[0] = parts[0][0].upper() + parts[0][1:]
    if legs:
        parts.append(f"leg pain {scale('leg_pain')}")
    return "; ".join(parts) + "."


def _leg(c: CheckIn) -> str:
    if c.leg_pain is None:
        return "-"
    return f"{c.leg_pain} {c.leg_side}" if c.leg_side else str(c.leg_pain)


def _opt(value: int | None) -> str:
    return "-" if value is None else str(value)
