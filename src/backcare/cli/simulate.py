"""`backcare routine simulate`: replay a hypothetical patient's course through a routine file, in memory."""

from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.state import print_json


def simulate(
    routine_file: Annotated[
        Path, typer.Argument(metavar="ROUTINE_FILE", help="The routine file (YAML) to try.", show_default=False)
    ],
    days_file: Annotated[
        Path,
        typer.Argument(
            metavar="DAYS_FILE",
            help="The course as CSV: date,pain,stiffness,settled,done,pain_during,safety,clearance.",
            show_default=False,
        ),
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object per day.")] = False,
) -> None:
    """Replay a patient's course through a routine and print each day's decision with its reasons.

    Nothing is read from or written to your backcare data: the replay runs in memory with the same engine as
    the daily commands. Problems in either file are printed as FILE:LINE messages (exit 1)."""
    from backcare.services.simulate import simulate as run

    result = run(routine_file, days_file)
    if result.problems:
        for problem in result.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1)
    for warning in result.warnings:
        typer.echo(warning, err=True)
    if json_output:
        print_json([day.as_dict() for day in result.days])
        return
    from backcare.render.simulate import show_simulation

    show_simulation(result.routine, result.days)
