"""`backcare today` (also what `backcare` alone shows)."""

from typing import Annotated

import typer

from backcare.cli.state import interactive, print_json, state


def today(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of the dashboard.")] = False,
) -> None:
    from backcare import clock
    from backcare.services import dashboard

    store = state(ctx).store()
    now = clock.today()
    if not json_output and interactive():
        from backcare.cli.prompts import first_run_safety

        first_run_safety(store, now)
    data = dashboard.build(store, now)
    if json_output:
        print_json(data.as_dict())
        return
    from backcare.render.dashboard import show

    show(data)
