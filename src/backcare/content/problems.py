"""A problem found in a content file, with its place: FILE:LINE:COLUMN: message."""

from __future__ import annotations

from backcare.valueclass import frozen


@frozen(order=True)
class Problem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def summarize(problems: list[Problem]) -> str:
    """The first problem, plus '(and N more problems)' when there are more: one line for an error message."""
    first = str(problems[0])
    rest = len(problems) - 1
    if rest == 1:
        return f"{first} (and 1 more problem)"
    if rest > 1:
        return f"{first} (and {rest} more problems)"
    return first


def show(value: object, limit: int = 40) -> str:
    """A short, terminal-safe rendering of a value taken from a file (never the raw input in bulk)."""
    if isinstance(value, int) and value.bit_length() > 13_000:  # repr() refuses ints of more than 4300 digits
        import math

        return f"a number of {math.floor(math.log10(abs(value))) + 1} digits"
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    safe = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return f'"{safe}"' if isinstance(value, str) else safe
