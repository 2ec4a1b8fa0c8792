"""The backcare JSON export: everything, lossless, and the checks that make importing it safe.

Layout (version 1), keys always in this order:

    {"format": "backcare-export", "version": 1, "exported_at": ..., "schema_version": ...,
     "backcare_version": ..., "checkins": [...], "checkin_edits": [...], "sessions": [...],
     "stage_history": [...], "safety_screens": [...], "topics_read": [...], "routines": [...],
     "settings": {...}}

`checkin_edits` is the edit history of check-ins (earlier versions, oldest first), kept as its own list
so the history of deleted days is not lost. `routines` holds the source text of imported routine files.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any, Callable

from backcare.errors import BackcareError

FORMAT = "backcare-export"
VERSION = 1
MAX_BYTES = 200 * 1024 * 1024
SECTIONS = (
    "checkins",
    "checkin_edits",
    "sessions",
    "session_edits",
    "stage_history",
    "safety_screens",
    "topics_read",
    "routines",
    "settings",
)
HEADER = ("format", "version", "exported_at", "schema_version", "backcare_version")


def render(body: dict[str, Any], *, exported_at: str, backcare_version: str) -> str:
    """The export as text; the same data always gives the same bytes (apart from exported_at)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "schema_version": body["schema_version"],
        "backcare_version": backcare_version,
        **{section: body[section] for section in SECTIONS},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- reading and validating ----------------------------------------------------------------------


class _Bad(Exception):
    """What is wrong, as the end of a sentence."""


