"""`backcare export`, `backcare import` and `backcare backup`."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Callable, Optional, TextIO

import typer

from backcare.cli.state import state


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
            help="Write to FILE (readable by you only) instead of printing.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from pathlib import Path

    from backcare.services import transfer
    from backcare.services.files import write_private

    store = state(ctx).store()
    if output is None:
        _export_to_stdout(lambda out: transfer.export_to(store, fmt.value, out))
        return
    path = write_private(
        Path(output).expanduser(), lambda out: transfer.export_to(store, fmt.value, out), protect=store.path
    )
    typer.echo(f"Exported {fmt.value.upper()} to {path} (readable by you only).", err=True)
    if fmt is Format.json:
        from backcare.exporters import json_export

        if path.stat().st_size > json_export.MAX_BYTES:
            typer.echo(
                f"Note: it is larger than the {json_export.MAX_BYTES // (1024 * 1024)} MB 'backcare import' "
                "accepts; 'backcare backup' makes a copy that can be restored whole.",
                err=True,
            )


def _export_to_stdout(write: Callable[[TextIO], None]) -> None:
    """An export is UTF-8 whatever the terminal's encoding (PYTHONIOENCODING=ascii, LANG=C): the bytes go
    to stdout as they would to a file."""
    import io

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        write(out)
        out.flush()
    finally:
        out.detach()  # leave stdout itself open


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
            help="Where to write the backup (a file name or a folder). "
            "Default: backcare-backup-YYYYMMDD-HHMMSS.db in the current folder.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from datetime import datetime
    from pathlib import Path

    from backcare.services import transfer

    dest = Path(output).expanduser() if output else None
    path, info = transfer.backup(state(ctx).store(), dest, cwd=Path.cwd(), now=datetime.now())
    typer.echo(str(path))
    n, m = info["checkins"], info["sessions"]
    typer.echo(
        f"Backup written ({n} check-in{'' if n == 1 else 's'}, {m} session{'' if m == 1 else 's'}; "
        "integrity check passed; readable by you only).",
        err=True,
    )
