"""The check-in history table, in plain text (a daily command: no Rich, whose import and layout of a year of rows
cost more than the rest of the command).

The columns and words are those of the table it replaces: Date, Pain, Stiff, the other 0-10 scores, then Leg and
Medicines when any row has them, Tags and Note, with the caption that says what the optional scales mean. A
terminal narrower than 60 columns gets the date and the two main scores only. Medicines, tags and notes wrap
within their columns when the line would be wider than the terminal; when the terminal leaves them too little
room for that (MIN_WRAPPED cells each), they go under their day's row instead, one labelled line each. Nothing is
cut off and no line is wider than the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from backcare.domain.checkin import SCORES, CheckIn, scale
from backcare.domain.dates import human
from backcare.render.plain import GAP, MIN_WRAPPED, Out, lay_out
from backcare.render.plain import cells as _cells
from backcare.render.plain import wrap as _wrap
from backcare.textsafe import inert

INDENT = "    "  # the text fields under their day's row


def show(rows: list[CheckIn], days: int | None, out: Out | None = None) -> None:
    out = out or Out()
    if not rows:
        out.para("No check-ins yet" + (f" in the last {days} days." if days else ".") + " Run: backcare checkin")
        out.flush()
        return
    narrow = out.width < 60
    legs = not narrow and any(c.leg_pain is not None for c in rows)
    meds = not narrow and any(c.meds for c in rows)
    extra = SCORES[2:]  # the other 0-10 scores (sleep, stress ...), one column each
    # (header, right-aligned, wraps)
    columns: list[tuple[str, bool, bool]] = [("Date", False, False), ("Pain", True, False), ("Stiff", True, False)]
    if not narrow:
        columns += [(name.title(), True, False) for name in extra]
        columns += [("Leg", False, False)] if legs else []
        columns += [("Medicines", False, True)] if meds else []
        columns += [("Tags", False, True), ("Note", False, True)]
    table = []
    for c in rows:
        cells = [c.day.isoformat() if narrow else human(c.day), str(c.pain), str(c.stiffness)]
        if not narrow:
            cells += [_opt(getattr(c, name)) for name in extra]
            cells += [inert(_leg(c))] if legs else []
            cells += [inert(", ".join(c.meds))] if meds else []
            cells += [inert(", ".join(c.tags)), inert(c.note or "", newlines=True).expandtabs(8)]
        table.append(cells)
    out.row([("Check-ins, newest first", "")])
    if _fits_as_columns(table, columns, out.width):
        header, body = lay_out([h for h, _, _ in columns], table, columns, out.width)
    else:
        header, body = _under_each_row(table, columns, out.width)
    for line in header:
        out.lines.append(out.paint(line, "bold"))
    out.lines.extend(body)
    if not narrow:
        out.para(caption(legs), "dim")
    out.flush()


def _fits_as_columns(rows: Sequence[Sequence[str]], columns: Sequence[tuple[str, bool, bool]], room: int) -> bool:
    """Whether the wrapping columns keep at least MIN_WRAPPED cells each beside the others."""
    fixed = [i for i, (_, _, wraps) in enumerate(columns) if not wraps]
    used = sum(max(_cells(r[i]) for r in ([h for h, _, _ in columns], *rows)) for i in fixed)
    return used + len(GAP) * (len(columns) - 1) + MIN_WRAPPED * (len(columns) - len(fixed)) <= room


def _under_each_row(
    rows: Sequence[Sequence[str]], columns: Sequence[tuple[str, bool, bool]], room: int
) -> tuple[list[str], list[str]]:
    """The table without its wrapping columns, each row followed by those fields as labelled, wrapped lines."""
    fixed = [i for i, (_, _, wraps) in enumerate(columns) if not wraps]
    header, lines = lay_out(
        [columns[i][0] for i in fixed], [[r[i] for i in fixed] for r in rows], [columns[i] for i in fixed], room
    )
    body: list[str] = []
    for row, line in zip(rows, lines, strict=True):
        body.append(line)
        for i, (name, _, wraps) in enumerate(columns):
            if not wraps or not row[i]:
                continue
            label = f"{INDENT}{name}: "
            for n, part in enumerate(_wrap(row[i], max(room - len(label), 1))):
                body.append((label if n == 0 else " " * len(label)) + part)
    return header, body


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
