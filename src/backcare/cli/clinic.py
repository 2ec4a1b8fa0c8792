"""`backcare clinic panel` and `backcare clinic patient ID`: a physio's view, read from the clinic's FHIR server."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json
from backcare.cli.sync import SERVER_HELP, TOKEN_HELP

clinic_app = typer.Typer(no_args_is_help=True)
NOTES = 5


def _client(server: str, token_env: str | None):  # -> fhir_http.Client
    from backcare.services import fhir_http

    return fhir_http.Client(fhir_http.check_url(server), fhir_http.token_from(token_env), token_env)


@clinic_app.command("panel", help="Every patient with backcare records on the server, who needs attention first.")
def panel(
    fhir_server: Annotated[str, typer.Option("--fhir-server", metavar="URL", help=SERVER_HELP, show_default=False)],
    token_env: Annotated[
        Optional[str], typer.Option("--token-env", metavar="NAME", help=TOKEN_HELP, show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The panel as JSON.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.render.clinic import panel_lines
    from backcare.services import clinic
    from backcare.textsafe import inert

    client = _client(fhir_server, token_env)
    rows = clinic.panel(client, today())
    if as_json:
        print_json({"server": client.base, "patients": [s.as_dict() for s in rows]})
        return
    for line in panel_lines(rows, client.base):
        typer.echo(inert(line))  # identifiers come from the server


@clinic_app.command("patient", help="One patient's pain trend, sessions and latest notes from the server.")
def patient(
    identifier: Annotated[str, typer.Argument(metavar="ID", help="The clinic's id for the patient.")],
    fhir_server: Annotated[str, typer.Option("--fhir-server", metavar="URL", help=SERVER_HELP, show_default=False)],
    token_env: Annotated[
        Optional[str], typer.Option("--token-env", metavar="NAME", help=TOKEN_HELP, show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.domain.clinic import weekly_pain
    from backcare.render.clinic import patient_lines
    from backcare.services import clinic
    from backcare.textsafe import inert

    client = _client(fhir_server, token_env)
    now = today()
    summary, data = clinic.patient(client, identifier, now)
    weeks = weekly_pain(data.pain, now)
    notes = list(data.notes)[-NOTES:]
    if as_json:
        print_json(
            {
                **summary.as_dict(),
                "weeks": [{"from": s.isoformat(), "pain": m, "checkins": n} for s, m, n in weeks],
                "notes": [{"date": d.isoformat(), "text": t} for d, t in notes],
            }
        )
        return
    for line in patient_lines(summary, weeks, notes):
        typer.echo(inert(line))
