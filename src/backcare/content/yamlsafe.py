"""Strict YAML for files people write by hand: YAML 1.2 meanings, no surprises, every problem located.

What this reader does, and why (see docs "YAML written by people" in the engineering notes):

* Scalars resolve with the YAML 1.2 core schema, the one editors (yaml-language-server) use:
  ``no``/``on``/``yes`` stay text, ``1:30`` is text (not 90), ``2024-01-01`` is text (no timestamps),
  ``010`` is the decimal integer 10 (1.2 core; PyYAML's YAML 1.1 would say 8), ``0o10`` is 8, ``0x10`` is 16,
  only ``true``/``false`` (and their ``True``/``TRUE`` spellings) are booleans, ``null``/``~``/empty are null.
* Duplicate keys are an error, reported at the second key with the line of the first.
* Anchors and aliases (``&a``/``*a``) are refused at the first one seen, before anything is built: an
  "alias bomb" is rejected at once with bounded memory.
* Nesting deeper than MAX_DEPTH collections is refused (no RecursionError, whatever the input).
* Files larger than MAX_BYTES are refused; bytes must be UTF-8 (a UTF-8 BOM is fine, so are CRLF line ends).
* A tab in a line's indentation is an error with its line and column; so are control characters.
* Only one document per file; only the YAML core tags (``!!str``, ``!!int``...) are allowed.

The events come from PyYAML's parser: the libyaml one when PyYAML has it (about ten times faster; the bundled
exercise library reads in a few milliseconds) or the pure-Python one otherwise. Everything that gives the
content its meaning (resolution, duplicate keys, anchors, depth, tags) is done here, so both parsers give the
same result; only the wording of rare syntax errors can differ. ``yaml`` is imported only when a file is read.
"""

from __future__ import annotations

import re
from typing import Any

from backcare.content.problems import Problem, show

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50

# None: use libyaml when PyYAML was built with it. Tests set this to False to exercise the pure-Python parser.
USE_LIBYAML: bool | None = None


class _Bad:
    """A value that could not be read; its problem is already reported, so checks skip it silently."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


class YNode:
    """A composed YAML node: its Python value and where it starts (1-based line and column).

    kind is 'scalar', 'map' or 'seq'. For a map, value is {key: YNode} and keys is {key: key YNode};
    for a seq, value is [YNode]; for a scalar, value is None/bool/int/float/str (or BAD) and tag one of
    'null', 'bool', 'int', 'float', 'str'.
    """

    __slots__ = ("kind", "value", "line", "column", "tag", "quoted", "keys")

    def __init__(self, kind: str, value: Any, line: int, column: int, tag: str = "", quoted: bool = False):
        self.kind = kind
        self.value = value
        self.line = line
        self.column = column
        self.tag = tag
        self.quoted = quoted
        self.keys: dict[Any, YNode] = {}

    def __repr__(self) -> str:
        return f"YNode({self.kind}, {self.value!r}, {self.line}:{self.column})"


# ------------------------------------------------------------------ YAML 1.2 core schema

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_DEC = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"([-+]?)\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}": name for name in ("str", "int", "float", "bool", "null")}


class _TooLong(ValueError):
    pass


def _int(text: str) -> int | None:
    try:
        if _INT_DEC.match(text):
            return int(text, 10)
        if _INT_OCT.match(text):
            return int(text[2:], 8)
        if _INT_HEX.match(text):
            return int(text[2:], 16)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _TooLong(text) from None
    return None


def _float(text: str) -> float | None:
    if _FLOAT.match(text):
        return float(text)
    m = _INF.match(text)
    if m:
        return float(f"{m.group(1)}inf")
    if _NAN.match(text):
        return float("nan")
    return None


def resolve_plain(text: str) -> tuple[str, Any]:
    """The (tag, value) of an untagged plain scalar under the YAML 1.2 core schema."""
    if _NULL.match(text):
        return "null", None
    if text in _BOOL:
        return "bool", _BOOL[text]
    number = _int(text)
    if number is not None:
        return "int", number
    real = _float(text)
    if real is not None:
        return "float", real
    return "str", text


# ------------------------------------------------------------------ text checks before parsing

_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# What YAML (and PyYAML's reader) accepts: tab, line breaks, printable ASCII, NEL, and most of Unicode.
# (Compiled on first use: it takes a few milliseconds.)
_NOT_ALLOWED = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_TAB_INDENT = re.compile(r"^ *(\t)[ \t]*[^ \t\r\n]", re.M)


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting line breaks as YAML does."""
    line = 1
    start = 0
    for m in _BREAKS.finditer(text, 0, index):
        line += 1
        start = m.end()
    return line, index - start + 1


def _size_problem(size: int, source: str) -> Problem:
    return Problem(
        source,
        1,
        1,
        f"the file is too large ({size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB): "
        "a routine file is a few kilobytes",
    )


