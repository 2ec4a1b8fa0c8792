"""`backcare where` / `backcare doctor`."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.state import print_json, state


def where(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    from backcare.services.doctor import inspect

    info = inspect(state(ctx).home)
    if json_output:
        print_json(info.as_dict())
    else:
        typer.echo(f"Data folder:     {info.data_dir}")
        typer.echo(f"Database:        {info.database}")
        if info.problem:
            typer.echo(f"Problem:         {info.problem}")
        else:
            counts = info.counts or {}
            typer.echo(f"Schema version:  {info.schema_version} (this backcare: {info.latest_schema_version})")
            typer.echo(
                f"Stored:          {counts['checkins']} check-ins, {counts['checkin_edits']} earlier versions kept, "
                f"{counts['sessions']} sessions, {counts['safety_screens']} safety screens, "
                f"{counts['clearances']} clearances, "
                f"{counts['topics_read']} topics read"
            )
            typer.echo(
                "Integrity check: passed, the database is sound."
                if info.ok
                else f"Integrity check: FAILED: {'; '.join(info.integrity or [])}"
            )
            if info.read_only:
                typer.echo("Access:          read-only here (reading works; nothing can be saved).")
            sf = info.safety
            label = {
                "clear": "all clear",
                "red-flag": "red flag answered: see a doctor",
                "needs-clearance": "history answer: a clinician's clearance is needed",
                "not-screened": "not answered yet",
            }
            if sf is not None:
                typer.echo(f"Safety screen:   {label[sf.status]}" + (f" ({sf.last_screen})" if sf.last_screen else ""))
                cl = sf.last_clearance
                if cl:
                    note = f" ({cl.note})" if cl.note else ""
                    typer.echo(f"Clearance:       by {cl.by} on {cl.date}{note}")
        typer.echo("Network:         none; everything stays on this machine.")
    if not info.ok:
        raise typer.Exit(1)
