"""`backcare history`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json, state


def history(
    ctx: typer.Context,
    days: Annotated[
        Optional[int],
        typer.Option("--days", "-n", metavar="N", min=1, max=36500, help="Only the last N days (default: all)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.services import checkins

    rows = checkins.history(state(ctx).store(), today(), days)
    if json_output:
        print_json([c.as_dict() for c in rows])
        return
    from backcare.render.history import show

    show(rows, days)
