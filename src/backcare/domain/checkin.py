"""Check-in values, their validation, and what changed between two versions of a day."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from backcare.errors import InvalidInput

CORE = ("pain", "stiffness")
SCORES = ("pain", "stiffness", "sleep", "stress")
MAX_NOTE = 2000
MAX_TAGS = 20
_TAG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class CheckIn:
    day: date
    pain: int
    stiffness: int
    sleep: int | None = None
    stress: int | None = None
    note: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    settled: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        """The check-in as plain values (its export shape): every field, in order, the day as "date"."""
        out: dict[str, Any] = {"date": self.day.isoformat()}
        for name in FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out


def _shown_order() -> tuple[str, ...]:
    """The fields after the day, in the order they are exported and shown: as declared, but the tags before the
    note (as backcare has always written them)."""
    names = [f.name for f in fields(CheckIn)[1:]]
    names.remove("tags")
    names.insert(names.index("note"), "tags")
    return tuple(names)


FIELDS = _shown_order()


def parse_score(raw: object, name: str) -> int | None:
    """A whole number 0-10, or None when not given. Accepts ints and digit strings only."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise InvalidInput(f"{name} must be a whole number from 0 to 10.")
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            if re.fullmatch(r"[+-]?\d*[.,]\d+", text):
                raise InvalidInput(f"{name} must be a whole number from 0 to 10, not {_shown(text)} (no decimals).")
            raise InvalidInput(f"{name} must be a whole number from 0 to 10, not {_shown(text)}.")
        digits = text.lstrip("+-").lstrip("0")
        if len(digits) > 6:  # never hand thousands of digits to int(): it refuses them
            raise InvalidInput(f"{name} must be from 0 to 10, not a {len(digits)}-digit number.")
        value = int(text)
    if not 0 <= value <= 10:
        shown = str(value) if abs(value) < 10**6 else f"a {len(str(abs(value)))}-digit number"
        raise InvalidInput(f"{name} must be from 0 to 10, not {shown}.")
    return value


def _shown(text: str) -> str:
    """What the person typed, quoted, cut short when it is long."""
    return repr(text) if len(text) <= 20 else repr(text[:17] + "...")


def parse_tags(raw: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Lower-case, de-duplicated tags made of letters, digits, '-' and '_'; None when not given."""
    if not raw:
        return None
    tags: list[str] = []
    for item in raw:
        for part in str(item).split(","):
            tag = part.strip().lower()
            if not tag:
                continue
            if not _TAG.match(tag) or len(tag) > 40:
                raise InvalidInput(
                    f"Tag {part.strip()!r} is not allowed: use one word of letters and digits, "
                    "joined with '-' (e.g. long-drive)."
                )
            if tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"A check-in can have at most {MAX_TAGS} tags.")
    return tuple(tags) or None


def parse_note(raw: str | None) -> str | None:
    if raw is None:
        return None
    note = raw.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note can be at most {MAX_NOTE} characters (this one has {len(note)}).")
    return note or None


def build(day: date, *, previous: CheckIn | None, **values: Any) -> CheckIn:
    """The check-in to store: given values (pain, stiffness, ... any field of CheckIn) win, values not given
    (None) keep what the day already had."""
    given = {key: value for key, value in values.items() if value is not None}
    if previous is None:
        missing = [name for name in CORE if given.get(name) is None]
        if missing:
            raise InvalidInput(f"A new check-in needs {' and '.join(missing)}.")
        return CheckIn(day, **given)
    return replace(previous, **given)


def changes(old: CheckIn, new: CheckIn) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field that differs."""
    out = []
    for name in FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            out.append((name, before, after))
    return out


def describe_changes(diff: list[tuple[str, object, object]]) -> str:
    """'pain 5 -> 4, tags none -> gardening'."""

    def show(value: object) -> str:
        if value is None or value == ():
            return "none"
        if isinstance(value, tuple):
            return ",".join(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str) and len(value) > 30:
            return repr(value[:27] + "...")
        return str(value) if not isinstance(value, str) else repr(value)

    return ", ".join(f"{name} {show(before)} -> {show(after)}" for name, before, after in diff)
