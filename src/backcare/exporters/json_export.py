"""The backcare JSON export: everything, lossless, and the checks that make importing it safe.

Layout (version 1), keys always in this order, one record per line so that both writing and reading
go record by record (memory stays flat however many years a home holds):

    {
      "format": "backcare-export",
      "version": 1,
      "exported_at": ..., "schema_version": ..., "backcare_version": ...,
      "checkins": [
        {"date": ..., "pain": ..., ...},
        ...
      ],
      "checkin_edits": [...], "sessions": [...], "stage_history": [...], "safety_screens": [...],
      "clearances": [...], "topics_read": [...], "routines": [...], "routine_images": [...], "profile": [...],
      "settings": {...}
    }

It is ordinary JSON: any JSON reader (and older backcare versions) read it whole; backcare reads it
incrementally and also accepts the older indented layout. `checkin_edits` is the edit history of
check-ins (earlier versions, oldest first), kept as its own list so the history of deleted days is not
lost. `routines` holds the source text of imported routine files.

Every record is checked with the same rules as the command that creates it (scores, tags and notes by
`domain.checkin`, days by `domain.dates`, routine files by the routine checker), so an import can never
store something backcare could not have stored itself.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from backcare.errors import BackcareError, InvalidInput

FORMAT = "backcare-export"
VERSION = 1
MAX_BYTES = 200 * 1024 * 1024
MAX_RECORD = 8 * 1024 * 1024  # one record, as text (a routine file is at most 2 MB)
CHUNK = 256 * 1024
SECTIONS = (
    "checkins",
    "checkin_edits",
    "sessions",
    "session_edits",
    "stage_history",
    "safety_screens",
    "clearances",
    "topics_read",
    "routines",
    "routine_images",
    "profile",
    "fhir_sync",
    "settings",
)
HEADER = ("format", "version", "exported_at", "schema_version", "backcare_version")
MAX_NAME = 200
MAX_STAMP = 64
MAX_SETTING = 4096


# -- writing -------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(out: TextIO, header: dict[str, Any], sections: Iterable[tuple[str, Any]]) -> None:
    """Write the export to `out` record by record; the same data always gives the same text.

    `sections` yields (name, records) in SECTIONS order: an iterable of records for a list section, a
    dict for "settings".
    """
    out.write("{\n")
    out.write(",\n".join(f'  "{key}": {_dumps(header[key])}' for key in HEADER))
    for name, records in sections:
        if isinstance(records, dict):
            out.write(f',\n  "{name}": {_dumps(records)}')
            continue
        out.write(f',\n  "{name}": [')
        sep = "\n    "
        for record in records:
            out.write(sep)
            out.write(_dumps(record))
            sep = ",\n    "
        out.write("\n  ]" if sep != "\n    " else "]")
    out.write("\n}\n")


# -- reading -------------------------------------------------------------------------------------


class _Bad(Exception):
    """What is wrong, as the end of a sentence."""


class _Reader:
    """An incremental reader of one JSON object whose big members are arrays: values are decoded one at
    a time with `json.JSONDecoder.raw_decode` over a buffer refilled in chunks, so memory is bounded by
    the largest single record, not by the file."""

    def __init__(self, fh: TextIO, max_chars: int, copy: Callable[[str], Any] | None = None):
        self.fh = fh
        self.copy = copy  # keeps what is read from a pipe, for the second pass
        self.max_chars = max_chars
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.read_chars = 0
        self.line = 1  # line of buf[0]
        self.line_start = 0  # absolute offset where that line starts
        self.base = 0  # absolute offset of buf[0]
        self.decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)

    # buffer ----------------------------------------------------------------------------------
    def _more(self, at_least: int = CHUNK) -> None:
        if self.pos > CHUNK:  # drop what has been consumed, remembering where lines start
            gone = self.buf[: self.pos]
            newlines = gone.count("\n")
            if newlines:
                self.line += newlines
                self.line_start = self.base + gone.rindex("\n") + 1
            self.base += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            chunk = self.fh.read(max(at_least, CHUNK))
        except UnicodeDecodeError:
            raise _Bad("it is not UTF-8 text, so it is not a backcare JSON export") from None
        except OSError as exc:
            raise _Bad(f"it cannot be read ({exc.strerror or exc})") from None
        if not chunk:
            self.eof = True
            return
        self.read_chars += len(chunk)
        if self.read_chars > self.max_chars:
            raise _Bad(f"it is larger than the {_mb(self.max_chars)} backcare accepts")
        if self.copy is not None:
            self.copy(chunk)
        self.buf += chunk

    def where(self, index: int) -> str:
        """'line L, column C' of an index into the buffer."""
        before = self.buf[:index]
        newlines = before.count("\n")
        if newlines:
            column = index - before.rindex("\n")
        else:
            column = self.base + index - self.line_start + 1
        return f"line {self.line + newlines}, column {column}"

    def syntax(self, index: int, what: str) -> _Bad:
        return _Bad(f"it is not valid JSON ({self.where(index)}: {what})")

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            self.pos = pos
            if pos < len(buf) or self.eof:
                return buf[pos] if pos < len(buf) else ""
            self._more()

    def take(self, expected: str, what: str) -> None:
        if self.peek() != expected:
            raise self.syntax(self.pos, what)
        self.pos += 1

    def value(self, limit: int = MAX_RECORD) -> tuple[Any, bool]:
        """The next JSON value, and whether its text may hold an escaped surrogate."""
        self.peek()
        while True:
            start = self.pos
            try:
                value, end = self.decoder.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                # Text cut short by the buffer fails at its very end (or at the start of a string still
                # open); anything else is a real error, reported now rather than after reading on.
                cut_short = exc.pos >= len(self.buf) - 12 or exc.msg.startswith("Unterminated string")
                if self.eof or not cut_short:
                    raise self.syntax(exc.pos, exc.msg.lower()) from None
                end = -1
            except RecursionError:
                raise _Bad("it is nested far too deeply to be a backcare export") from None
            except ValueError as exc:  # an integer with thousands of digits
                if "digits" in str(exc):
                    raise _Bad("it contains a number too long to handle (thousands of digits)") from None
                raise
            if end != -1 and (end < len(self.buf) or self.eof):
                self.pos = end
                return value, _SURROGATE_ESCAPE.search(self.buf, start, end) is not None
            if len(self.buf) - start > limit:
                raise _Bad(f"one of its entries is larger than the {_mb(limit)} backcare accepts for one entry")
            self._more(len(self.buf) - start)  # at least double what is buffered: linear, not quadratic


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Bad(f"the key {_show_key(key)} appears twice in the same object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _Bad(f"it contains {name}, which is not a number JSON allows")


def _no_lone_surrogates(value: Any) -> None:
    """A JSON escape like "\\ud800" decodes to half a character, which no database or terminal can take."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Bad("contains a lone surrogate escape (like \\ud800), which is not text") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_lone_surrogates(key)
            _no_lone_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _no_lone_surrogates(item)


