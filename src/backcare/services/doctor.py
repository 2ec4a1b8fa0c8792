"""`backcare where`: where the data lives and whether it is healthy."""

from __future__ import annotations

from pathlib import Path

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
        info.update(
            ok=not problems,
            schema_version=store.schema_version(),
            counts=store.counts(),
            integrity="ok" if not problems else problems[:10],
            safety=safety_info(store),
        )
    finally:
        store.close()
    return info


def safety_info(store: Store) -> dict:
    """The safety state and the latest clinician's clearance, for `where`."""
    from backcare import clock
    from backcare.services import safety

    state = safety.current(store, clock.today())
    clearances = store.clearances()
    last = clearances[-1] if clearances else None
    return {
        "status": state.status,
        "last_screen": state.last_screen.isoformat() if state.last_screen else None,
        "flagged": [*state.current, *state.history],
        "uncleared": list(state.uncleared),
        "next_recheck": state.next_recheck.isoformat() if state.next_recheck else None,
        "last_clearance": (
            {"date": last.day.isoformat(), "by": last.by, "note": last.note, "covers": list(last.covers)}
            if last
            else None
        ),
    }
