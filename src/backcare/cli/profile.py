"""`backcare profile`: who the data belongs to, for hand-outs and reports."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json, state


def profile(
    ctx: typer.Context,
    name: Annotated[
        Optional[str], typer.Option("--name", metavar="TEXT", help="Your name ('' clears it).", show_default=False)
    ] = None,
    clinic_id: Annotated[
        Optional[str],
        typer.Option(
            "--clinic-id", metavar="TEXT", help="Your number at the clinic ('' clears it).", show_default=False
        ),
    ] = None,
    clinician: Annotated[
        Optional[str],
        typer.Option("--clinician", metavar="TEXT", help="Your physio or doctor ('' clears it).", show_default=False),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    from backcare.services import profile as service

    store = state(ctx).store()
    changes = {"name": name, "clinic_id": clinic_id, "clinician": clinician}
    changed = any(v is not None for v in changes.values())
    current = service.update(store, changes) if changed else service.get(store)
    if json_output:
        print_json(current.as_dict())
        return
    if changed:
        typer.echo("Profile saved (kept only on this computer).")
    fields = current.set_fields()
    if not fields:
        typer.echo("No profile set. Add one with: backcare profile --name TEXT --clinician TEXT")
        return
    width = max(len(service.LABELS[f]) for f, _ in fields)
    for field, value in fields:
        typer.echo(f"{service.LABELS[field] + ':':<{width + 1}} {value}")