def _events(reader: _Reader) -> Iterator[tuple[str, Any, bool]]:
    """(key, value, may_hold_surrogates) for each top-level member; list sections one record at a time as
    (section, (index, record), ...)."""
    if reader.peek() != "{":
        reader.value()  # not JSON, or JSON nested absurdly deep: say so
        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}")')
    reader.pos += 1
    seen: set[str] = set()
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            if reader.peek() != '"':
                raise reader.syntax(reader.pos, "expecting property name enclosed in double quotes")
            key, odd = reader.value(MAX_NAME * 6 + 2)
            if odd:
                _no_lone_surrogates(key)
            if key in seen:
                raise _Bad(f"the key {_show_key(key)} appears twice in the same object")
            seen.add(key)
            reader.take(":", "expecting ':' delimiter")
            if key in SECTIONS and key != "settings" and reader.peek() == "[":
                reader.pos += 1
                index = 0
                if reader.peek() == "]":
                    reader.pos += 1
                else:
                    while True:
                        record, odd = reader.value()
                        yield key, (index, record), odd
                        index += 1
                        if reader.peek() == ",":
                            reader.pos += 1
                            continue
                        reader.take("]", "expecting ',' delimiter")
                        break
                yield key, None, False  # the section is complete
            else:
                value, odd = reader.value()
                if key in SECTIONS and key != "settings":
                    raise _Bad(f'"{key}" must be a list, not {_kind(value)}')
                yield key, value, odd
            if reader.peek() == ",":
                reader.pos += 1
                continue
            reader.take("}", "expecting ',' delimiter")
            break
    if reader.peek() != "":
        raise reader.syntax(reader.pos, "extra data")


