"""`backcare history`."""

from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json, state

MAX_TABLE_ROWS = 366  # a year of days; a terminal table of decades is slow to draw and to read


def history(
    ctx: typer.Context,
    days: Annotated[
        Optional[int],
        typer.Option(
            "--days",
            "-n",
            metavar="N",
            min=1,
            max=36500,
            help=f"Only the last N days (default: all; the table shows the newest {MAX_TABLE_ROWS}).",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.services import checkins

    store = state(ctx).store()
    day = today()
    if json_output:
        print_json([c.as_dict() for c in checkins.history(store, day, days)])
        return
    from backcare.render.history import show

    rows = checkins.history(store, day, days, limit=MAX_TABLE_ROWS)
    show(rows, days)
    if len(rows) == MAX_TABLE_ROWS:
        total = checkins.history_count(store, day, days)
        if total > MAX_TABLE_ROWS:
            typer.echo(
                f"Showing the newest {MAX_TABLE_ROWS} of {total:,} check-ins. For all of them: "
                "backcare history --json, or backcare export --format csv."
            )
