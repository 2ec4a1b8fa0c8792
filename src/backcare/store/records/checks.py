"""The field checks of an import: each raises `Bad` (a ValueError) with a clause like 'pain must be ...'.

Every record kind's `check` uses these, so a file can never hold something backcare could not have stored itself;
the JSON reader adds where in the file the record is.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from backcare.errors import InvalidInput

MAX_NAME = 200
MAX_STAMP = 64
MAX_SETTING = 4096


class Bad(ValueError):
    """What is wrong, as the end of a sentence."""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def kind(value: Any) -> str:
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


def show_key(key: str) -> str:
    return repr(key) if len(key) <= 40 and key.isprintable() else "a long or unprintable key"


def rule(message: str) -> str:
    """A domain rule's sentence as a clause."""
    return message.rstrip(".")


def fields(record: Any, known: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise Bad(f"it must be an object, not {kind(record)}")
    unknown = sorted(set(record) - set(known))
    if unknown:
        raise Bad(f"it has a field backcare does not know ({show_key(unknown[0])})")
    for name in required:
        if name not in record:
            raise Bad(f'it is missing "{name}"')
    return record


def score(value: Any, name: str) -> None:
    """A 0-10 score: a JSON whole number, then the check-in rule."""
    from backcare.domain.checkin import parse_score

    if not is_int(value):
        if isinstance(value, float) and value.is_integer() and 0 <= value <= 10:
            raise Bad(f"{name} must be a whole number from 0 to 10, not {value:g} written with a decimal point")
        raise Bad(f"{name} must be a whole number from 0 to 10, not {kind(value)}")
    try:
        parse_score(value, name)
    except InvalidInput as exc:
        raise Bad(rule(exc.message)) from None


def optional_score(record: dict[str, Any], name: str) -> None:
    if record.get(name) is not None:
        score(record[name], name)


def day(value: Any, name: str, today: date) -> str:
    """A day as backcare records it: YYYY-MM-DD, a real date, from 1900 and not after today."""
    from backcare.domain.dates import check_day

    if not isinstance(value, str) or len(value) != 10 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise Bad(f"{name} must be a date written YYYY-MM-DD, not {kind(value)}")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise Bad(f"{name} is not a real calendar date ({value})") from None
    try:
        check_day(parsed, now=today)
    except InvalidInput as exc:
        raise Bad(f"{name} {rule(exc.message)}") from None
    return value


def short(value: Any, name: str, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str):
        raise Bad(f"{name} must be text, not {kind(value)}")
    if not value.strip():
        raise Bad(f"{name} must not be empty")
    if len(value) > limit:
        raise Bad(f"{name} must be at most {limit} characters")
    return value


def text(value: Any, name: str, limit: int | None = None) -> None:
    if not isinstance(value, str):
        raise Bad(f"{name} must be text, not {kind(value)}")
    if limit is not None and len(value) > limit:
        raise Bad(f"{name} must be at most {limit} characters (this one has {len(value)})")


def bool_(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise Bad(f"{name} must be true or false, not {kind(value)}")


def list_(value: Any, name: str, limit: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise Bad(f"{name} must be a list, not {kind(value)}")
    if limit is not None and len(value) > limit:
        raise Bad(f"{name} can have at most {limit} items")
    return value


def stamp(record: dict[str, Any], name: str, required: bool = True) -> None:
    if record.get(name) is None and not required:
        return
    short(record.get(name), name, MAX_STAMP)