# -- validating ----------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a complete pass over a valid file found."""

    counts: dict[str, int] = field(default_factory=dict)
    active_routine: str | None = None
    active_in_file: bool = False


class ImportFile:
    """An export file to import. `records()` reads it again from the start, checking every record as it
    goes and raising BackcareError (one sentence naming the file and the record) at the first problem;
    `check()` does one whole pass without touching any database."""

    def __init__(
        self,
        path: Path,
        *,
        today: date,
        latest_schema: int,
        check_routine: Callable[[str, str], None],
        max_bytes: int | None = None,
    ):
        self.path = path
        self.today = today
        self.latest_schema = latest_schema
        self.check_routine = check_routine
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.summary = Summary()
        self._spool: TextIO | None = None

    def check(self) -> Summary:
        for _ in self.records():
            pass
        return self.summary

    def records(self) -> Iterator[tuple[str, Any]]:
        """(section, record) for each list entry, then ("settings", {...}); everything already checked."""
        import sqlite3

        try:
            yield from self._records()
        except _Bad as exc:
            why = str(exc) if len(str(exc)) <= 300 else str(exc)[:297] + "..."  # a rule may quote the file
            raise BackcareError(f"{self.path} cannot be imported: {why}. Nothing was changed.") from None
        except sqlite3.Error as exc:  # the temporary file of keys seen (in TMPDIR)
            raise BackcareError(
                f"{self.path} could not be checked: backcare had no room for its temporary files ({exc}). "
                "Nothing was changed."
            ) from None

    def _records(self) -> Iterator[tuple[str, Any]]:
        from contextlib import closing

        fh, copy = self._open()
        with fh, closing(_State(self.today)) as state:
            header: dict[str, Any] = {}
            settings: dict[str, str] = {}
            for key, value, odd in _events(_Reader(fh, self.max_bytes, copy)):
                if key in SECTIONS and key != "settings":
                    if "version" not in header:  # the header comes first in every export backcare writes
                        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}" at the start)')
                    order = SECTIONS.index(key)
                    if order < state.section:
                        raise _Bad(f'its "{key}" comes after a section that follows it in every backcare export')
                    state.section = order
                    if value is None:
                        continue
                    index, record = value
                    try:
                        if odd:
                            _no_lone_surrogates(record)
                        _CHECKS[key](record, state, self)
                    except _Bad as exc:
                        raise _Bad(f"{_where(key, index, record)}: {exc}") from None
                    state.counts[key] = index + 1
                    yield key, record
                    continue
                if odd:
                    _no_lone_surrogates(value)
                if key == "settings":
                    settings = _settings(value)
                    state.section = len(SECTIONS)
                elif key == "format":
                    if value != FORMAT:
                        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}")')
                    header[key] = value
                elif key == "version":
                    if header.get("format") != FORMAT:
                        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}" at the start)')
                    _version(value)
                    header[key] = value
                elif key == "schema_version":
                    self._schema(value)
                elif key in ("exported_at", "backcare_version"):
                    if value is not None:
                        _short(value, f'its "{key}"', MAX_STAMP)
                else:
                    raise _Bad(f"it has a section backcare does not know ({_show_key(key)})")
            if header.get("format") != FORMAT:
                raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}")')
            if "version" not in header:
                raise _Bad('its "version" must be a whole number')
            state.finish(settings, self)
            yield "settings", settings

    def _open(self) -> tuple[TextIO, Callable[[str], Any] | None]:
        """The file to read, and where to copy what is read when it cannot be read twice (a pipe)."""
        import os
        import stat

        if self._spool is not None:  # a pipe, read once already: read the copy again
            self._spool.flush()
            fd = os.dup(self._spool.fileno())
            os.lseek(fd, 0, os.SEEK_SET)
            return open(fd, encoding="utf-8", newline=""), None
        path = self.path
        try:
            if path.is_dir():
                raise _Bad("it is a folder, not an export file")
            info = path.stat()
        except FileNotFoundError:
            raise _Bad("there is no such file") from None
        except OSError as exc:
            raise _Bad(f"it cannot be read ({exc.strerror or exc})") from None
        if info.st_size > self.max_bytes:
            raise _Bad(f"it is {_mb(info.st_size)}, larger than the {_mb(self.max_bytes)} backcare accepts")
        try:
            fh = open(path, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise _Bad(f"it cannot be read ({exc.strerror or exc})") from None
        if stat.S_ISREG(info.st_mode):
            return fh, None
        import tempfile

        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # private, never named
        return fh, self._spool.write

    def _schema(self, value: Any) -> None:
        if not _is_int(value):
            raise _Bad('its "schema_version" must be a whole number')
        if value > self.latest_schema:
            raise _Bad(
                f"it was written by a newer backcare (database schema {_kind(value)}; this one knows up to "
                f"{self.latest_schema}); upgrade backcare first"
            )


def _version(value: Any) -> None:
    if not _is_int(value):
        raise _Bad('its "version" must be a whole number')
    if value > VERSION:
        raise _Bad(
            f"it was written by a newer backcare (export version {_kind(value)}; this one reads version "
            f"{VERSION}); upgrade backcare first"
        )
    if value != VERSION:
        raise _Bad(f"export version {_kind(value)} is not one backcare knows")


def _where(section: str, index: int, record: Any) -> str:
    where = f"{section}[{index}]"
    day = record.get("date") if isinstance(record, dict) else None
    if isinstance(day, str) and len(day) == 10 and day.isascii() and day.isprintable():
        where += f" ({day})"
    return where


class _State:
    """What later records are checked against: keys already seen (in a private temporary SQLite file, so a
    hostile file of millions of distinct keys cannot fill memory), and edits waiting for their day."""

    def __init__(self, today: date):
        import sqlite3

        self.today = today
        self.counts: dict[str, int] = {}
        self.keys = sqlite3.connect("")  # "": a temporary database on disk, deleted when closed
        self.keys.execute("CREATE TABLE seen (kind TEXT, key TEXT, PRIMARY KEY (kind, key)) WITHOUT ROWID")
        self.unexplained: dict[str, int] = {}  # day of an "update" edit with no check-in (yet) -> its index
        self.section = -1  # where in SECTIONS the file has got to

    def add(self, kind: str, key: str) -> bool:
        """Remember `key`; False when it was seen before."""
        return self.keys.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (kind, key)).rowcount == 1

    def has(self, kind: str, key: str) -> bool:
        return self.keys.execute("SELECT 1 FROM seen WHERE kind = ? AND key = ?", (kind, key)).fetchone() is not None

    def close(self) -> None:
        self.keys.close()

    def finish(self, settings: dict[str, str], file: ImportFile) -> None:
        for day, index in self.unexplained.items():
            raise _Bad(
                f"checkin_edits[{index}] ({day}): it changes a check-in the file does not hold (and does not delete)"
            )
        active = settings.get("active_routine")
        file.summary.counts = dict(self.counts)
        file.summary.active_routine = active
        file.summary.active_in_file = active is not None and self.has("routine", active)


