"""A topic's body on screen without a Markdown parser: paragraphs, bullet and numbered lists, and **bold**.

The bundled education topics use only these (their tests keep it so). Loading `rich.markdown` pulls in
markdown_it and pygments, about 55 ms on every `backcare learn next`, for no visible difference. Anything else
in the text is shown as written (never as markup: every piece goes into a Rich `Text` literally).
"""

from __future__ import annotations

import re

from backcare.valueclass import frozen

_BULLET = re.compile(r"[-*+]\s+")
_NUMBER = re.compile(r"(\d{1,9})[.)]\s+")


@frozen
class Block:
    """A paragraph (marker None) or one list item (marker "•" or "3."), as (text, bold) runs."""

    marker: str | None
    runs: tuple[tuple[str, bool], ...]


def runs(text: str) -> tuple[tuple[str, bool], ...]:
    """`text` split into (piece, bold) runs at matched pairs of `**`; an unmatched `**` is kept as written."""
    parts = text.split("**")
    if len(parts) % 2 == 0:  # an odd number of markers: the last one is literal
        parts[-2:] = [parts[-2] + "**" + parts[-1]]
    out = [(part, index % 2 == 1) for index, part in enumerate(parts) if part]
    return tuple(out)


def blocks(body: str) -> list[Block]:
    """The body's paragraphs and list items, in order. Lines of one paragraph are joined with a space; a line
    that starts a list item starts a new block, and indented lines after it continue that item."""
    out: list[Block] = []
    marker: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append(Block(marker, runs(" ".join(lines))))
        lines.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
            marker = None
            continue
        bullet = _BULLET.match(line)
        number = None if bullet else _NUMBER.match(line)
        if bullet or number:
            flush()
            marker = "•" if bullet else f"{number.group(1)}."  # type: ignore[union-attr]
            line = line[(bullet or number).end() :]  # type: ignore[union-attr]
        elif marker is not None and not raw[:1].isspace() and not lines:
            marker = None
        lines.append(line)
    flush()
    return out
