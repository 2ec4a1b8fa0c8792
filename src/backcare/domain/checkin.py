"""Check-in values, their validation, and what changed between two versions of a day."""

from __future__ import annotations

import re
from dataclasses import field, fields, replace
from datetime import date
from typing import Any

from backcare.errors import InvalidInput
from backcare.valueclass import frozen

CORE = ("pain", "stiffness")
SCORES = ("pain", "stiffness", "sleep", "stress")
MAX_NOTE = 2000
MAX_TAGS = 20
MAX_MEDS = 20
MAX_MED = 80
LEG_SIDES = ("left", "right", "both")
_TAG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"  # compiled when a tag is given (re caches it), not at every start

# What 0 and 10 mean on each scale: one place, so the prompt, --help, every table and every export agree.
# Sleep is the one scale where 10 is good.
ANCHORS = {
    "pain": ("no pain", "worst imaginable"),
    "stiffness": ("none", "worst imaginable"),
    "sleep": ("very poor", "very good"),
    "stress": ("none", "extreme"),
    "leg_pain": ("none", "worst imaginable"),
}


def scale(name: str) -> str:
    """'0 = very poor, 10 = very good' for sleep; the same words wherever a scale is shown."""
    low, high = ANCHORS[name]
    return f"0 = {low}, 10 = {high}"


@frozen
class CheckIn:
    day: date
    pain: int
    stiffness: int
    sleep: int | None = None
    stress: int | None = None
    note: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    settled: bool | None = None
    leg_pain: int | None = None
    leg_side: str | None = None
    meds: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        """The check-in as plain values (its export shape): every field, in order, the day as "date"."""
        out: dict[str, Any] = {"date": self.day.isoformat()}
        for name in FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out


# The kind of value each field holds (every field after the day): "score" (0-10 or none; pain and stiffness
# are required), "note", "tags", "flag" (yes/no or none), "side" (left, right, both or none; only with leg pain
# above 0), "meds" (medicine names). The stored columns and their codec, the import checks and the CSV columns all
# follow from this table, so a new field is declared here and in CheckIn, plus its migration and its option.
KINDS: dict[str, str] = {
    "pain": "score",
    "stiffness": "score",
    "sleep": "score",
    "stress": "score",
    "tags": "tags",
    "note": "note",
    "settled": "flag",
    "leg_pain": "score",
    "leg_side": "side",
    "meds": "meds",
}


