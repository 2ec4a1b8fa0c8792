"""One way to make a Rich console: no auto-highlighting, NO_COLOR and pipes respected by Rich itself."""

from __future__ import annotations

from rich.console import Console


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False)


def bar(value: int | None, width: int = 10) -> str:
    """A tiny text bar for a 0-10 score; '·' for a missing day (a gap, not a zero)."""
    if value is None:
        return "·"
    return "█" * value + "░" * (width - value) if width == 10 else "█" * round(value * width / 10)
