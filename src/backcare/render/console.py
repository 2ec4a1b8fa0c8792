"""One way to make a Rich console: no auto-highlighting, NO_COLOR and pipes respected by Rich itself.

Text that came from a person, a routine file or an import is passed to Rich through `shown()`: a `Text` made
with `backcare.textsafe.inert`, so Rich never reads it as markup and no control character reaches the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from backcare.textsafe import inert


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False)


def shown(text: str, style: str = "", *, newlines: bool = False) -> Text:
    """Untrusted text as Rich shows it: literally (no markup, no emoji codes), with controls made visible."""
    return Text(inert(text, newlines=newlines), style=style)


def joined(*parts: str | tuple[str, str]) -> Text:
    """One line from pieces, each a string or (string, style), every piece shown literally."""
    out = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        out.append(inert(text), style=style)
    return out