def parse_clear(raw: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The fields `--clear` names, each once ('leg-pain' or 'leg_pain'; 'medicines' for meds). Clearing leg pain
    clears its side too. Pain and stiffness cannot be cleared: every check-in has them."""
    names: list[str] = []
    for item in raw or ():
        if not str(item).replace(",", "").strip():  # an empty shell variable: never taken as no --clear at all
            raise InvalidInput("Name the value to clear, e.g. --clear note.")
        for part in str(item).split(","):
            name = part.strip().lower().replace("-", "_")
            if not name:
                continue
            name = {"medicines": "meds", "medicine": "meds", "tag": "tags"}.get(name, name)
            if name in CORE:
                raise InvalidInput(
                    f"{name.title()} cannot be cleared: every check-in has it. Give the right value, e.g. --{name} 3."
                )
            if name not in KINDS:
                choices = ", ".join(n.replace("_", "-") for n in KINDS if n not in CORE)
                raise InvalidInput(f"There is no {_shown(part.strip())} to clear: choose from {choices}.")
            if name not in names:
                names.append(name)
    if "leg_pain" in names and "leg_side" not in names:
        names.append("leg_side")
    return tuple(names)


def _shown_order() -> tuple[str, ...]:
    """The fields after the day, in the order they are exported and shown: as declared, but the tags before the
    note (as backcare has always written them)."""
    names = [f.name for f in fields(CheckIn)[1:]]
    names.remove("tags")
    names.insert(names.index("note"), "tags")
    return tuple(names)


FIELDS = _shown_order()


def more_words(c: CheckIn) -> str:
    """The day's optional values in words, each scale with its direction: 'Sleep 8 (0 = very poor, 10 = very
    good), stress 2 (0 = none, 10 = extreme), leg pain 5 on the left, medicines: ibuprofen 400mg.' ('' if none)."""
    parts = [
        f"{name} {getattr(c, key)} ({scale(key)})"
        for key, name in (("sleep", "sleep"), ("stress", "stress"))
        if getattr(c, key) is not None
    ]
    if c.leg_pain is not None:
        side = {"left": " on the left", "right": " on the right", "both": " in both legs"}.get(c.leg_side or "", "")
        parts.append(f"leg pain {c.leg_pain}{side}")
    if c.meds:
        parts.append("medicines: " + ", ".join(c.meds))
    if not parts:
        return ""
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def whole_number(text: str) -> bool:
    """`re.fullmatch(r"[+-]?[0-9]+", text)`, without compiling a pattern on every check-in's start."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits.isascii() and digits.isdigit()


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
        if not whole_number(text):
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
            if not re.match(_TAG, tag) or len(tag) > 40:
                raise InvalidInput(
                    f"Tag {part.strip()!r} is not allowed: use one word of letters and digits, "
                    "joined with '-' (e.g. long-drive)."
                )
            if tag not in tags:
                tags.append(tag)
                if len(tags) > MAX_TAGS:  # here, not after the loop: thousands of tags are not compared pairwise
                    raise InvalidInput(f"A check-in can have at most {MAX_TAGS} tags.")
    return tuple(tags) or None


def parse_leg(pain: int | None, side: str | None) -> tuple[int | None, str | None]:
    """Leg pain and the side it is on. A side needs leg pain above 0; leg pain may come without a side."""
    if side is None:
        return pain, None
    text = _side(side)
    if pain is None:
        raise InvalidInput("A leg side goes with leg pain: pass --leg-pain N (1-10) too.")
    if pain == 0:
        raise InvalidInput("Leg pain 0 means no leg pain, so it has no side: leave out --leg-side.")
    return pain, text


def parse_side(pain: int | None, side: str | None) -> tuple[int | None, str | None]:
    """`parse_leg` for the command line: a side without leg pain is checked as a side here and against the day's
    own leg pain when it is stored (`build`), so a side alone corrects the side of a day that has leg pain."""
    if pain is None and side is not None:
        return None, _side(side)
    return parse_leg(pain, side)


def _side(side: str) -> str:
    text = str(side).strip().lower()
    if text not in LEG_SIDES:
        raise InvalidInput(f"The leg side must be left, right or both, not {_shown(str(side).strip())}.")
    return text


def parse_meds(raw: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Medicine names as typed (spaces tidied), each listed once whatever its case; None when not given."""
    if not raw:
        return None
    meds: list[str] = []
    for item in raw:
        text = " ".join(str(item).split())
        if not text:
            continue
        if not text.isprintable():
            raise InvalidInput("A medicine name cannot hold control characters: type it as plain text.")
        if len(text) > MAX_MED:
            raise InvalidInput(f"A medicine can be at most {MAX_MED} characters (this one has {len(text)}).")
        if text.casefold() not in (m.casefold() for m in meds):
            meds.append(text)
            if len(meds) > MAX_MEDS:  # here, not after the loop: thousands of names are not compared pairwise
                raise InvalidInput(f"A check-in can have at most {MAX_MEDS} medicines.")
    return tuple(meds) or None


def same_spelling(meds: tuple[str, ...], known: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Each medicine spelt as it was the last time it was recorded ("Ibuprofen 400mg" for "ibuprofen 400MG")."""
    by_key = {m.casefold(): m for m in reversed(known)}
    return tuple(by_key.get(m.casefold(), m) for m in meds)


def numbered(offered: list[str] | tuple[str, ...]) -> str:
    """'1) desk  2) gardening': the person's recent tags or medicines, to pick by number."""
    return "  ".join(f"{i}) {item}" for i, item in enumerate(offered, start=1))


def pick(text: str, offered: list[str] | tuple[str, ...], *, words: bool) -> list[str]:
    """The items an answer names: numbers pick from `offered` (1 is the first), anything else is new.

    Parts are separated by commas; with `words` (tags, one word each) spaces separate them too, otherwise a part
    made only of numbers ("1 3") picks those and any other part is one new item ("ibuprofen 400mg").
    """
    chosen: list[str] = []
    for part in text.split(","):
        pieces = part.split()
        if not pieces:
            continue
        if words or all(_is_number(p) for p in pieces):
            items = pieces
        else:
            items = [" ".join(pieces)]
        for item in items:
            if _is_number(item):
                number = int(item) if len(item) < 6 else 0
                if not 1 <= number <= len(offered):
                    if not offered:
                        raise InvalidInput(f"There is nothing to pick by number yet: type {item!r} as words.")
                    raise InvalidInput(f"Pick a number from 1 to {len(offered)}, not {_shown(item)}.")
                item = offered[number - 1]
            if item not in chosen:
                chosen.append(item)
    return chosen


def _is_number(text: str) -> bool:
    """Digits 0-9 only: '²' or '①' count as digits to str.isdigit() but are not numbers anyone picks by."""
    return text.isascii() and text.isdigit()


def parse_note(raw: str | None) -> str | None:
    if raw is None:
        return None
    note = raw.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note can be at most {MAX_NOTE} characters (this one has {len(note)}).")
    return note or None


def build(day: date, *, previous: CheckIn | None, clear: tuple[str, ...] = (), **values: Any) -> CheckIn:
    """The check-in to store: given values (pain, stiffness, ... any field of CheckIn) win, values not given
    (None) keep what the day already had, unless `clear` names them (`parse_clear`): those are emptied. New leg
    pain replaces the side too (leg pain 0 has no side)."""
    given = {key: value for key, value in values.items() if value is not None}
    if "leg_pain" in clear and "leg_pain" not in given and given.get("leg_side") is not None:
        raise InvalidInput("A leg side goes with leg pain: leave out --leg-side when clearing leg pain.")
    if given.get("leg_pain") is not None:
        given["leg_side"] = values.get("leg_side") if given["leg_pain"] else None
    elif given.get("leg_side") is not None:  # a side alone corrects the side of the day's leg pain
        given["leg_side"] = parse_leg(previous.leg_pain if previous else None, given["leg_side"])[1]
    if previous is None:
        missing = [name for name in CORE if given.get(name) is None]
        if missing:
            raise InvalidInput(f"A new check-in needs {' and '.join(missing)}.")
        return CheckIn(day, **given)
    emptied = {name: () if KINDS[name] in ("tags", "meds") else None for name in clear if name not in given}
    return replace(previous, **{**emptied, **given})


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

    def label(name: str) -> str:
        return {"meds": "medicines"}.get(name, name.replace("_", " "))

    return ", ".join(f"{label(name)} {show(before)} -> {show(after)}" for name, before, after in diff)
