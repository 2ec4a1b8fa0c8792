"""Small typed readers over located YAML nodes: each reports a located Problem and returns None when a value
is not acceptable, so one pass over a file finds every problem in it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from backcare.content.problems import Problem, show
from backcare.content.yamlsafe import BAD, YNode
from backcare.textsafe import first_unsafe

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ID_MAX = 40
ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"  # the same rule, as the JSON Schema writes it

# A hold written as text: "45s", "1m", "1m30s", up to "10m" (1-600 seconds; seconds below 60 after minutes).
# The same pattern is in data/routine.schema.json, so editors and `backcare routine check` agree exactly.
# Also the spellings people use: "30 sec", "10 min", "1m30" (a space only before a word unit, not "20 s").
_SEC = "(s| ?(sec|secs|second|seconds))"
_MIN = "(m| ?(min|mins|minute|minutes))"
HOLD_PATTERN = f"^(([1-9][0-9]?|[1-5][0-9][0-9]|600){_SEC}|([1-9]|10){_MIN}|[1-9]{_MIN} ?[0-5]?[0-9]( ?{_SEC})?)$"
# A timed activity (a walk, cycling): the same spellings, up to 60 minutes.
DURATION_PATTERN = (
    f"^(([1-9][0-9]{{0,2}}|[12][0-9]{{3}}|3[0-5][0-9][0-9]|3600){_SEC}|([1-9]|[1-5][0-9]|60){_MIN}"
    f"|([1-9]|[1-5][0-9]){_MIN} ?[0-5]?[0-9]( ?{_SEC})?)$"
)
_HOLD_RE = re.compile(HOLD_PATTERN)
_DURATION_OK_RE = re.compile(DURATION_PATTERN)
_UNITS_RE = re.compile(
    r"([0-9]{1,6}) ?(?:m|min|mins|minute|minutes)(?: ?([0-9]{1,6})(?: ?(?:s|sec|secs|second|seconds))?)?\Z"
    r"|([0-9]{1,6}) ?(?:s|sec|secs|second|seconds)\Z"
)


def duration_seconds(text: str) -> int | None:
    """Seconds in a duration written as text ("45s", "1m30s", "1m30", "30 sec", "10 min"), or None when it
    is not one (any size: ranges are checked by the caller)."""
    m = _UNITS_RE.match(text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    return int(m.group(1)) * 60 + int(m.group(2) or 0)


def did_you_mean(word: object, options: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a close match, else ''."""
    if not isinstance(word, str) or not word:
        return ""
    import difflib  # only on a lookup miss or a typo; it costs ~7 ms to import

    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {show(match[0])}?)" if match else ""


def got(node: YNode) -> str:
    """What a value is, in words, for 'must be ... (got X)'."""
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    value = node.value
    if value is None:
        return "nothing: the value is empty"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {show(value)}" if node.quoted else show(value)
    return show(value)


