"""`backcare sync`: send your data to your clinic's FHIR server (only when you run it)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json, state

SERVER_HELP = "The FHIR server's base address (https://; http:// only to this machine)."
TOKEN_HELP = "The environment variable holding the server's access token (the token itself is never stored)."


def sync(
    ctx: typer.Context,
    fhir_server: Annotated[str, typer.Option("--fhir-server", metavar="URL", help=SERVER_HELP, show_default=False)],
    token_env: Annotated[
        Optional[str], typer.Option("--token-env", metavar="NAME", help=TOKEN_HELP, show_default=False)
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the Bundle that would be sent; send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The result as JSON.")] = False,
    patient_system: Annotated[
        Optional[str],
        typer.Option(
            "--patient-system",
            metavar="URI",
            help="The identifier system of the clinic's patient ids (remembered once given).",
            show_default=False,
        ),
    ] = None,
    include_safety: Annotated[
        bool, typer.Option("--include-safety", help="Also send your safety-question answers.")
    ] = False,
    batch: Annotated[
        int,
        typer.Option("--batch", min=2, max=5000, metavar="N", help="At most N entries per transaction."),
    ] = 500,
) -> None:
    from backcare.services import fhir, fhir_http
    from backcare.services import sync as service

    server = fhir_http.check_url(fhir_server)
    token = None if dry_run else fhir_http.token_from(token_env)
    store = state(ctx).store()
    who = fhir.target(store, patient_system, what="sync")
    if dry_run:
        bundle, unchanged = service.dry_run(store, server, who, include_safety=include_safety)
        print_json(bundle)
        n = len(bundle["entry"]) - 1
        typer.echo(
            f"Dry run: {n} record{'' if n == 1 else 's'} would be sent to {server} "
            f"({unchanged} already there); nothing was sent.",
            err=True,
        )
        return
    client = fhir_http.Client(server, token, token_env)
    result = service.sync(store, client, who, include_safety=include_safety, batch=batch)
    if as_json:
        print_json(
            {
                "server": result.server,
                "sent": result.sent,
                "unchanged": result.unchanged,
                "transactions": result.bundles,
                "last_sync": result.last_sync,
            }
        )
        return
    if result.sent == 0 and result.unchanged == 0:
        typer.echo("Nothing to send yet: this home has no check-ins, sessions or outcome measures.")
        return
    if result.sent == 0:
        typer.echo(f"Nothing new to send: {server} already accepted all {result.unchanged} records as they are.")
        return
    t = result.bundles
    typer.echo(
        f"Sent {result.sent} record{'' if result.sent == 1 else 's'} to {server} in {t} "
        f"transaction{'' if t == 1 else 's'}; {result.unchanged} were already there."
    )
