"""Education topics on screen: the course list, one topic, search results.

The list and a topic are daily reading (`learn`, `learn next`), so they are written as plain text with ANSI
styles (render/plain.py), without Rich and its 20 ms of imports: the same words, marks, indents and wrapping as
the Rich layout they replace. Search results keep Rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backcare.render.plain import Out, cells, lay_out_rows, styled, wrap
from backcare.textsafe import inert

if TYPE_CHECKING:
    from backcare.domain.education import Listing, OpenedTopic, SearchHit

READ_MARK = "✓"
NEXT_MARK = "▶"
READING_WIDTH = 88  # prose is easier to read in lines that are not too long


def show_list(data: Listing, out: Out | None = None) -> None:
    """All topics in course order: ✓ for read ones, ▶ and highlighting for the next unread one."""
    out = out or Out()
    rows = data.topics
    out.para(f"Topics, in course order ({data.read_count} of {len(rows)} read)", "bold")
    narrow = out.width < 60
    # (header, right-aligned, wraps): mark, number, title, id (when narrow: on a line under the title), minutes
    columns = [("", False, False), ("", True, False), ("", False, True)]
    columns += [("", True, False)] if narrow else [("", False, True), ("", True, False)]
    table: list[list[str]] = []
    for number, row in enumerate(rows, 1):
        mark = READ_MARK if row.read else NEXT_MARK if row.id == data.next else ""
        if narrow:  # titles and ids shown as written, controls made visible
            table.append([mark, str(number), f"{inert(row.title)}\n{inert(row.id)}", f"{row.minutes}m"])
        else:
            table.append([mark, str(number), inert(row.title), inert(row.id), f"{row.minutes} min"])
    _, groups = lay_out_rows([""] * len(columns), table, columns, out.width, gap=" ")
    for row, lines in zip(rows, groups, strict=True):
        style = "bold cyan" if row.id == data.next else "dim" if row.read else ""
        out.lines.extend(out.paint(line, style) for line in lines)
    if data.next is None:
        out.para("You have read every topic. Re-read any of them with: backcare learn TOPIC")
    else:
        out.para(f"{READ_MARK} read   {NEXT_MARK} next: backcare learn next")
        out.para("Open any topic with: backcare learn TOPIC (an id or a title)")
    out.flush()


def show_topic(opened: OpenedTopic, out: Out | None = None) -> None:
    """One topic: its body (paragraphs, lists, bold), then key points, one thing to try today, and sources."""
    from backcare.render.prose import blocks

    topic = opened.topic
    out = out or Out()
    width = min(out.width, READING_WIDTH)
    out.lines.extend(styled(out, [(inert(topic.title), True)], width))
    out.lines.extend(out.paint(line, "dim") for line in wrap(inert(f"{topic.minutes} min read · {topic.id}"), width))
    out.lines.append("")
    previous_marker: str | None = None
    for n, block in enumerate(blocks(inert(topic.body, newlines=True))):
        # one list's items together; a blank line between paragraphs and lists
        if n and not (block.marker is not None and previous_marker is not None):
            out.lines.append("")
        if block.marker is None:
            out.lines.extend(styled(out, block.runs, width))
        else:
            out.lines.extend(_hanging(out, " ", block.marker, block.runs, width))
        previous_marker = block.marker
    out.lines.append("")
    _section(out, "Key points")
    for point in topic.key_points:
        out.lines.extend(_hanging(out, "  ", "•", [(inert(point), False)], width))
    out.lines.append("")
    _section(out, "Try this today")
    out.lines.extend("  " + line for line in wrap(inert(topic.try_this), width - 2))
    if topic.related_exercises:
        out.lines.append("")
        _section(out, "Related exercises")
        out.lines.extend("  " + line for line in wrap(inert(", ".join(topic.related_exercises)), width - 2))
    out.lines.append("")
    _section(out, "Sources")
    numbers = len(f"{len(topic.sources)}.")
    for n, source in enumerate(topic.sources, 1):
        marker = f"{n}.".rjust(numbers)
        out.lines.extend(_hanging(out, "  ", marker, [(inert(source), False)], width, style="dim"))
    out.lines.append("")
    first = opened.first_read.isoformat() if opened.first_read else None
    note = "Marked as read." if opened.first_time else f"You first read this on {first}."
    out.lines.extend(wrap(inert(f"{note} Next topic: backcare learn next"), out.width))
    out.flush()


def _section(out: Out, title: str) -> None:
    out.lines.append(out.paint(title, "bold"))


def _hanging(
    out: Out, indent: str, marker: str, runs: Sequence[tuple[str, bool]], width: int, style: str = ""
) -> list[str]:
    """A list item with a hanging indent: wrapped lines line up under the text, not under the marker."""
    lead = f"{indent}{marker} "
    lines = styled(out, runs, max(width - cells(lead), 10), style)
    return [(lead if n == 0 else " " * cells(lead)) + line for n, line in enumerate(lines)]


def show_all_read(total: int) -> None:
    out = Out()
    out.para(
        f"You have read all {total} topics. Well done. Re-read any of them with: backcare learn TOPIC "
        "(run backcare learn to list them)."
    )
    out.flush()


def show_search(query: str, hits: Sequence[SearchHit]) -> None:
    """Search results, best match first, with their relevance scores."""
    from rich.table import Table

    from backcare.render.console import console, shown

    out = console()
    words = "".join(ch for ch in " ".join(query.split()) if ch.isprintable())
    out.print(shown(f'Topics about "{words}", best match first', style="bold"))
    narrow = out.width < 60
    table = Table(box=None, show_header=not narrow, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("Score", justify="right", no_wrap=True, style="dim")
    table.add_column("Topic", overflow="fold", ratio=1)
    if not narrow:
        table.add_column("Id", overflow="fold", style="dim")
    for hit in hits:
        title = shown(hit.topic.title + (f" {READ_MARK}" if hit.topic.read else ""))
        score = f"{hit.score:.1f}"
        if narrow:
            title.append("\n" + inert(hit.topic.id), style="dim")
            table.add_row(score, title)
        else:
            table.add_row(score, title, shown(hit.topic.id))
    out.print(table)
    out.print("Open one with: backcare learn TOPIC")
