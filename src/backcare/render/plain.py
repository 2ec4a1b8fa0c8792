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


GAP = "  "  # between the columns of a table
MIN_WRAPPED = 10  # the narrowest a wrapping column gets: a heading on one line, a few words a line
MIN_FOLDED = 2  # ... unless the terminal is narrower still: then down to one wide character a line


class Out:
    """Plain terminal output with optional ANSI colour, without Rich (its import alone is ~15-20 ms).

    Colour follows the usual conventions: NO_COLOR (any value) turns it off, FORCE_COLOR turns it on, TERM=dumb
    and pipes get none. The width comes from COLUMNS or the terminal (80 when piped).
    """

    SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}

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
            text = inert(text)
            if cells(text) > room:  # cut by terminal cells (a wide character takes two), and nothing after it
                text = text[: _fold(text, room)] if room > 1 or cells(text[:1]) == 1 else ""
                parts.append(self.paint(text, style))
                break
            room -= cells(text)
            parts.append(self.paint(text, style))
        self.lines.append("".join(parts).rstrip())

    def para(self, text: str = "", style: str = "") -> None:
        """Wrapped at the width, on word boundaries."""
        if not text:
            self.lines.append("")
            return
        import textwrap

        text = inert(text, newlines=True)  # textwrap turns the newlines and tabs it keeps into spaces
        if text.isascii():
            lines = textwrap.wrap(text, self.width, break_long_words=True, break_on_hyphens=False)
        else:  # textwrap counts characters: a wide character takes two cells of the terminal
            lines = [line.rstrip(" ") for line in wrap(text.replace("\n", " "), self.width)]  # tabs: spaces
            lines = [line for line in lines if line]  # as textwrap: no line of spaces alone
        for line in lines:
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
    return eased_words(ex.easier_version_of, ex.lighter)


def eased_words(easier_version_of: str | None, lighter: bool) -> str:
    return " (easier)" if easier_version_of else " (lighter)" if lighter else ""


# backcare's own symbols (bars, bullets, dashes, quotes, arrows): one cell each, so text made only of these and
# ASCII is measured without loading unicodedata (tests/test_daily_paths.py checks each against it)
ONE_CELL = "·•█░–—’‘“”…→←×≥≤✓↑↓°"
_DROP_ONE_CELL = str.maketrans("", "", ONE_CELL)


def cells(text: str) -> int:
    """How many terminal cells the text takes (wide East Asian characters two, combining marks none)."""
    if text.isascii() or text.translate(_DROP_ONE_CELL).isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Word-wrapped to `width` cells, each line of the text on its own; a word longer than that is folded."""
    out: list[str] = []
    for paragraph in text.expandtabs().split("\n"):  # a tab kept in a note is spaces to its stop, as Rich did
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cells(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            line = ""
            while cells(word) > width:
                cut = _fold(word, width)
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


def _fold(word: str, width: int) -> int:
    """How many characters of `word` fit in `width` cells (at least one)."""
    used = 0
    for n, ch in enumerate(word):
        used += cells(ch)
        if used > width:
            return max(n, 1)
    return len(word)


def lay_out(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    columns: Sequence[tuple[str, bool, bool]],
    room: int,
    gap: str = GAP,
) -> tuple[list[str], list[str]]:
    """The header's lines and the rows' lines of a fixed-width table at most `room` cells wide where it can be:
    the wrapping columns give up width, widest first, down to MIN_WRAPPED. Cells are already inert."""
    head, groups = lay_out_rows(header, rows, columns, room, gap)
    return head, [line for group in groups for line in group]


def lay_out_rows(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    columns: Sequence[tuple[str, bool, bool]],
    room: int,
    gap: str = GAP,
) -> tuple[list[str], list[list[str]]]:
    """`lay_out`, with each row's lines kept together (to style a row as one)."""
    header = [cell.expandtabs() for cell in header]  # a tab kept in a note: spaces, never a raw control
    rows = [[cell.expandtabs() for cell in row] for row in rows]
    widths = [max(cells(line) for r in (header, *rows) for line in r[i].split("\n")) for i in range(len(header))]
    wrapping = [i for i, (_, _, wraps) in enumerate(columns) if wraps]
    excess = sum(widths) + len(gap) * (len(widths) - 1) - room
    while excess > 0:
        widest = max(wrapping, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= MIN_WRAPPED:
            break
        second = max((widths[i] for i in wrapping if i != widest), default=MIN_WRAPPED)
        cut = min(excess, widths[widest] - max(second, MIN_WRAPPED) or 1)
        widths[widest] -= cut
        excess -= cut
    while excess > 0:  # still too wide (a very narrow terminal): below MIN_WRAPPED, a cell at a time
        widest = max(wrapping, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= MIN_FOLDED:
            break
        widths[widest] -= 1
        excess -= 1

    def lines_of(row: Sequence[str]) -> list[str]:
        parts = [wrap(cell, w) if columns[i][2] else cell.split("\n") for i, (cell, w) in enumerate(zip(row, widths))]
        out = []
        for n in range(max(len(p) for p in parts)):
            line = []
            for i, part in enumerate(parts):
                text = part[n] if n < len(part) else ""
                pad = " " * (widths[i] - cells(text))
                line.append(pad + text if columns[i][1] else text + pad)
            out.append(gap.join(line).rstrip())
        return out

    return lines_of(header), [lines_of(r) for r in rows]


def styled(out: Out, runs: Sequence[tuple[str, bool]], width: int, style: str = "") -> list[str]:
    """(text, bold) runs word-wrapped to `width` cells, each bold run painted bold (and all in `style`) on a
    terminal. A word may hold both weights ("**Release first**," is one word): spaces alone separate words."""
    words: list[list[tuple[str, bool]]] = [[]]
    for text, bold in runs:
        for n, part in enumerate(text.replace("\t", " ").split(" ")):
            if n:
                words.append([])
            if part:
                words[-1].append((part, bold))
    lines: list[list[tuple[str, bool]]] = []
    line: list[tuple[str, bool]] = []
    used = 0
    for word in (w for w in words if w):
        size = sum(cells(text) for text, _ in word)
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = [], 0
        if size > width:  # a word longer than the line is folded, in the weight it starts with
            pieces = wrap("".join(text for text, _ in word), width)
            lines += [[(piece, word[0][1])] for piece in pieces[:-1]]
            word, size = [(pieces[-1], word[0][1])], cells(pieces[-1])
        if line:  # a space before the word, counted even after a word of no width (a lone combining mark)
            line.append((" ", line[-1][1] and word[0][1]))
            used += 1
        line += word
        used += size
    if line:
        lines.append(line)
    return [paint_runs(out, segments, style) for segments in lines] or [""]


def paint_runs(out: Out, segments: list[tuple[str, bool]], style: str) -> str:
    """Consecutive pieces of one weight painted together, so a bold phrase is one escape, not one a word."""
    pieces: list[tuple[str, bool]] = []
    for text, bold in segments:
        if pieces and pieces[-1][1] == bold:
            pieces[-1] = (pieces[-1][0] + text, bold)
        else:
            pieces.append((text, bold))
    return "".join(out.paint(text, ("bold " + style if bold else style).strip()) for text, bold in pieces)
