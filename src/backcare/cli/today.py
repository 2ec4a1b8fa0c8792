"""`backcare today` (also what `backcare` alone shows)."""

from typing import TYPE_CHECKING, Annotated

import typer

from backcare.cli.state import interactive, print_json, state

if TYPE_CHECKING:
    from datetime import date

    from backcare.store import Store


def today(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of the dashboard.")] = False,
) -> None:
    from backcare import clock
    from backcare.services import day_view

    store = state(ctx).store()
    now = clock.today()
    asks = not json_output and interactive()
    data = day_view.dashboard(store, now, first_screen=_first_screen if asks else None)
    if json_output:
        print_json(data)
        return
    from backcare.render.dashboard import show

    show(data)


def _first_screen(store: "Store", day: "date") -> None:
    """The red-flag questions before the first dashboard at a terminal (Rich's prompts load only then)."""
    from backcare.cli.prompts import first_run_safety

    first_run_safety(store, day)
