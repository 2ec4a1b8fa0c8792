"""`backcare export`, `backcare import` and `backcare backup`."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Optional, TextIO

import typer

from backcare.cli.state import fail_usage, state


class BundleType(str, enum.Enum):
    collection = "collection"
    transaction = "transaction"


class Format(str, enum.Enum):
    json = "json"
    csv = "csv"
    fhir = "fhir"


def export(
    ctx: typer.Context,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="json: everything, lossless (can be imported again); csv: one row per "
            "day for spreadsheets; fhir: a FHIR R4 Bundle of Observations for clinical systems.",
        ),
    ] = Format.json,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (readable by you only) instead of printing; '-' for standard output.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    bundle: Annotated[
        BundleType,
        typer.Option(
            "--bundle",
            help="FHIR only. collection: a document for files; transaction: one patient's data as a FHIR server "
            "stores it (needs --patient-system and a clinic id in the profile).",
        ),
    ] = BundleType.collection,
    patient_system: Annotated[
        Optional[str],
        typer.Option(
            "--patient-system",
            metavar="URI",
            help="FHIR transaction: the identifier system of the clinic's patient ids (remembered).",
            show_default=False,
        ),
    ] = None,
    include_safety: Annotated[
        bool, typer.Option("--include-safety", help="FHIR transaction: include your safety-question answers.")
    ] = False,
) -> None:
    from backcare.outfiles import STDOUT
    from backcare.services import transfer
    from backcare.services.files import plan, write_output

    transaction = bundle is BundleType.transaction
    if fmt is not Format.fhir and (transaction or patient_system or include_safety):
        fail_usage("--bundle, --patient-system and --include-safety go with --format fhir.")
    if not transaction and (patient_system or include_safety):
        fail_usage("--patient-system and --include-safety go with --bundle transaction.")
    store = state(ctx).store()
    if transaction:
        from backcare.services import fhir

        who = fhir.target(store, patient_system, what="--bundle transaction")
    target = plan(output if output is not None else "-", force=force, protect=store.path, what="export file")
    printed = target.kind == STDOUT and fmt is not Format.csv

    def inert(out: TextIO) -> TextIO:  # JSON printed as `--json` prints it: DEL, C1 and bidi controls escaped
        from backcare.textsafe import JsonInertWriter

        return JsonInertWriter(out) if printed else out  # type: ignore[return-value]

    if transaction:
        write_output(target, lambda out: fhir.export_transaction(store, inert(out), who, include_safety=include_safety))
    else:
        write_output(target, lambda out: transfer.export_to(store, fmt.value, inert(out)))
    if target.path is None:
        return
    typer.echo(f"Exported {fmt.value.upper()} to {target} (readable by you only).", err=True)
    if fmt is Format.json and target.kind == "file":
        from backcare.exporters import json_export

        if target.path.stat().st_size > json_export.MAX_BYTES:
            typer.echo(
                f"Note: it is larger than the {json_export.MAX_BYTES // (1024 * 1024)} MB 'backcare import' "
                "accepts; 'backcare backup' makes a copy that can be restored whole.",
                err=True,
            )


def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="A JSON file written by 'backcare export'.")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="When a day differs, take the file's version (yours is kept in the edit "
            "history). Default: keep yours and report the conflict.",
        ),
    ] = False,
) -> None:
    from pathlib import Path

    from backcare.clock import today
    from backcare.services import transfer
    from backcare.textsafe import inert

    data = transfer.read_import(Path(file).expanduser(), today=today())  # checked before the database is opened
    result = transfer.apply_import(state(ctx).store(), data, replace=replace)
    for line in transfer.report(result):
        typer.echo(inert(line))  # a conflict line names a routine or setting from the file


def backup(
    ctx: typer.Context,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the backup (a file name or a folder; '-' or a pipe gets it as a stream). "
            "Default: backcare-backup-YYYYMMDD-HHMMSS.db in the current folder.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    from datetime import datetime
    from pathlib import Path

    from backcare.services import transfer

    if output == "-" and sys.stdout.isatty():
        fail_usage("A backup is a database file, not text for the terminal: redirect it, or give -o FILE.")
    dest = Path(output).expanduser() if output else None
    path, info = transfer.backup(state(ctx).store(), dest, cwd=Path.cwd(), now=datetime.now(), force=force)
    counts = f"{info.counts()}; integrity check passed"
    if path is None:
        typer.echo(f"Backup written to {output if output != '-' else 'standard output'} ({counts}).", err=True)
        return
    typer.echo(str(path))
    typer.echo(f"Backup written ({counts}; readable by you only).", err=True)
