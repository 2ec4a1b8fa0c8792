"""`backcare where` and `backcare recover`: where the data lives, whether it is healthy, and salvage."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.errors import BackcareError, StoreError
from backcare.paths import DB_NAME
from backcare.store import Store, describe
from backcare.store.migrations import LATEST
from backcare.valueclass import frozen

if TYPE_CHECKING:
    from backcare.store.recover import Salvage

RECOVER_HINT = (
    "backcare will not write to it. 'backcare recover -o FILE' copies every row that can still be read into a new "
    "file and leaves this one as it is; then put that file in its place (or use it with --home)."
)


@frozen
class Clearance:
    date: str
    by: str
    note: str | None
    covers: list[str]


@frozen
class SafetyInfo:
    """The safety state and the latest clinician's clearance, for `where`."""

    status: str
    last_screen: str | None
    flagged: list[str]
    uncleared: list[str]
    next_recheck: str | None
    last_clearance: Clearance | None


@frozen
class Inspection:
    """What `where` reports: where the data lives and whether it is healthy (`as_dict` is its JSON)."""

    data_dir: str
    database: str
    latest_schema_version: int
    ok: bool = False
    problem: str | None = None
    schema_version: int | None = None
    counts: dict[str, int] | None = None
    integrity: str | list[str] | None = None
    read_only: bool = False
    safety: SafetyInfo | None = None
    recover: str | None = None  # the command that salvages a damaged file
    network: str = "backcare never opens a network connection"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def inspect(home: Path) -> Inspection:
    where: dict[str, Any] = {"data_dir": str(home), "database": str(home / DB_NAME), "latest_schema_version": LATEST}
    try:
        store = Store.open(home, verify=False)
    except StoreError as exc:
        return Inspection(**where, problem=exc.message)
    try:
        problems = store.damage or store.integrity()
        if problems:
            return Inspection(
                **where,
                problem=f"The database is damaged ({problems[0].splitlines()[0]}). {RECOVER_HINT}",
                schema_version=store.schema_version(),
                integrity=problems[:10],
                recover="backcare recover -o FILE",
            )
        return Inspection(
            **where,
            ok=True,
            schema_version=store.schema_version(),
            counts=store.counts(),
            integrity="ok",
            read_only=store.readonly,
            safety=safety_info(store),
        )
    except StoreError as exc:  # a page that cannot be read while counting
        return Inspection(**where, problem=exc.message)
    finally:
        store.close()


def safety_info(store: Store) -> SafetyInfo:
    """The safety state and the latest clinician's clearance, for `where`."""
    from backcare import clock
    from backcare.services import safety

    state = safety.current(store, clock.today())
    clearances = store.clearances()
    last = clearances[-1] if clearances else None
    return SafetyInfo(
        status=state.status,
        last_screen=state.last_screen.isoformat() if state.last_screen else None,
        flagged=[*state.current, *state.history],
        uncleared=list(state.uncleared),
        next_recheck=state.next_recheck.isoformat() if state.next_recheck else None,
        last_clearance=(Clearance(last.day.isoformat(), last.by, last.note, list(last.covers)) if last else None),
    )


def recover(home: Path, output: Path) -> "Salvage":
    """Salvage the database in `home` into the new file `output`; the original is only read."""
    from backcare.store.recover import salvage

    source = home / DB_NAME
    if not source.is_file():
        raise BackcareError(f"There is no database at {source}, so there is nothing to recover.")
    if output.exists() or output.is_symlink():
        raise BackcareError(f"{output} already exists; backcare does not overwrite files. Choose another name.")
    if not output.parent.is_dir():
        raise BackcareError(f"The folder {output.parent} does not exist, so nothing was written.")
    if output.parent.resolve() == source.parent.resolve() and output.name in _SIDECARS:
        raise BackcareError(f"{output} is a name SQLite uses for the database's own journal; choose another name.")
    try:
        from backcare.services.routines import ACTIVE_KEY, BUILTIN, builtin_name

        return salvage(source, output, ACTIVE_KEY, frozenset({BUILTIN, builtin_name()}))
    except OSError as exc:
        raise BackcareError(f"backcare cannot write {output} ({exc.strerror or exc}); nothing was written.") from exc
    except sqlite3.Error as exc:
        raise StoreError(describe(exc, source)) from exc


_SIDECARS = {f"{DB_NAME}{suffix}" for suffix in ("-journal", "-wal", "-shm")}


def leftovers(home: Path) -> list[str]:
    """Journal files beside the database: SQLite must see them with the database, so never move it alone."""

    return [p.name for p in (home / f"{DB_NAME}-journal", home / f"{DB_NAME}-wal") if p.exists()]
