"""Untrusted text made inert before it is shown: notes, tags, and names from routine files or imports.

A terminal acts on control characters: ESC starts sequences that clear the screen, rename the window, hide a
link (OSC 8) or write to the clipboard (OSC 52); BEL rings, CR overwrites the line. Bidirectional controls
reorder what a reader sees (a right-to-left override shows "txt.exe" for "exe.txt"). `inert` replaces every such
character with a visible escape (ESC becomes the four characters \\x1b, U+202E becomes \\u202e), so the person
sees exactly what is stored, and nothing acts on their terminal, report or spreadsheet.

This module imports nothing, so the plain-text commands stay fast; Rich renderers still pass the result as
`rich.text.Text` (never as markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re
    from typing import TextIO

# Bidirectional formatting controls: embeddings and overrides, isolates, and the implicit marks.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Characters some programs take as line breaks although they are not "\n".
_LINE_BREAKS = "\u2028\u2029"


_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLES: dict[bool, dict[int, str]] = {}  # built on first use: most text never needs one


def _table(newlines: bool) -> dict[int, str]:
    table = _TABLES.get(newlines)
    if table is None:
        keep = "\n\t" if newlines else ""
        codes = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *map(ord, BIDI), *map(ord, _LINE_BREAKS)]
        table = {code: _escape(code) for code in codes if chr(code) not in keep}
        # A lone surrogate cannot be written as UTF-8 at all: show the replacement character.
        table.update(dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))
        _TABLES[newlines] = table
    return table


def inert(text: str, *, newlines: bool = False) -> str:
    """`text` with every control character (C0, DEL, C1), bidirectional control, line or paragraph separator
    and lone surrogate replaced by a visible escape such as \\x1b or \\u202e (a surrogate by U+FFFD).

    With newlines=True, "\\n" and "\\t" are kept (for text laid out over several lines, like a note) and a
    Windows line end "\\r\\n" counts as "\\n"; otherwise they are shown as \\n and \\t too. Printable text comes
    back unchanged.
    """
    if text.isprintable():  # no control, format, separator or surrogate character: the common case, in C
        return text
    if newlines:
        text = text.replace("\r\n", "\n")
    return text.translate(_table(newlines))


def first_unsafe(text: str, *, newlines: bool = False) -> int | None:
    """The index of the first character `inert` would replace, or None."""
    if text.isprintable():
        return None
    table = _table(newlines)
    for index, ch in enumerate(text):
        if ord(ch) in table:
            return index
    return None


def json_inert(text: str) -> str:
    """JSON text with DEL, C1 controls, bidirectional controls, separators and lone surrogates written as
    \\uXXXX escapes. JSON already escapes C0 controls; outside strings JSON is plain ASCII, so the document
    decodes to exactly the same data."""
    if text.isascii() and "\x7f" not in text:  # DEL is ASCII too
        return text
    import re

    return re.sub(_JSON_UNSAFE, _json_escape, text)


_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def _json_escape(match: "re.Match[str]") -> str:
    return f"\\u{ord(match.group()):04x}"


class JsonInertWriter:
    """A text stream that passes JSON through `json_inert` on its way to `out` (JSON printed to standard output,
    where a terminal would act on DEL, C1 controls and bidirectional controls). The data read back is the same."""

    def __init__(self, out: "TextIO") -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(json_inert(text))