def load(path: Path, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """Read and fully validate an export file. Raises BackcareError with one sentence naming the file."""
    try:
        return _load(path, max_bytes)
    except _Bad as exc:
        raise BackcareError(f"{path} cannot be imported: {exc}. Nothing was changed.") from None


def _load(path: Path, max_bytes: int) -> dict[str, Any]:
    try:
        if path.is_dir():
            raise _Bad("it is a folder, not an export file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise _Bad("there is no such file") from None
    except OSError as exc:
        raise _Bad(f"it cannot be read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise _Bad(f"it is {_mb(size)}, larger than the {_mb(max_bytes)} backcare accepts")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _Bad(f"it cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise _Bad(f"it is larger than the {_mb(max_bytes)} backcare accepts")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Bad("it is not UTF-8 text, so it is not a backcare JSON export") from None
    del raw
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise _Bad(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg.lower()})") from None
    except RecursionError:
        raise _Bad("it is nested far too deeply to be a backcare export") from None
    except ValueError as exc:  # a number with thousands of digits
        raise _Bad(f"it contains a value JSON readers cannot handle ({str(exc).split('.')[0].lower()})") from None
    validate(doc)
    return doc


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


# -- the shape of version 1 ----------------------------------------------------------------------

_TAG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NAME = 200
MAX_STAMP = 64
MAX_NOTE = 2000
MAX_TAGS = 20

Check = Callable[[Any], None]


def validate(doc: Any) -> None:
    """Raise _Bad (the end of a sentence) at the first thing that is wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _Bad(f'it is not a backcare export (it has no "format": "{FORMAT}")')
    version = doc.get("version")
    if not _is_int(version):
        raise _Bad('its "version" must be a whole number')
    if version > VERSION:
        raise _Bad(
            f"it was written by a newer backcare (export version {version}; this one reads version "
            f"{VERSION}); upgrade backcare first"
        )
    if version != VERSION:
        raise _Bad(f"export version {version} is not one backcare knows")
    unknown = sorted(set(doc) - set(HEADER) - set(SECTIONS))
    if unknown:
        raise _Bad(f"it has a section backcare does not know ({_show_key(unknown[0])})")
    for key in ("exported_at", "backcare_version"):
        if key in doc and doc[key] is not None:
            _short(doc[key], MAX_STAMP)
    if "schema_version" in doc and not _is_int(doc["schema_version"]):
        raise _Bad('its "schema_version" must be a whole number')
    for section, fields, unique in _RECORDS:
        rows = doc.get(section, [])
        if not isinstance(rows, list):
            raise _Bad(f'"{section}" must be a list, not {_kind(rows)}')
        seen: set = set()
        for i, row in enumerate(rows):
            where = f'"{section}" entry {i + 1}'
            if isinstance(row, dict) and isinstance(row.get("date"), str) and _DATE.match(row["date"]):
                where += f" ({row['date']})"
            _record(row, fields, where)
            if unique:
                key = tuple(row[k] for k in unique)
                if key in seen:
                    raise _Bad(
                        f"{where} repeats {' and '.join(unique)} {' '.join(map(str, key))}"
                        if all(isinstance(k, str) and len(k) <= 40 for k in key)
                        else f"{where} is a repeat of an earlier entry"
                    )
                seen.add(key)
        if section == "topics_read":
            for i, row in enumerate(rows):
                if row["first_read"] > row["last_read"]:
                    raise _Bad(f'"topics_read" entry {i + 1}: first_read is after last_read')
    settings = doc.get("settings", {})
    if not isinstance(settings, dict):
        raise _Bad(f'"settings" must be an object, not {_kind(settings)}')
    for key, value in settings.items():
        if len(key) > MAX_NAME:
            raise _Bad('"settings" has a key longer than 200 characters')
        if not isinstance(value, str):
            raise _Bad(f"setting {_show_key(key)} must be text, not {_kind(value)}")


def _record(row: Any, fields: dict[str, tuple[bool, Check]], where: str) -> None:
    if not isinstance(row, dict):
        raise _Bad(f"{where} must be an object, not {_kind(row)}")
    unknown = sorted(set(row) - set(fields))
    if unknown:
        raise _Bad(f"{where} has a field backcare does not know ({_show_key(unknown[0])})")
    for name, (required, check) in fields.items():
        if name not in row:
            if required:
                raise _Bad(f'{where} is missing "{name}"')
            continue
        try:
            check(row[name])
        except _Bad as exc:
            raise _Bad(f'{where}: "{name}" {exc}') from None


# field checks: each raises _Bad("must be ...") -------------------------------------------------


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


def _score(value: Any) -> None:
    if not _is_int(value):
        if isinstance(value, float) and value.is_integer() and 0 <= value <= 10:
            raise _Bad(f"must be a whole number from 0 to 10, not {value:g} written with a decimal point")
        raise _Bad(f"must be a whole number from 0 to 10, not {_kind(value)}")
    if not 0 <= value <= 10:
        raise _Bad(f"must be from 0 to 10, not {_kind(value)}")


def _optional(check: Check) -> Check:
    def run(value: Any) -> None:
        if value is not None:
            check(value)

    return run


def _date(value: Any) -> None:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _Bad(f"must be a date written YYYY-MM-DD, not {_kind(value)}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"is not a real calendar date ({value})") from None


def _short(value: Any, limit: int = MAX_NAME) -> None:
    if not isinstance(value, str):
        raise _Bad(f"must be text, not {_kind(value)}")
    if not value.strip():
        raise _Bad("must not be empty")
    if len(value) > limit:
        raise _Bad(f"must be at most {limit} characters")


def _text(limit: int | None) -> Check:
    def run(value: Any) -> None:
        if not isinstance(value, str):
            raise _Bad(f"must be text, not {_kind(value)}")
        if limit is not None and len(value) > limit:
            raise _Bad(f"must be at most {limit} characters (this one has {len(value)})")

    return run


def _stamp(value: Any) -> None:
    _short(value, MAX_STAMP)


def _bool(value: Any) -> None:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_kind(value)}")


def _object(value: Any) -> None:
    if not isinstance(value, dict):
        raise _Bad(f"must be an object, not {_kind(value)}")


def _list_of(check: Check, *, limit: int | None = None, unique: bool = False) -> Check:
    def run(value: Any) -> None:
        if not isinstance(value, list):
            raise _Bad(f"must be a list, not {_kind(value)}")
        if limit is not None and len(value) > limit:
            raise _Bad(f"can have at most {limit} items")
        for item in value:
            check(item)
        if unique and len(set(value)) != len(value):
            raise _Bad("lists the same item twice")

    return run


def _tag(value: Any) -> None:
    if not isinstance(value, str) or len(value) > 40 or not _TAG.match(value):
        raise _Bad("must hold tags made of lower-case letters and digits joined with '-' or '_'")


def _action(value: Any) -> None:
    if value not in ("update", "delete"):
        raise _Bad('must be "update" or "delete"')


def _answers(value: Any) -> None:
    if not isinstance(value, dict):
        raise _Bad(f"must be an object of question ids and true/false, not {_kind(value)}")
    for key, answer in value.items():
        if len(key) > MAX_NAME or not isinstance(answer, bool):
            raise _Bad("must map each question id to true or false")


MAX_SESSION_EXERCISES = 200
_EXERCISE_FIELDS = {"id", "status", "sets_done", "dose"}
_DOSE_FIELDS = {"sets", "reps", "hold_seconds", "side", "text"}


def _count(value: Any) -> None:
    if not _is_int(value) or not 0 <= value < 10**9:
        raise _Bad(f"must be a whole number from 0, not {_kind(value)}")


def _session_action(value: Any) -> None:
    if value != "delete":
        raise _Bad('must be "delete"')


def _exercise_record(value: Any) -> None:
    """One exercise of a session: {"id", "status": done|partly|skipped, "sets_done", "dose"}."""
    _object(value)
    unknown = sorted(set(value) - _EXERCISE_FIELDS)
    if unknown:
        raise _Bad(f"has an exercise with a field backcare does not know ({_show_key(unknown[0])})")
    if "id" not in value:
        raise _Bad("has an exercise without an id")
    _short(value["id"])
    if value.get("status") not in ("done", "partly", "skipped"):
        raise _Bad('has an exercise whose status is not "done", "partly" or "skipped"')
    sets = value.get("sets_done")
    if sets is not None and (not _is_int(sets) or not 0 <= sets <= 99):
        raise _Bad(f"has an exercise whose sets_done is not a whole number from 0 to 99 ({_kind(sets)})")
    dose = value.get("dose")
    if dose is not None:
        _object(dose)
        extra = sorted(set(dose) - _DOSE_FIELDS)
        if extra:
            raise _Bad(f"has an exercise dose with a field backcare does not know ({_show_key(extra[0])})")
        for key in ("sets", "reps", "hold_seconds"):
            if dose.get(key) is not None and (not _is_int(dose[key]) or not 0 <= dose[key] < 10**6):
                raise _Bad(f"has an exercise dose whose {key} is not a whole number ({_kind(dose[key])})")
        for key in ("side", "text"):
            if dose.get(key) is not None:
                _short(dose[key])


_REQ, _OPT = True, False
_RECORDS: tuple[tuple[str, dict[str, tuple[bool, Check]], tuple[str, ...]], ...] = (
    (
        "checkins",
        {
            "date": (_REQ, _date),
            "pain": (_REQ, _score),
            "stiffness": (_REQ, _score),
            "sleep": (_OPT, _optional(_score)),
            "stress": (_OPT, _optional(_score)),
            "tags": (_OPT, _list_of(_tag, limit=MAX_TAGS, unique=True)),
            "note": (_OPT, _optional(_text(MAX_NOTE))),
            "settled": (_OPT, _optional(_bool)),
            "recorded_at": (_OPT, _optional(_stamp)),
            "updated_at": (_OPT, _optional(_stamp)),
        },
        ("date",),
    ),
    (
        "checkin_edits",
        {
            "date": (_REQ, _date),
            "action": (_REQ, _action),
            "before": (_REQ, _object),
            "after": (_OPT, _optional(_object)),
            "at": (_REQ, _stamp),
        },
        (),
    ),
    (
        "sessions",
        {
            "date": (_REQ, _date),
            "routine": (_REQ, _short),
            "stage": (_REQ, _short),
            "started": (_OPT, _optional(_stamp)),
            "done": (_OPT, _list_of(_short)),
            "skipped": (_OPT, _list_of(_short)),
            "exercises": (_OPT, _list_of(_exercise_record, limit=MAX_SESSION_EXERCISES)),
            "pain_during": (_OPT, _optional(_score)),
            "effort": (_OPT, _optional(_score)),
            "at": (_REQ, _stamp),
        },
        (),  # several sessions a day are separate records
    ),
    (
        "session_edits",
        {
            "session": (_REQ, _count),
            "date": (_REQ, _date),
            "action": (_REQ, _session_action),
            "before": (_REQ, _object),
            "at": (_REQ, _stamp),
        },
        (),
    ),
    (
        "stage_history",
        {
            "routine": (_REQ, _short),
            "date": (_REQ, _date),
            "stage": (_REQ, _short),
            "decision": (_REQ, _short),
            "reasons": (_OPT, _list_of(_text(None))),
            "manual": (_OPT, _bool),
            "at": (_REQ, _stamp),
        },
        (),
    ),
    (
        "safety_screens",
        {
            "date": (_REQ, _date),
            "answers": (_REQ, _answers),
            "at": (_REQ, _stamp),
        },
        (),
    ),
    (
        "topics_read",
        {
            "topic": (_REQ, _short),
            "first_read": (_REQ, _date),
            "last_read": (_REQ, _date),
        },
        ("topic",),
    ),
    (
        "routines",
        {
            "name": (_REQ, _short),
            "origin": (_OPT, _optional(_text(4096))),
            "imported_at": (_REQ, _stamp),
            "source": (_REQ, _text(None)),
        },
        ("name",),
    ),
)
