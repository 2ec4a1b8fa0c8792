"""`backcare config`: the person's settings, stored in the database (the keys are declared in domain/config.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare.domain import config
from backcare.errors import InvalidInput
from backcare.store import Store

if TYPE_CHECKING:
    # Made only by `backcare config`: every other command comes here just for the day-rollover hour.
    from backcare.domain.setting import Setting


def get(store: Store, name: str) -> Setting:
    """One setting as plain data: key, value (as shown), whether it is the default, and what it means."""
    spec = config.key(name)
    return _entry(spec, store.get_setting(spec.name))


def listing(store: Store) -> list[Setting]:
    """Every known setting, in name order."""
    return [_entry(spec, store.get_setting(spec.name)) for _, spec in sorted(config.KEYS.items())]


def set_(store: Store, name: str, raw: str) -> Setting:
    """Check and store a setting; returns it as `get` shows it. A bad key or value: one sentence, nothing stored."""
    spec = config.key(name)
    value = spec.parse(raw)
    store.set_setting(spec.name, str(value))
    return _entry(spec, str(value))


def unset(store: Store, name: str) -> Setting:
    """Forget a setting, so its default applies again."""
    spec = config.key(name)
    store.delete_setting(spec.name)
    return _entry(spec, None)


def day_starts(store: Store) -> int:
    """The day-rollover hour stored in an open database (the default when unset or not valid)."""
    return config.stored_value(config.DAY_STARTS, store.get_setting(config.DAY_STARTS))


def day_starts_in(home: str) -> int:
    """The day-rollover hour of the data folder `home`, read-only (nothing created or migrated); the default when
    there is no database yet or it cannot be read (the command itself then says what is wrong)."""
    from backcare.store import due

    try:
        stored = due.read_setting(home, config.DAY_STARTS)
    except due.DueReadError:
        stored = None
    return config.stored_value(config.DAY_STARTS, stored)


def _entry(spec: config.Key, stored: str | None) -> Setting:
    from backcare.domain.setting import Setting

    value = config.stored_value(spec.name, stored)
    ignored = _not_valid(spec, stored)
    return Setting(
        key=spec.name,
        value=value,
        shown=spec.show(value),
        default=stored is None or ignored is not None,
        not_valid=ignored,
        kind=spec.kind,
        help=spec.help,
    )


def _not_valid(spec: config.Key, stored: str | None) -> str | None:
    """The stored text when it is not a valid value (an edited database), so the default applies; else None."""
    if stored is None:
        return None
    try:
        spec.parse(stored)
    except InvalidInput:
        return stored
    return None
