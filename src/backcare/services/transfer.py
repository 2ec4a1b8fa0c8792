"""Export, import and backup: the use cases behind `backcare export`, `import` and `backup`."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from backcare.domain.backup import CheckedBackup
from backcare.errors import BackcareError
from backcare.exporters import FORMATS
from backcare.store import Store, now_utc
from backcare.store import transfer as store_transfer
from backcare.store.transfer import MergeResult, summary_kinds

if TYPE_CHECKING:
    from backcare.exporters.json_export import ImportFile

MAX_CONFLICT_LINES = 20


# -- export --------------------------------------------------------------------------------------


def export_to(store: Store, fmt: str, out: TextIO) -> None:
    """Write the whole export in `fmt` (json, csv or fhir) to `out`, row by row from one read snapshot."""
    from backcare import __version__

    if fmt not in FORMATS:
        raise BackcareError(f"Unknown export format {fmt!r}: use json, csv or fhir.")
    stamp = now_utc()
    with store_transfer.snapshot(store) as sections:
        if fmt == "json":
            from backcare.exporters import json_export

            header = {
                "format": json_export.FORMAT,
                "version": json_export.VERSION,
                "exported_at": stamp,
                "schema_version": store.schema_version(),
                "backcare_version": __version__,
            }
            json_export.write(out, header, sections())
            return
        tables = dict(sections())  # each list section is a lazy cursor: nothing is read yet
        if fmt == "csv":
            from backcare.exporters import csv_export

            csv_export.write(out, tables["checkins"], tables["sessions"])
        else:
            from backcare.exporters import fhir_export

            fhir_export.write(
                out,
                tables["checkins"],
                timestamp=stamp,
                responses=tables["measure_responses"],
                measures=measure_codes(store),
            )


def measure_codes(store: Store) -> dict[str, dict[str, Any]]:
    """Each measure's title and LOINC codes, for the FHIR export."""
    from backcare.services.measures import available

    return {
        e.measure.id: {"title": e.measure.title, "loinc": e.measure.loinc, "score_loinc": e.measure.score_loinc}
        for e in available(store)
    }


# -- import --------------------------------------------------------------------------------------


def read_import(path: Path, *, today: date) -> ImportFile:
    """Check the whole file, record by record, before anything is opened for writing."""
    from backcare.exporters.json_export import ImportFile
    from backcare.store.migrations import LATEST

    file = ImportFile(
        path, today=today, latest_schema=LATEST, check_routine=_check_routine, check_measure=_check_measure_source
    )
    file.check()
    return file


def _check_measure_source(ident: str, source: str) -> None:
    """The rules of `backcare measure import` for a measure file in an export: it checks out, under its own id."""
    from backcare.content.measures import check_measure_text
    from backcare.domain.measures import FORMAT

    checked = check_measure_text(source, "source")
    if checked.measure is None:
        problem = checked.problems[0]
        raise ValueError(f"source is not a valid {FORMAT} file (line {problem.line}: {problem.message})")
    if checked.measure.id != ident:
        raise ValueError(f"source is the measure {checked.measure.id!r}, not {ident[:40]!r}")


def _check_routine(name: str, source: str) -> None:
    """The rules of `backcare routine import`: a routine file that checks out, under a name it allows."""
    from backcare.content import check_routine_text
    from backcare.services.routines import check_name

    if check_name(name, hint="") != name:
        raise BackcareError("name must not start or end with spaces")
    routine, problems = check_routine_text(source, "its routine file")
    if routine is None or problems:
        first = str(problems[0]) if problems else "it is not a valid routine"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise BackcareError(f"source is not a valid routine: {first}{more}")


def apply_import(store: Store, file: ImportFile, *, replace: bool) -> MergeResult:
    """All or nothing: one transaction, reading the file again record by record (and checking it again)."""
    from backcare.services.routines import ACTIVE_KEY, is_known

    active = file.summary.active_routine
    if active is not None and not file.summary.active_in_file and not is_known(store, active):
        raise BackcareError(
            f"{file.path} cannot be imported: settings: {ACTIVE_KEY} names a routine that is neither in the "
            "file nor in backcare. Nothing was changed."
        )
    return store_transfer.merge(store, file.records(), replace=replace)


def report(result: MergeResult) -> list[str]:
    """Conflict lines (at most MAX_CONFLICT_LINES) and then the one-line summary."""
    lines = []
    verb = "replaced by the file's version" if result.replaced else "kept yours"
    for conflict in result.conflicts[:MAX_CONFLICT_LINES]:
        fields = f" differs in {', '.join(conflict.fields)}" if conflict.fields else " differs"
        lines.append(f"Conflict: {conflict.kind} {conflict.key}{fields} ({verb}).")
    hidden = len(result.conflicts) - MAX_CONFLICT_LINES
    if hidden > 0:
        lines.append(f"... and {hidden} more conflicts.")
    parts = []
    from backcare.store.records import ALWAYS_COUNTED

    for kind, one, many in summary_kinds():
        n = result.added[kind]
        if n or kind in ALWAYS_COUNTED:
            parts.append(f"{n} {one if n == 1 else many}")
    summary = "Imported " + ", ".join(parts)
    n = len(result.conflicts)
    if n == 0:
        summary += "; no conflicts"
    elif result.replaced:
        summary += f"; {n} conflict{'s' if n != 1 else ''} replaced by the file's version"
        if _kept_in_history(result):
            summary += " (earlier check-in versions are kept in the edit history)"
    else:
        summary += f"; {n} conflict{'s' if n != 1 else ''} kept (use --replace)"
    if result.same:
        summary += f"; {result.same} already here"
    lines.append(summary + ".")
    return lines


def _kept_in_history(result: MergeResult) -> bool:
    """Only check-ins keep the version an import replaced (in their edit history); a profile field or a setting
    replaced by the file's value is gone, so the summary must not promise otherwise."""
    from backcare.store.records import checkins

    return any(conflict.kind == checkins.LABELS[0] for conflict in result.conflicts)


# -- backup --------------------------------------------------------------------------------------


def backup_name(now: datetime) -> str:
    return f"backcare-backup-{now:%Y%m%d-%H%M%S}.db"


def backup(
    store: Store, dest: Path | None, *, cwd: Path, now: datetime, force: bool = False
) -> tuple[Path | None, CheckedBackup]:
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


def _verified(path: Path) -> CheckedBackup:
    info = store_transfer.verify_backup(path)
    if not info["ok"]:
        raise BackcareError(f"The backup at {path} failed its integrity check; do not rely on it.")
    return CheckedBackup(info["checkins"], info["sessions"])


def _backup_to_stream(store: Store, target: Any) -> CheckedBackup:
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
