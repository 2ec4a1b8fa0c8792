"""`backcare where`: where the data lives and whether it is healthy."""

from __future__ import annotations

from pathlib import Path

from backcare.domain import safety
from backcare.errors import StoreError
from backcare.store import Store
from backcare.store.migrations import LATEST


def inspect(home: Path) -> dict:
    from backcare.paths import DB_NAME

    info: dict = {
        "data_dir": str(home),
        "database": str(home / DB_NAME),
        "latest_schema_version": LATEST,
        "network": "backcare never opens a network connection",
    }
    try:
        store = Store.open(home)
    except StoreError as exc:
        info.update(ok=False, problem=exc.message, schema_version=None, counts=None, integrity=None)
        return info
    try:
        problems = store.integrity()
        latest = store.latest_screen()
        info.update(
            ok=not problems,
            schema_version=store.schema_version(),
            counts=store.counts(),
            integrity="ok" if not problems else problems[:10],
            safety={
                "status": safety.status(latest),
                "last_screen": latest.day.isoformat() if latest else None,
                "flagged": latest.flagged if latest else [],
            },
        )
    finally:
        store.close()
    return info