class Checker:
    def __init__(self, source: str, problems: Sequence[Problem] = ()):
        self.source = source
        self.problems: list[Problem] = list(problems)

    def add(self, node: YNode | None, message: str) -> None:
        line, column = (node.line, node.column) if node is not None else (1, 1)
        self.problems.append(Problem(self.source, line, column, message))

    def sorted_problems(self) -> list[Problem]:
        return sorted(set(self.problems))

    # ------------------------------------------------------------ containers

    def mapping(
        self,
        node: YNode,
        what: str,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        hints: dict[str, str] | None = None,
        unknown: Callable[[str], str | None] | None = None,
    ) -> dict[str, YNode] | None:
        """The allowed keys of a mapping. `unknown(key)` may give the message for a key that is not allowed
        (else: did you mean, or the allowed keys)."""
        if node.kind != "map":
            if node.value is not BAD:
                self.add(node, f"{what} must be a mapping of keys and values (got {got(node)})")
            return None
        out: dict[str, YNode] = {}
        for key, value in node.value.items():
            if isinstance(key, str) and key in allowed:
                out[key] = value
                continue
            keynode = node.keys[key]
            advice = unknown(key) if unknown is not None and isinstance(key, str) else None
            if advice is not None:
                self.add(keynode, advice)
                continue
            hint = did_you_mean(key, allowed) or f" (allowed here: {', '.join(allowed)})"
            self.add(keynode, f"unknown key {show(key if isinstance(key, str) else keynode.value)}{hint}")
        for key in required:
            if key not in node.value:
                extra = (hints or {}).get(key, "")
                self.add(node, f"{what} is missing '{key}'{extra}")
        return out

    def seq(self, node: YNode, name: str, low: int, high: int, item: str = "item") -> list[YNode] | None:
        if node.kind != "seq":
            if node.value is not BAD:
                self.add(node, f"{name} must be a list (got {got(node)})")
            return None
        count = len(node.value)
        if count < low:
            if count == 0:
                self.add(node, f"{name} is empty: give at least {low} {item}{'s' if low > 1 else ''}")
            else:
                self.add(node, f"{name} has {count} {item}{'s' if count > 1 else ''}; it needs at least {low}")
        elif count > high:
            self.add(node, f"{name} has {count} {item}s; the most allowed is {high}")
        return node.value

    # --------------------------------------------------------------- scalars

    def integer(self, node: YNode, name: str, low: int, high: int) -> int | None:
        value = node.value
        if value is BAD:
            return None
        if isinstance(value, float) and value.is_integer() and node.kind == "scalar":
            value = int(value)  # 10.0 is a whole number, as JSON Schema's "integer" says
        if node.kind != "scalar" or isinstance(value, bool) or not isinstance(value, int):
            hint = ""
            looks_numeric = isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", value)
            if node.kind == "scalar" and node.quoted and looks_numeric:
                hint = ": remove the quotes"
            self.add(node, f"{name} must be a whole number from {low} to {high} (got {got(node)}){hint}")
            return None
        if not low <= value <= high:
            self.add(node, f"{name} must be from {low} to {high} (got {value})")
            return None
        return value

    def text(self, node: YNode, name: str, max_len: int) -> str | None:
        value = node.value
        if value is BAD:
            return None
        if node.kind != "scalar" or value is None or not isinstance(value, str):
            if node.kind == "scalar" and value is None:
                self.add(node, f"{name} is empty")
            else:
                hint = ": put it in quotes" if node.kind == "scalar" else ""
                self.add(node, f"{name} must be text (got {got(node)}){hint}")
            return None
        if not value.strip():
            self.add(node, f"{name} is empty")
            return None
        if len(value) > max_len:
            self.add(node, f"{name} is too long ({len(value)} characters; the most allowed is {max_len})")
            return None
        bad = first_unsafe(value, newlines=True)
        if bad is not None:
            # A quoted YAML string can spell one as an escape ("\e[2J"): it would act on the reader's terminal.
            self.add(
                node,
                f"{name} contains a control character (U+{ord(value[bad]):04X}, character {bad + 1} of the text): "
                "remove it",
            )
            return None
        return value

    def ident(self, node: YNode, name: str) -> str | None:
        value = node.value
        if value is BAD:
            return None
        if node.kind != "scalar" or not isinstance(value, str) or not ID_RE.match(value):
            self.add(
                node,
                f"{name} must be a lowercase id like cat-camel: letters a-z, digits and single hyphens "
                f"(got {got(node)})",
            )
            return None
        if len(value) > ID_MAX:
            self.add(node, f"{name} is too long ({len(value)} characters; the most allowed is {ID_MAX})")
            return None
        return value

    def choice(self, node: YNode, name: str, options: Sequence[str]) -> str | None:
        value = node.value
        if value is BAD:
            return None
        if node.kind == "scalar" and isinstance(value, str) and value in options:
            return value
        self.add(node, f"{name} must be one of {', '.join(options)} (got {got(node)})")
        return None

    def texts(self, node: YNode, name: str, low: int, high: int, max_len: int) -> tuple[str, ...] | None:
        items = self.seq(node, name, low, high)
        if items is None:
            return None
        out = [self.text(item, f"each item of {name}", max_len) for item in items]
        if any(value is None for value in out) or not low <= len(items) <= high:
            return None
        return tuple(out)  # type: ignore[arg-type]

    def hold(self, node: YNode, name: str = "hold", low: int = 1, high: int = 600, fix: str = "") -> int | None:
        """Seconds: 20, or a duration string such as "45s", "1m", "1m30s", "30 sec", "10 min" or "1m30".
        Up to 10 minutes it is checked against HOLD_PATTERN, above against DURATION_PATTERN (as the schema is).
        `fix` is added to an out-of-range message."""
        value = node.value
        if value is BAD:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        seconds = None
        if node.kind == "scalar" and isinstance(value, int) and not isinstance(value, bool):
            seconds = value
        elif node.kind == "scalar" and isinstance(value, str):
            seconds = duration_seconds(value)
            pattern = _HOLD_RE if high <= 600 else _DURATION_OK_RE
            if seconds is not None and low <= seconds <= high and not pattern.match(value):
                seconds = None  # in range but oddly written, like "1m75s" or "007s"
        if seconds is None:
            self.add(
                node,
                f'{name} must be seconds (like 20) or a duration like "45s", "1m" or "1m30s" (got {got(node)})',
            )
            return None
        if not low <= seconds <= high:
            first = "0 seconds" if low == 0 else f"{low} second"
            self.add(node, f"{name} must be from {first} to {high // 60} minutes (got {seconds} seconds){fix}")
            return None
        return seconds
