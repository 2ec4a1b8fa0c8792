"""The person's settings (`backcare config`): every known key with its type, default and meaning, declared once.
Pure functions: the values are stored as text in the settings table (services/config.py reads and writes them)."""

from __future__ import annotations

from collections.abc import Callable  # not typing: `backcare due` imports this module on every shell start

from backcare.errors import InvalidInput

DAY_STARTS = "day-starts"
DAY_STARTS_DEFAULT = 4


class Key:
    """One setting. A plain class, no dataclass or re: `backcare due` reads day-starts on every shell start."""

    __slots__ = ("name", "kind", "default", "help", "parse", "show")

    def __init__(
        self, name: str, kind: str, default: int, help: str, parse: Callable[[str], int], show: Callable[[int], str]
    ) -> None:
        self.name = name
        self.kind = kind  # what the value is, in words, for `config list`
        self.default = default
        self.help = help
        self.parse = parse  # text a person typed (or stored text) -> the value; InvalidInput when not valid
        self.show = show  # the value as a person reads it


def parse_hour(raw: str) -> int:
    """An hour of the day, 0-23: '4', '04' or '04:00'."""
    text = raw.strip()
    if text.endswith(":00"):
        text = text[:-3]
    if not (1 <= len(text) <= 2 and text.isascii() and text.isdigit() and int(text) <= 23):
        raise InvalidInput(f"day-starts takes an hour from 0 to 23 (e.g. 4 or 04:00), not {_quoted(raw)}.")
    return int(text)


def show_hour(hour: int) -> str:
    return f"{hour:02d}:00"


KEYS: dict[str, Key] = {
    DAY_STARTS: Key(
        DAY_STARTS,
        "hour 0-23",
        DAY_STARTS_DEFAULT,
        "The hour a new day starts: a check-in before it counts for the day before.",
        parse_hour,
        show_hour,
    ),
}


def key(name: str) -> Key:
    """The known key called `name`; one sentence naming the known keys otherwise."""
    found = KEYS.get(name.strip().lower())
    if found is None:
        known = ", ".join(sorted(KEYS))
        raise InvalidInput(f"There is no setting called {_quoted(name)}; the settings are: {known}.")
    return found


def stored_value(name: str, stored: str | None) -> int:
    """The value of a known key from its stored text: the default when it is not set, or when the stored text
    is not a valid value (an edited or imported database), so a bad setting never stops a command."""
    spec = KEYS[name]
    if stored is None:
        return spec.default
    try:
        return spec.parse(stored)
    except InvalidInput:
        return spec.default


def _quoted(raw: str) -> str:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return repr(shown)
