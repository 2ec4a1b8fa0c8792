"""Plain terminal output for the daily commands: ANSI colour when wanted, no Rich (its import costs ~20 ms).

Every piece of text given to `Out` or `table_lines` goes through `backcare.textsafe.inert` first, so a note, tag
or name can never put its own control sequence on the terminal; the only escapes written are Out's own colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backcare.textsafe import inert

if TYPE_CHECKING:
    from backcare.domain.exercise_entry import TodaysExercise


class Out:
    """Plain terminal output with optional ANSI colour, without Rich (its import alone is ~15-20 ms).

    Colour follows the usual conventions: NO_COLOR (any value) turns it off, FORCE_COLOR turns it on, TERM=dumb
    and pipes get none. The width comes from COLUMNS or the terminal (80 when piped).
    """

    SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}

    def __init__(self, stream=None):
        import os
        import shutil
        import sys

        self.stream = stream or sys.stdout
        self.width = max(20, shutil.get_terminal_size((80, 24)).columns)
        env = os.environ
        if env.get("NO_COLOR"):
            self.colour = False
        elif env.get("FORCE_COLOR"):
            self.colour = True
        elif env.get("TERM") == "dumb":
            self.colour = False
        else:
            try:
                self.colour = self.stream.isatty()
            except (AttributeError, ValueError):
                self.colour = False
        self.lines: list[str] = []

    def paint(self, text: str, style: str = "") -> str:
        if not (self.colour and style and text.strip()):
            return text
        codes = ";".join(self.SGR[w] for w in style.split() if w in self.SGR)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def row(self, segments: Sequence[tuple[str, str]]) -> None:
        """One line, cut to the width (chart rows are laid out to fit already)."""
        room = self.width
        parts = []
        for text, style in segments:
            if room <= 0:
                break
            text = inert(text)[:room]
            room -= len(text)
            parts.append(self.paint(text, style))
        self.lines.append("".join(parts).rstrip())

    def para(self, text: str = "", style: str = "") -> None:
        """Wrapped at the width, on word boundaries."""
        if not text:
            self.lines.append("")
            return
        import textwrap

        text = inert(text, newlines=True)  # textwrap turns the newlines and tabs it keeps into spaces
        for line in textwrap.wrap(text, self.width, break_long_words=True, break_on_hyphens=False):
            self.lines.append(self.paint(line, style))

    def flush(self) -> None:
        self.stream.write("\n".join(self.lines) + "\n")
        self.lines = []


def table_lines(header: Sequence[str], rows: Sequence[Sequence[str]], gap: int = 2, align: str = "") -> list[str]:
    """A plain fixed-width table. `align` has one letter per column, l or r; by default the first column is
    left-aligned and the others right-aligned."""
    header = [inert(c) for c in header]
    rows = [[inert(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    align = align or "l" + "r" * (len(header) - 1)
    out = []
    for r in (header, *rows):
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, align)]
        out.append((" " * gap).join(cells).rstrip())
    return out


def eased_label(ex: TodaysExercise) -> str:
    """' (easier)' for a swapped-in regression, ' (lighter)' for a reduced dose after a flare-up."""
    return " (easier)" if ex.easier_version_of else " (lighter)" if ex.lighter else ""
