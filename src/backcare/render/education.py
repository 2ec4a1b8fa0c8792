"""Education topics on screen: the course list, one topic, search results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from backcare.render.console import console, shown
from backcare.textsafe import inert

if TYPE_CHECKING:
    from backcare.domain.education import Listing, OpenedTopic, SearchHit

READ_MARK = "✓"
NEXT_MARK = "▶"
READING_WIDTH = 88  # prose is easier to read in lines that are not too long


def show_list(data: Listing) -> None:
    """All topics in course order: ✓ for read ones, ▶ and highlighting for the next unread one."""
    out = console()
    # Titles and ids shown as written (controls made visible); an id is letters, digits and hyphens, never markup.
    rows = data.topics
    out.print(Text(f"Topics, in course order ({data.read_count} of {len(rows)} read)", style="bold"))
    narrow = out.width < 60
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("", no_wrap=True, width=1)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Topic", overflow="fold", ratio=1)
    if not narrow:
        table.add_column("Id", overflow="fold", style="dim")
    table.add_column("Min", justify="right", no_wrap=True)
    for number, row in enumerate(rows, 1):
        is_next = row.id == data.next
        mark = READ_MARK if row.read else NEXT_MARK if is_next else ""
        title = Text(inert(row.title), style="bold cyan" if is_next else "dim" if row.read else "")
        if narrow:
            title.append("\n" + inert(row.id), style="dim")
            cells: list[str | Text] = [mark, str(number), title, f"{row.minutes}m"]
        else:
            cells = [mark, str(number), title, inert(row.id), f"{row.minutes} min"]
        table.add_row(*cells)
    out.print(table)
    if data.next is None:
        out.print("You have read every topic. Re-read any of them with: backcare learn TOPIC")
    else:
        out.print(f"{READ_MARK} read   {NEXT_MARK} next: backcare learn next")
        out.print("Open any topic with: backcare learn TOPIC (an id or a title)")


def show_topic(opened: OpenedTopic) -> None:
    """One topic: its Markdown body, then key points, one thing to try today, and sources."""
    topic = opened.topic
    out = console()
    out.width = min(out.width, READING_WIDTH)
    out.print(shown(topic.title, style="bold"))
    out.print(shown(f"{topic.minutes} min read · {topic.id}", style="dim"))
    out.print()
    _body(out, inert(topic.body, newlines=True))
    out.print()
    out.print(Text("Key points", style="bold"))
    out.print(_hanging([("•", point) for point in topic.key_points]))
    out.print()
    out.print(Text("Try this today", style="bold"))
    out.print(Padding(shown(topic.try_this), (0, 0, 0, 2)))
    if topic.related_exercises:
        out.print()
        out.print(Text("Related exercises", style="bold"))
        out.print(Padding(shown(", ".join(topic.related_exercises)), (0, 0, 0, 2)))
    out.print()
    out.print(Text("Sources", style="bold"))
    out.print(_hanging([(f"{n}.", source) for n, source in enumerate(topic.sources, 1)], style="dim"))
    out.print()
    first = opened.first_read.isoformat() if opened.first_read else None
    note = "Marked as read." if opened.first_time else f"You first read this on {first}."
    out.print(shown(f"{note} Next topic: backcare learn next"))


def _body(out, body: str) -> None:
    """Paragraphs, and lists with a hanging indent (one list's items together), a blank line between them."""
    from backcare.render.prose import blocks

    groups: list[Text | list[tuple[str, Text]]] = []
    for block in blocks(body):
        text = Text()
        for piece, bold in block.runs:
            text.append(piece, style="bold" if bold else "")
        if block.marker is None:
            groups.append(text)
        elif groups and isinstance(groups[-1], list):
            groups[-1].append((block.marker, text))
        else:
            groups.append([(block.marker, text)])
    for index, group in enumerate(groups):
        if index:
            out.print()
        out.print(_list(group) if isinstance(group, list) else group)


def _list(items: list[tuple[str, Text]]) -> Padding:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold", ratio=1)
    for marker, text in items:
        grid.add_row(marker, text)
    return Padding(grid, (0, 0, 0, 1))


def _hanging(items: list[tuple[str, str]], style: str = "") -> Padding:
    """A list with a hanging indent: wrapped lines line up under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold", ratio=1)
    for bullet, text in items:
        grid.add_row(bullet, shown(text, style=style))
    return Padding(grid, (0, 0, 0, 2))


def show_all_read(total: int) -> None:
    console().print(
        f"You have read all {total} topics. Well done. Re-read any of them with: backcare learn TOPIC "
        "(run backcare learn to list them)."
    )


def show_search(query: str, hits: Sequence[SearchHit]) -> None:
    """Search results, best match first, with their relevance scores."""
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