# field checks: each raises _Bad with a clause like 'pain must be ...' ---------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    """Describe a value without echoing what the file says."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**9 else "a very large number"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) and abs(value) < 10**9 else "a very large number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _show_key(key: str) -> str:
    return repr(key) if len(key) <= 40 and key.isprintable() else "a long or unprintable key"


def _rule(message: str) -> str:
    """A domain rule's sentence as a clause."""
    return message.rstrip(".")


def _fields(record: Any, known: tuple[str, ...], required: tuple[str, ...]) -> dict:
    if not isinstance(record, dict):
        raise _Bad(f"it must be an object, not {_kind(record)}")
    unknown = sorted(set(record) - set(known))
    if unknown:
        raise _Bad(f"it has a field backcare does not know ({_show_key(unknown[0])})")
    for name in required:
        if name not in record:
            raise _Bad(f'it is missing "{name}"')
    return record


def _score(value: Any, name: str) -> None:
    """A 0-10 score: a JSON whole number, then the check-in rule."""
    from backcare.domain.checkin import parse_score

    if not _is_int(value):
        if isinstance(value, float) and value.is_integer() and 0 <= value <= 10:
            raise _Bad(f"{name} must be a whole number from 0 to 10, not {value:g} written with a decimal point")
        raise _Bad(f"{name} must be a whole number from 0 to 10, not {_kind(value)}")
    try:
        parse_score(value, name)
    except InvalidInput as exc:
        raise _Bad(_rule(exc.message)) from None


