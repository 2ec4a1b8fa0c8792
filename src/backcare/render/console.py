"""One way to make a Rich console: no auto-highlighting, NO_COLOR and pipes respected by Rich itself."""

from __future__ import annotations

from rich.console import Console


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False)
