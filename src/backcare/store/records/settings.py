"""Settings: text values by key (the active routine, reminder times ...). Exported as one object, not a list.

Columns: key, value. Created by m003_routines_and_sessions.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from backcare.store.records.base import MergeContext, one, query

SECTION = "settings"
TABLE = "settings"
LABELS = ("setting", "settings")
MIGRATION = ("m003_routines_and_sessions",)
COLUMNS = ("key", "value")
OBJECT = True  # the export holds {key: value}, merged key by key


def to_record(row: sqlite3.Row) -> dict[str, Any]:
    return {row["key"]: row["value"]}


def get(db: sqlite3.Connection, key: str) -> str | None:
    row = one(db, f"SELECT value FROM {TABLE} WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


def put(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(f"INSERT OR REPLACE INTO {TABLE} (key, value) VALUES (?, ?)", (key, value))


def delete(db: sqlite3.Connection, key: str) -> None:
    db.execute(f"DELETE FROM {TABLE} WHERE key = ?", (key,))


def export_rows(db: sqlite3.Connection) -> dict[str, str]:
    return {row["key"]: row["value"] for row in query(db, f"SELECT key, value FROM {TABLE} ORDER BY key")}


def check(value: Any, today: date) -> None:
    from backcare.store.records import checks  # only an import checks a file (a daily read needs none of this)

    if not isinstance(value, dict):
        raise checks.Bad(f'"settings" must be an object, not {checks.kind(value)}')
    for key, item in value.items():
        if len(key) > checks.MAX_NAME:
            raise checks.Bad(f'"settings" has a key longer than {checks.MAX_NAME} characters')
        if not isinstance(item, str):
            raise checks.Bad(f"setting {checks.show_key(key)} must be text, not {checks.kind(item)}")
        if len(item) > checks.MAX_SETTING:
            raise checks.Bad(f"setting {checks.show_key(key)} must be at most {checks.MAX_SETTING} characters")
        known = _known_setting(key, item)
        if known is not None:
            value[key] = known


def _known_setting(key: str, item: str) -> str | None:
    """A setting `backcare config` knows (day-starts) must hold a value it accepts, so an import never stores one
    that every command would then quietly ignore; returns it as `config set` stores it ('06:00' -> '6'), so the
    same value written another way is no conflict. None for any other setting."""
    from backcare.domain import config
    from backcare.errors import InvalidInput
    from backcare.store.records import checks

    spec = config.KEYS.get(key)
    if spec is None:
        return None
    try:
        return str(spec.parse(item))
    except InvalidInput as exc:
        raise checks.Bad(f"its setting {exc.message.rstrip('.')}") from None


def merge_in(ctx: MergeContext, settings: dict[str, str]) -> list[str]:
    outcomes = []
    for key, value in settings.items():
        row = one(ctx.db, f"SELECT value FROM {TABLE} WHERE key = ?", (key,))
        if row is None:
            put(ctx.db, key, value)
            outcomes.append("added")
        elif row["value"] == value:
            outcomes.append("same")
        else:
            if ctx.replace:
                put(ctx.db, key, value)
            outcomes.append(ctx.conflict("setting", key, ("value",)))
    return outcomes