def _optional_score(record: dict, name: str) -> None:
    if record.get(name) is not None:
        _score(record[name], name)


def _day(value: Any, name: str, today: date) -> str:
    """A day as backcare records it: YYYY-MM-DD, a real date, from 1900 and not after today."""
    from backcare.domain.dates import check_day

    if not isinstance(value, str) or len(value) != 10 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _Bad(f"{name} must be a date written YYYY-MM-DD, not {_kind(value)}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{name} is not a real calendar date ({value})") from None
    try:
        check_day(day, now=today)
    except InvalidInput as exc:
        raise _Bad(f"{name} {_rule(exc.message)}") from None
    return value


def _short(value: Any, name: str, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{name} must be text, not {_kind(value)}")
    if not value.strip():
        raise _Bad(f"{name} must not be empty")
    if len(value) > limit:
        raise _Bad(f"{name} must be at most {limit} characters")
    return value


def _text(value: Any, name: str, limit: int | None = None) -> None:
    if not isinstance(value, str):
        raise _Bad(f"{name} must be text, not {_kind(value)}")
    if limit is not None and len(value) > limit:
        raise _Bad(f"{name} must be at most {limit} characters (this one has {len(value)})")


def _bool(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise _Bad(f"{name} must be true or false, not {_kind(value)}")


def _list(value: Any, name: str, limit: int | None = None) -> list:
    if not isinstance(value, list):
        raise _Bad(f"{name} must be a list, not {_kind(value)}")
    if limit is not None and len(value) > limit:
        raise _Bad(f"{name} can have at most {limit} items")
    return value


def _stamp(record: dict, name: str, required: bool = True) -> None:
    if record.get(name) is None and not required:
        return
    _short(record.get(name), name, MAX_STAMP)


# records ----------------------------------------------------------------------------------------

CHECKIN_KEYS = ("date", "pain", "stiffness", "sleep", "stress", "tags", "note", "settled")
CHECKIN_STAMPS = ("recorded_at", "updated_at")


def _checkin_values(record: Any, today: date, keys: tuple[str, ...]) -> dict:
    """The rules of `backcare checkin` (domain.checkin) for one check-in's values."""
    from backcare.domain.checkin import MAX_TAGS, SCORES, parse_note, parse_tags

    record = _fields(record, keys, ("date", "pain", "stiffness"))
    _day(record["date"], "date", today)
    _score(record["pain"], "pain")
    _score(record["stiffness"], "stiffness")
    for name in SCORES[2:]:
        _optional_score(record, name)
    tags = _list(record.get("tags", []), "tags", MAX_TAGS)
    if not all(isinstance(tag, str) for tag in tags):
        raise _Bad("tags must be a list of text")
    try:
        normal = parse_tags(tags) or ()
    except InvalidInput as exc:
        raise _Bad(_rule(exc.message)) from None
    if tuple(tags) != normal:
        raise _Bad("tags must be lower-case, each listed once, as backcare stores them")
    note = record.get("note")
    if note is not None:
        _text(note, "note")
        try:
            parse_note(note)
        except InvalidInput as exc:
            raise _Bad(_rule(exc.message)) from None
    if record.get("settled") is not None:
        _bool(record["settled"], "settled")
    return record


def _checkin(record: Any, state: _State, file: ImportFile) -> None:
    record = _checkin_values(record, state.today, CHECKIN_KEYS + CHECKIN_STAMPS)
    for name in CHECKIN_STAMPS:
        _stamp(record, name, required=False)
    day = record["date"]
    if not state.add("checkin", day):
        raise _Bad(f"it repeats date {day}")


def _edit(record: Any, state: _State, file: ImportFile) -> None:
    record = _fields(record, ("date", "action", "before", "after", "at"), ("date", "action", "before", "at"))
    day = _day(record["date"], "date", state.today)
    action = record["action"]
    if action not in ("update", "delete"):
        raise _Bad('action must be "update" or "delete"')
    _stamp(record, "at")
    for name in ("before", "after"):
        value = record.get(name)
        if value is None:
            if name == "before" or action == "update":
                raise _Bad(f"{name} must be the check-in {'before' if name == 'before' else 'after'} the {action}")
            continue
        try:
            _checkin_values(value, state.today, CHECKIN_KEYS)
        except _Bad as exc:
            raise _Bad(f"{name}: {exc}") from None
        if value["date"] != day:
            raise _Bad(f"{name} is a check-in of another day ({value['date']})")
    if action == "delete":
        if record.get("after") is not None:
            raise _Bad("after must be null for a delete")
        state.unexplained.pop(day, None)  # an update, then the day was deleted
    elif not state.has("checkin", day):
        state.unexplained.setdefault(day, state.counts.get("checkin_edits", 0))


def _ids(record: dict, name: str) -> None:
    for item in _list(record.get(name, []), name):
        _short(item, f"each of {name}")


MAX_SESSION_EXERCISES = 200


SESSION_KEYS = ("date", "started", "routine", "stage", "done", "skipped", "exercises", "pain_during", "effort")


def _session(record: Any, state: _State, file: ImportFile) -> None:
    """A session record (several a day are separate records, so none repeats another by key)."""
    record = _session_values(record, state.today, SESSION_KEYS + ("at",))
    _stamp(record, "at")


def _session_values(record: Any, today: date, keys: tuple[str, ...]) -> dict:
    record = _fields(record, keys, ("date", "routine", "stage"))
    _day(record["date"], "date", today)
    _short(record["routine"], "routine")
    _short(record["stage"], "stage")
    if record.get("started") is not None:
        _short(record["started"], "started", MAX_STAMP)
    _ids(record, "done")
    _ids(record, "skipped")
    for item in _list(record.get("exercises", []), "exercises", MAX_SESSION_EXERCISES):
        _exercise(item)
    _optional_score(record, "pain_during")
    _optional_score(record, "effort")
    return record


def _exercise(value: Any) -> None:
    """One exercise of a session: {"id", "status": done|partly|skipped, "sets_done", "dose"}."""
    from backcare.domain.progress import DOSE_FIELDS, STATUSES

    if not isinstance(value, dict):
        raise _Bad(f"exercises must hold objects, not {_kind(value)}")
    unknown = sorted(set(value) - {"id", "status", "sets_done", "dose"})
    if unknown:
        raise _Bad(f"it has an exercise with a field backcare does not know ({_show_key(unknown[0])})")
    _short(value.get("id"), "each exercise's id")
    if value.get("status") not in STATUSES:
        raise _Bad(f"each exercise's status must be one of {', '.join(STATUSES)}")
    sets = value.get("sets_done")
    if sets is not None and (not _is_int(sets) or not 0 <= sets <= 99):
        raise _Bad(f"each exercise's sets_done must be a whole number from 0 to 99, not {_kind(sets)}")
    dose = value.get("dose")
    if dose is None:
        return
    if not isinstance(dose, dict):
        raise _Bad(f"each exercise's dose must be an object, not {_kind(dose)}")
    extra = sorted(set(dose) - set(DOSE_FIELDS))
    if extra:
        raise _Bad(f"it has an exercise dose with a field backcare does not know ({_show_key(extra[0])})")
    for key in ("sets", "reps", "hold_seconds"):
        if dose.get(key) is not None and (not _is_int(dose[key]) or not 0 <= dose[key] < 10**6):
            raise _Bad(f"each exercise's dose {key} must be a whole number, not {_kind(dose[key])}")
    for key in ("side", "text"):
        if dose.get(key) is not None:
            _short(dose[key], f"each exercise's dose {key}")


def _session_edit(record: Any, state: _State, file: ImportFile) -> None:
    """A deleted session, kept in the session edit history."""
    record = _fields(
        record, ("session", "date", "action", "before", "at"), ("session", "date", "action", "before", "at")
    )
    number = record["session"]
    if not _is_int(number) or not 0 <= number < 10**9:
        raise _Bad(f"session must be a whole number from 0, not {_kind(number)}")
    _day(record["date"], "date", state.today)
    if record["action"] != "delete":
        raise _Bad('action must be "delete"')
    try:
        before = _session_values(record["before"], state.today, SESSION_KEYS)
    except _Bad as exc:
        raise _Bad(f"before: {exc}") from None
    if before["date"] != record["date"]:
        raise _Bad(f"before is a session of another day ({before['date']})")
    _stamp(record, "at")


def _stage(record: Any, state: _State, file: ImportFile) -> None:
    record = _fields(
        record,
        ("routine", "date", "stage", "decision", "reasons", "manual", "at"),
        ("routine", "date", "stage", "decision", "at"),
    )
    _short(record["routine"], "routine")
    _day(record["date"], "date", state.today)
    _short(record["stage"], "stage")
    _short(record["decision"], "decision")
    for reason in _list(record.get("reasons", []), "reasons"):
        _text(reason, "each of reasons", MAX_SETTING)
    if "manual" in record:
        _bool(record["manual"], "manual")
    _stamp(record, "at")


def _screen(record: Any, state: _State, file: ImportFile) -> None:
    record = _fields(record, ("date", "answers", "seen_doctor", "at"), ("date", "answers", "at"))
    if record.get("seen_doctor") is not None:
        _bool(record["seen_doctor"], "seen_doctor")
    _day(record["date"], "date", state.today)
    answers = record["answers"]
    if not isinstance(answers, dict):
        raise _Bad(f"answers must be an object of question ids and true/false, not {_kind(answers)}")
    from backcare.domain.safety import BY_ID

    if not answers:
        raise _Bad("answers must hold at least one answer")
    for key, answer in answers.items():
        if key not in BY_ID:
            raise _Bad(f"answers has {_show_key(key)}, which is not a question of the safety screen")
        if not isinstance(answer, bool):
            raise _Bad("answers must map each question id to true or false")
    _stamp(record, "at")


def _clearance(record: Any, state: _State, file: ImportFile) -> None:
    """A clinician's clearance of history answers (a past cancer, a fall), as `safety clear` records it."""
    record = _fields(record, ("date", "by", "note", "covers", "at"), ("date", "by", "at"))
    _day(record["date"], "date", state.today)
    _short(record["by"], "by")
    if record.get("note") is not None:
        _text(record["note"], "note", MAX_SETTING)
    from backcare.domain.safety import HISTORY_QUESTIONS

    history = {q.id for q in HISTORY_QUESTIONS}
    for item in _list(record.get("covers", []), "covers"):
        if item not in history:
            raise _Bad("covers must list history questions of the safety screen (past-cancer, trauma)")
    _stamp(record, "at")


def _topic(record: Any, state: _State, file: ImportFile) -> None:
    record = _fields(record, ("topic", "first_read", "last_read"), ("topic", "first_read", "last_read"))
    topic = _short(record["topic"], "topic")
    first = _day(record["first_read"], "first_read", state.today)
    last = _day(record["last_read"], "last_read", state.today)
    if first > last:
        raise _Bad("first_read is after last_read")
    if not state.add("topic", topic):
        raise _Bad(f"it repeats topic {topic}" if len(topic) <= 40 else "it repeats a topic")


def _routine(record: Any, state: _State, file: ImportFile) -> None:
    record = _fields(record, ("name", "origin", "imported_at", "source"), ("name", "imported_at", "source"))
    name = _short(record["name"], "name")
    if record.get("origin") is not None:
        _text(record["origin"], "origin", MAX_SETTING)
    _stamp(record, "imported_at")
    _text(record["source"], "source")
    try:
        file.check_routine(name, record["source"])
    except BackcareError as exc:
        raise _Bad(_rule(exc.message)) from None
    if not state.add("routine", name):
        raise _Bad(f"it repeats name {name}" if len(name) <= 40 else "it repeats a routine")


def _routine_image(record: Any, state: _State, file: ImportFile) -> None:
    import base64
    import binascii

    from backcare.content.images import MAX_IMAGE_BYTES, path_problem, sniff

    record = _fields(record, ("routine", "exercise", "path", "mime", "data"), ("routine", "exercise", "path", "data"))
    routine = _short(record["routine"], "routine")
    if not state.has("routine", routine):
        raise _Bad("it is a picture of a routine the file does not hold")
    exercise = _short(record["exercise"], "exercise")
    why = path_problem(_short(record["path"], "path"))
    if why is not None:
        raise _Bad(why)
    _text(record["data"], "data", MAX_IMAGE_BYTES * 4 // 3 + 8)
    try:
        data = base64.b64decode(record["data"], validate=True)
    except (binascii.Error, ValueError):
        raise _Bad("data must be base64 text") from None
    mime, why = sniff(data)
    if mime is None:
        raise _Bad(f"data: {why}")
    record["mime"] = mime  # by content, whatever the file says
    if not state.add("routine_image", f"{routine}\n{exercise}"):
        raise _Bad(f"it repeats the picture of {exercise}" if len(exercise) <= 40 else "it repeats a picture")


def _profile(record: Any, state: _State, file: ImportFile) -> None:
    from backcare.domain.profile import FIELDS, problem

    record = _fields(record, ("field", "value", "updated_at"), ("field", "value"))
    name = record["field"]
    if name not in FIELDS:
        raise _Bad(f"field must be one of {', '.join(FIELDS)}")
    value = _short(record["value"], "value")
    why = problem(value)
    if why is not None:
        raise _Bad(f"value {why}")
    _stamp(record, "updated_at", required=False)
    if not state.add("profile", name):
        raise _Bad(f"it repeats field {name}")


def _settings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Bad(f'"settings" must be an object, not {_kind(value)}')
    for key, item in value.items():
        if len(key) > MAX_NAME:
            raise _Bad(f'"settings" has a key longer than {MAX_NAME} characters')
        if not isinstance(item, str):
            raise _Bad(f"setting {_show_key(key)} must be text, not {_kind(item)}")
        if len(item) > MAX_SETTING:
            raise _Bad(f"setting {_show_key(key)} must be at most {MAX_SETTING} characters")
        known = _known_setting(key, item)
        if known is not None:
            value[key] = known
    return value


def _known_setting(key: str, item: str) -> str | None:
    """A setting `backcare config` knows (day-starts) must hold a value it accepts, so an import never stores one
    that every command would then quietly ignore; returns it as `config set` stores it ('06:00' -> '6'), so the
    same value written another way is no conflict. None for any other setting."""
    from backcare.domain import config

    spec = config.KEYS.get(key)
    if spec is None:
        return None
    try:
        return str(spec.parse(item))
    except InvalidInput as exc:
        raise _Bad(f"its setting {exc.message.rstrip('.')}") from None


def _record_kind(section: str, record: Any, state: _State) -> None:
    """A record kind that checks its own import records (store/records/<kind>.py)."""
    import importlib

    try:
        importlib.import_module(f"backcare.store.records.{section}").check(record, state.today)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


_CHECKS: dict[str, Callable[[Any, _State, ImportFile], None]] = {
    "checkins": _checkin,
    "checkin_edits": _edit,
    "sessions": _session,
    "session_edits": _session_edit,
    "stage_history": _stage,
    "safety_screens": _screen,
    "clearances": _clearance,
    "topics_read": _topic,
    "routines": _routine,
    "routine_images": _routine_image,
    "profile": _profile,
    "fhir_sync": lambda record, state, file: _record_kind("fhir_sync", record, state),
}