def decode(data: bytes, source: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 bytes (optionally with a BOM) to text, or a located problem."""
    if len(data) > MAX_BYTES:
        return None, [_size_problem(len(data), source)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(source, 1, 1, "the file is UTF-16 text: save it as UTF-8")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        pos = exc.start
        line_start = max(data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos)) + 1
        line = data.count(b"\n", offset, pos) + 1
        column = len(data[max(line_start, offset) : pos].decode("utf-8", "replace")) + 1
        return None, [
            Problem(
                source,
                line,
                column,
                f"the file is not UTF-8 text (byte 0x{data[pos]:02x} cannot be read): save it as UTF-8",
            )
        ]


def _check_text(text: str, source: str) -> Problem | None:
    if len(text) > MAX_BYTES:
        return _size_problem(len(text), source)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return _size_problem(size, source)
    m = re.search(_NOT_ALLOWED, text)
    if m:
        line, column = line_col(text, m.start())
        return Problem(
            source,
            line,
            column,
            f"the file contains a control character (U+{ord(m.group()):04X}) that YAML does not allow",
        )
    m = _TAB_INDENT.search(text)
    if m:
        line, column = line_col(text, m.start(1))
        return Problem(
            source, line, column, "a tab is used for indentation: indent with spaces (YAML does not allow tabs there)"
        )
    return None


# ------------------------------------------------------------------ composing events to located nodes


def _tag_message(tag: str) -> str:
    name = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
    return f"the tag {show(name, 60)} is not allowed: backcare files use plain YAML values"


class _Stop(Exception):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _parser(text: str) -> Any:
    import yaml

    use_c = USE_LIBYAML if USE_LIBYAML is not None else getattr(yaml, "__with_libyaml__", False)
    if use_c:
        try:
            from yaml._yaml import CParser
        except ImportError:  # pragma: no cover - PyYAML built without libyaml
            pass
        else:
            return CParser(text)
    return yaml.SafeLoader(text)  # only its reader, scanner and parser are used: events, no construction


class _Composer:
    def __init__(self, text: str, source: str):
        import yaml

        self.yaml = yaml
        self.text = text
        self.source = source
        self.problems: list[Problem] = []
        self.open: list[tuple[str, int, int, bool]] = []  # (kind, line, column, flow) of unclosed collections
        self.parser = _parser(text)

    def add(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, column, message))

    def document(self) -> YNode | None:
        y, p = self.yaml, self.parser
        p.get_event()  # stream start
        if p.check_event(y.StreamEndEvent):
            return None
        p.get_event()  # document start
        node = self.node(1)
        p.get_event()  # document end
        if not p.check_event(y.StreamEndEvent):
            line, column = _mark(p.peek_event().start_mark)
            raise _Stop(
                line,
                column,
                "only one YAML document is allowed per file: remove this '---' and what follows, "
                "or put it in another file",
            )
        return node

    def node(self, depth: int) -> YNode:
        y, p = self.yaml, self.parser
        event = p.peek_event()
        line, column = _mark(event.start_mark)
        if isinstance(event, y.AliasEvent):
            raise _Stop(line, column, "aliases (*name) are not allowed in backcare files: write the value out in full")
        if getattr(event, "anchor", None) is not None:
            raise _Stop(line, column, "anchors (&name) are not allowed in backcare files: write the value out in full")
        if isinstance(event, y.ScalarEvent):
            p.get_event()
            return self.scalar(event, line, column)
        if depth > MAX_DEPTH:
            raise _Stop(line, column, f"the content is nested more than {MAX_DEPTH} levels deep")
        is_map = isinstance(event, y.MappingStartEvent)
        kind = "map" if is_map else "seq"
        tag = event.tag
        bad_tag = tag not in (None, "!", f"{_CORE}{kind}")
        if bad_tag:
            self.add(line, column, _tag_message(tag))
        p.get_event()
        self.open.append((kind, line, column, bool(event.flow_style)))
        if is_map:
            node = YNode("map", {}, line, column, "map")
            end = y.MappingEndEvent
            seen: dict[tuple[type, Any], YNode] = {}
            while not p.check_event(end):
                key = self.node(depth + 1)
                value = self.node(depth + 1)
                if key.kind != "scalar":
                    self.add(key.line, key.column, "a key must be plain text, not a list or a mapping")
                    continue
                if key.value is BAD:
                    continue
                ident = (type(key.value), key.value)
                first = seen.get(ident)
                if first is not None:
                    self.add(
                        key.line,
                        key.column,
                        f"duplicate key {show(key.value)} (first given at line {first.line}): keep only one",
                    )
                    continue
                seen[ident] = key
                node.value[key.value] = value
                node.keys[key.value] = key
        else:
            node = YNode("seq", [], line, column, "seq")
            end = y.SequenceEndEvent
            while not p.check_event(end):
                node.value.append(self.node(depth + 1))
        p.get_event()
        self.open.pop()
        if bad_tag:  # already reported: checks skip it
            return YNode("scalar", BAD, line, column, "str")
        return node

    def scalar(self, event: Any, line: int, column: int) -> YNode:
        text = event.value
        quoted = event.style in ("'", '"')
        tag = event.tag
        try:
            if tag is None and event.implicit[0]:
                kind, value = resolve_plain(text)
                return YNode("scalar", value, line, column, kind, quoted)
            if tag in (None, "!"):
                return YNode("scalar", text, line, column, "str", quoted)
            tagged = _SCALAR_TAGS.get(tag)
            if tagged is None:
                self.add(line, column, _tag_message(tag))
                return YNode("scalar", BAD, line, column, "str", quoted)
            kind = tagged
            if kind == "str":
                return YNode("scalar", text, line, column, "str", quoted)
            resolved, value = resolve_plain(text)
            if resolved == "int" and kind == "float":
                resolved, value = "float", float(value)
            if resolved != kind:
                self.add(line, column, f"{show(text)} is not a valid !!{kind} value")
                return YNode("scalar", BAD, line, column, kind, quoted)
            return YNode("scalar", value, line, column, kind, quoted)
        except _TooLong:
            self.add(line, column, "this number has too many digits")
            return YNode("scalar", BAD, line, column, "int", quoted)

    def syntax_problem(self, exc: Any) -> Problem:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, column = _mark(mark)
        return Problem(self.source, line, column, self.syntax_message(exc, line, column))

    def syntax_message(self, exc: Any, line: int, column: int) -> str:
        problem = (getattr(exc, "problem", None) or str(exc) or "").strip()
        context = (getattr(exc, "context", None) or "").strip()
        context_mark = getattr(exc, "context_mark", None)
        flow = next((o for o in reversed(self.open) if o[3]), None) if self.open else None
        if "nesting depth" in problem:  # libyaml's own limit, met while it looks ahead
            return f"the content is nested more than {MAX_DEPTH} levels deep"
        if "flow" in context and flow is not None:
            bracket = "{" if flow[0] == "map" else "["
            closing = "}" if flow[0] == "map" else "]"
            return (
                f"the '{bracket}' at line {flow[1]}, column {flow[2]} is not closed with '{closing}', "
                "or a ',' is missing between its items"
            )
        if "quoted scalar" in context and "end of stream" in problem and context_mark is not None:
            ql, qc = _mark(context_mark)
            return f"the quote at line {ql}, column {qc} is never closed"
        if "mapping values are not allowed" in problem:
            return (
                "a ':' is not allowed here: put text that contains ': ' in quotes, "
                "or check the indentation of this line"
            )
        if "cannot start any token" in problem:
            char = self.char_at(line, column)
            if char == "\t":
                return "a tab is not allowed here: use spaces"
            if char:
                return f"text cannot start with {show(char)}: put the value in quotes"
        if context.startswith("while parsing a block") and context_mark is not None:
            cl, _ = _mark(context_mark)
            what = "mapping" if "mapping" in context else "list"
            return (
                f"this line does not line up with the {what} that starts at line {cl}: "
                "check the indentation (use spaces, and the same number for items at the same level)"
            )
        message = f"YAML syntax error: {problem}" if problem else "YAML syntax error"
        if context and context_mark is not None:
            message += f" ({context.removeprefix('while ')} that starts at line {_mark(context_mark)[0]})"
        return message

    def char_at(self, line: int, column: int) -> str:
        lines = _BREAKS.split(self.text)
        if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
            return lines[line - 1][column - 1]
        return ""


def parse(text: str, source: str) -> tuple[YNode | None, list[Problem]]:
    """Compose one YAML document into located nodes. (None, []) for an empty document.

    Never raises for any input text: every problem comes back as a Problem. A problem with the YAML itself
    (syntax, anchors, depth, size...) stops reading and is the only one reported; duplicate keys and
    unsupported tags are reported and reading goes on.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    early = _check_text(text, source)
    if early is not None:
        return None, [early]
    text = text.replace("\r\n", "\n")
    try:
        composer = _Composer(text, source)
    except Exception as exc:  # pragma: no cover - the parser refused the text outright
        return None, [Problem(source, 1, 1, f"YAML syntax error: {exc}")]
    try:
        node = composer.document()
    except _Stop as stop:
        return None, [Problem(source, stop.line, stop.column, stop.message)]
    except composer.yaml.YAMLError as exc:
        return None, [composer.syntax_problem(exc)]
    if composer.problems:
        composer.problems.sort()
    return node, composer.problems


def parse_bytes(data: bytes, source: str) -> tuple[YNode | None, list[Problem]]:
    text, problems = decode(data, source)
    if text is None:
        return None, problems
    return parse(text, source)


def to_plain(node: YNode | None) -> Any:
    """Plain Python data (dict/list/str/int/...) from located nodes."""
    if node is None:
        return None
    if node.kind == "map":
        return {key: to_plain(value) for key, value in node.value.items()}
    if node.kind == "seq":
        return [to_plain(item) for item in node.value]
    return node.value


def load(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Plain Python data from strict YAML text, and the problems found (data is None when reading failed)."""
    node, problems = parse(text, source)
    return to_plain(node), problems
