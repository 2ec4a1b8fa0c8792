"""The registry of stored record kinds: one module per kind, in the order of the JSON export.

Each kind module (`store/records/<kind>.py`) is the one home of that record: its columns (and the migration that
creates them), its row codec by column name, its SQL, its export shape, its merge rule on import and its import
checks. A kind IS its module; it exposes:

    SECTION, TABLE, LABELS, MIGRATION          names: the export section, the table, what the import summary calls
                                               one and many (None: not counted), the migration(s) creating it
    to_record(row) -> dict                     the export shape of one `sqlite3.Row`
    export_rows(db) -> Iterator[dict]          every row, in order, as export records (settings: one dict)
    check(record, today) -> None               raises ValueError("one clear clause") for a bad import record
    merge(db, record) -> "added"|"same"|"conflict"

and may add `KEY` and `COMPARED` (the fields that name a record and those a conflict is about, for the import's
conflict lines), `check_in_file(record, state)` (checks against the rest of the file: repeats, a routine the file
holds) and `merge_in(ctx, record)` (a merge that needs the import's context: --replace, its time stamp, keys seen,
conflict details) in place of `check` and `merge`. `kind(module)` adapts any such module to `RecordKind`, so a new
kind registers with one line in `NAMES`.

Why this shape: sqlite-utils describes a table by its name, columns and primary key and writes rows as dicts
(`table.insert(dict, pk=...)`, `table.upsert`), so column order never matters; llm keeps its schema as a list of
`@migration` functions and reads rows as plain dicts. Here the schema history stays in `store/migrations.py` (one
ordered list, as in llm, because migrations must run in order across kinds), and everything else a kind needs is
a small module of plain functions over `sqlite3.Row` and dicts, as sqlite-utils does with its Table objects, but
without a generic table class: each kind keeps its own merge rule (a check-in conflicts by date, sessions never
conflict, topics merge their days), which a generic upsert cannot say.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from backcare.store.records.base import MergeContext
from backcare.valueclass import frozen

# The record kinds in the order of the JSON export: one line per kind (a module of this package).
NAMES: tuple[str, ...] = (
    "checkins",
    "checkin_edits",
    "sessions",
    "session_edits",
    "stage_history",
    "safety_screens",
    "clearances",
    "topics_read",
    "routines",
    "routine_images",
    "profile",
    "measures",
    "measure_responses",
    "fhir_sync",
    "settings",  # an object, not a list: it stays last
)
# What the import summary always shows, even at 0 (the rest only when something was added).
ALWAYS_COUNTED = ("checkins", "sessions")


@frozen
class RecordKind:
    """One stored record kind, as transfer.py and the JSON import checks use it."""

    section: str
    table: str
    labels: tuple[str, str] | None
    module: ModuleType
    check: Callable[[Any, Any], None]  # (record, file state with .today, .add, .has ...)
    merge: Callable[[MergeContext, Any], str | Iterable[str]]
    export: Callable[[sqlite3.Connection], Any]
    is_object: bool  # the export holds one object (settings), not a list of records


def kind(module: ModuleType) -> RecordKind:
    """A kind module as a RecordKind: `check_in_file`/`merge_in` when it has them, else `check`/`merge`."""

    # Looked up on each call (not bound once), so the module stays the one place to change or patch.
    def check(record: Any, state: Any) -> None:
        if hasattr(module, "check_in_file"):
            module.check_in_file(record, state)
        else:
            module.check(record, state.today)

    def merge(ctx: MergeContext, record: Any) -> str | Iterable[str]:
        if hasattr(module, "merge_in"):
            outcome: str | Iterable[str] = module.merge_in(ctx, record)
            return outcome
        plain: str = module.merge(ctx.db, record)
        if plain == "conflict":  # KEY: the record's fields that name it; COMPARED: those that differed
            key = " ".join(str(record.get(name)) for name in getattr(module, "KEY", ()))
            label = module.LABELS[0] if getattr(module, "LABELS", None) else module.SECTION
            ctx.conflict(label, key, tuple(getattr(module, "COMPARED", ())))
        return plain

    labels = getattr(module, "LABELS", None)
    return RecordKind(
        module.SECTION,
        module.TABLE,
        (str(labels[0]), str(labels[1])) if labels else None,
        module,
        check,
        merge,
        lambda db: module.export_rows(db),
        bool(getattr(module, "OBJECT", False)),
    )


_KINDS: tuple[RecordKind, ...] | None = None


def kinds() -> tuple[RecordKind, ...]:
    """Every record kind, in export order (imported on first use: start-up reads only what it needs)."""
    global _KINDS
    if _KINDS is None:
        _KINDS = tuple(kind(importlib.import_module(f"{__name__}.{name}")) for name in NAMES)
    return _KINDS


def by_section() -> dict[str, RecordKind]:
    return {k.section: k for k in kinds()}
