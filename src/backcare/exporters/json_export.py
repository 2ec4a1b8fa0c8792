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
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from backcare.errors import BackcareError
from backcare.store.records import NAMES
from backcare.store.records.checks import MAX_NAME, MAX_STAMP
from backcare.store.records.checks import Bad as _Bad
from backcare.store.records.checks import is_int as _is_int
from backcare.store.records.checks import kind as _kind
from backcare.store.records.checks import short as _short
from backcare.store.records.checks import show_key as _show_key
from backcare.valueclass import mutable

FORMAT = "backcare-export"
VERSION = 1
MAX_BYTES = 200 * 1024 * 1024
MAX_RECORD = 8 * 1024 * 1024  # one record, as text (a routine file is at most 2 MB)
CHUNK = 256 * 1024
SECTIONS = NAMES  # the record kinds of store/records, in export order (the reader asks the registry itself)
HEADER = ("format", "version", "exported_at", "schema_version", "backcare_version")


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


def _events(reader: _Reader, lists: Iterable[str]) -> Iterator[tuple[str, Any, bool]]:
    """(key, value, may_hold_surrogates) for each top-level member; list sections one record at a time as
    (section, (index, record), ...)."""
    if reader.peek() != "{":
        reader.value()  # not JSON, or JSON nested absurdly deep: say so
        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}")')
    reader.pos += 1
    lists = frozenset(lists)
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
            if key in lists and reader.peek() == "[":
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
                if key in lists:
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


@mutable
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
        check_measure: Callable[[str, str], None] | None = None,
        max_bytes: int | None = None,
    ):
        self.path = path
        self.today = today
        self.latest_schema = latest_schema
        self.check_routine = check_routine
        self.check_measure = check_measure  # the rules of `backcare measure import`, for a measure's file
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
        from backcare.store.records import by_section

        kinds = by_section()  # the record kinds in export order
        order = {section: n for n, section in enumerate(kinds)}
        lists = [section for section, kind in kinds.items() if not kind.is_object]
        with fh, closing(_State(self.today, self.check_routine)) as state:
            state.check_measure = self.check_measure
            header: dict[str, Any] = {}
            settings: dict[str, str] = {}
            for key, value, odd in _events(_Reader(fh, self.max_bytes, copy), lists):
                if key in lists:
                    if "version" not in header:  # the header comes first in every export backcare writes
                        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}" at the start)')
                    if order[key] < state.section:
                        after = "settings" if state.section >= len(order) else list(kinds)[state.section]
                        raise _Bad(f'its "{key}" section must come before "{after}", as in every backcare export')
                    state.section = order[key]
                    if value is None:
                        continue
                    index, record = value
                    try:
                        if odd:
                            _no_lone_surrogates(record)
                        kinds[key].check(record, state)
                    except ValueError as exc:  # a kind's check says what is wrong as a clause
                        raise _Bad(f"{_where(key, index, record)}: {exc}") from None
                    state.counts[key] = index + 1
                    yield key, record
                    continue
                if odd:
                    _no_lone_surrogates(value)
                if key == "settings":
                    try:
                        kinds[key].check(value, state)
                    except ValueError as exc:
                        raise _Bad(str(exc)) from None
                    settings = value
                    state.section = len(order)
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

    def __init__(self, today: date, check_routine: Callable[[str, str], None]):
        import sqlite3

        self.today = today
        self.check_routine = check_routine  # the rules of `backcare routine import`
        self.check_measure: Callable[[str, str], None] | None = None  # the rules of `backcare measure import`
        from backcare.content.images import MAX_IMAGE_BYTES

        self.max_picture_chars = MAX_IMAGE_BYTES * 4 // 3 + 8
        self.counts: dict[str, int] = {}
        self.keys = sqlite3.connect("")  # "": a temporary database on disk, deleted when closed
        self.keys.execute("CREATE TABLE seen (kind TEXT, key TEXT, PRIMARY KEY (kind, key)) WITHOUT ROWID")
        self.unexplained: dict[str, int] = {}  # day of an "update" edit with no check-in (yet) -> its index
        self.section = -1  # where in SECTIONS the file has got to

    def add(self, kind: str, key: str) -> bool:
        """Remember `key`; False when it was seen before."""
        return self.keys.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (kind, key)).rowcount == 1

    def picture(self, path: str, data: bytes) -> str:
        """The media type of a routine picture in the file, by its bytes; _Bad when it is not one backcare shows."""
        from backcare.content.images import path_problem, sniff

        why = path_problem(path)
        if why is not None:
            raise _Bad(why)
        mime, why = sniff(data)
        if mime is None:
            raise _Bad(f"data: {why}")
        return mime

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
