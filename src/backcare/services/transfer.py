"""Export, import and backup: the use cases behind `backcare export`, `import` and `backup`."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from backcare.errors import BackcareError
from backcare.store import Store, now_utc
from backcare.store import transfer as store_transfer
from backcare.store.transfer import KINDS, MergeResult

MAX_CONFLICT_LINES = 20


# -- export --------------------------------------------------------------------------------------


def export(store: Store, fmt: str) -> str:
    """The whole export as text in `fmt` (json, csv or fhir)."""
    from backcare import __version__

    body = store_transfer.dump(store)
    stamp = now_utc()
    if fmt == "json":
        from backcare.exporters import json_export

        return json_export.render(body, exported_at=stamp, backcare_version=__version__)
    if fmt == "csv":
        from backcare.exporters import csv_export

        return csv_export.render(body)
    if fmt == "fhir":
        from backcare.exporters import fhir_export

        return fhir_export.render(body, timestamp=stamp)
    raise BackcareError(f"Unknown export format {fmt!r}: use json, csv or fhir.")


# -- import --------------------------------------------------------------------------------------


def read_import(path: Path) -> dict[str, Any]:
    """Read and validate an export file before anything is opened for writing."""
    from backcare.exporters import json_export

    return json_export.load(path)


def apply_import(store: Store, data: dict[str, Any], *, replace: bool) -> MergeResult:
    """All or nothing: one transaction."""
    return store_transfer.merge(store, data, replace=replace)


def report(result: MergeResult) -> list[str]:
    """Conflict lines (at most MAX_CONFLICT_LINES) and then the one-line summary."""
    lines = []
    verb = "replaced by the file's version" if result.replaced else "kept yours"
    for conflict in result.conflicts[:MAX_CONFLICT_LINES]:
        what = {"checkin": "check-in", "session": "session", "routine": "routine file", "setting": "setting"}
        lines.append(
            f"Conflict: {what[conflict.kind]} {conflict.key} differs in {', '.join(conflict.fields)} ({verb})."
        )
    hidden = len(result.conflicts) - MAX_CONFLICT_LINES
    if hidden > 0:
        lines.append(f"... and {hidden} more conflicts.")
    parts = []
    for kind, one, many in KINDS:
        n = result.added[kind]
        if n or kind in ("checkins", "sessions"):
            parts.append(f"{n} {one if n == 1 else many}")
    summary = "Imported " + ", ".join(parts)
    n = len(result.conflicts)
    if n == 0:
        summary += "; no conflicts"
    elif result.replaced:
        summary += (
            f"; {n} conflict{'s' if n != 1 else ''} replaced by the file's version "
            "(earlier check-in versions are kept in the edit history)"
        )
    else:
        summary += f"; {n} conflict{'s' if n != 1 else ''} kept (use --replace)"
    if result.same:
        summary += f"; {result.same} already here"
    lines.append(summary + ".")
    return lines


# -- backup --------------------------------------------------------------------------------------


def backup_name(now: datetime) -> str:
    return f"backcare-backup-{now:%Y%m%d-%H%M%S}.db"


def backup(
    store: Store, dest: Path | None, *, cwd: Path, now: datetime, force: bool = False
) -> tuple[Path | None, dict[str, Any]]:
    """A consistent copy through SQLite's backup API; never overwrites (without `force`) or follows an existing
    file. `-`, a pipe or a device gets the copy as a stream (the path returned is then None)."""
    from backcare.outfiles import FILE, plan

    replace = False
    if dest is None or dest.is_dir():
        folder = dest if dest is not None else cwd
        path = folder / backup_name(now)
        n = 2
        while os.path.lexists(path):  # two backups in the same second (or a link planted at the name)
            path = folder / f"{backup_name(now)[:-3]}-{n}.db"
            n += 1
    else:
        target = plan(dest, force=force, protect=store.path, what="backup file")
        if target.kind != FILE or target.path is None:
            return None, _backup_to_stream(store, target)
        path, replace = target.path, target.replace
    store.backup_to(path, replace=replace)
    return path, _verified(path)


def _verified(path: Path) -> dict[str, Any]:
    info = store_transfer.verify_backup(path)
    if not info["ok"]:
        raise BackcareError(f"The backup at {path} failed its integrity check; do not rely on it.")
    return info


def _backup_to_stream(store: Store, target: Any) -> dict[str, Any]:
    """Make and check the copy in a private folder beside the database, stream it, then remove it."""
    import shutil
    import tempfile

    from backcare.outfiles import write_output

    folder = Path(tempfile.mkdtemp(prefix=".backcare-stream-", dir=store.path.parent))  # 0700
    try:
        copy = folder / "backup.db"
        store.backup_to(copy)
        info = _verified(copy)

        def blocks():
            with open(copy, "rb") as fh:
                while block := fh.read(1 << 16):
                    yield block

        write_output(target, blocks())
        return info
    finally:
        shutil.rmtree(folder, ignore_errors=True)
