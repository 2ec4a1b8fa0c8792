"""`backcare trend`: pain and stiffness over time, baseline vs now, sessions and tags."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, print_json, state

METRICS = ("pain", "stiffness", "both")
MAX_DAYS = 36500  # a hundred years: beyond this the dates leave the calendar


def trend(
    ctx: typer.Context,
    days: Annotated[
        Optional[int],
        typer.Option(
            "--days",
            "-n",
            metavar="N",
            min=1,
            max=MAX_DAYS,
            help="The last N days (default: 90, or since the first check-in).",
            show_default=False,
        ),
    ] = None,
    all_days: Annotated[
        bool, typer.Option("--all", help="Everything since the first check-in (at most 20 years).")
    ] = False,
    metric: Annotated[str, typer.Option("--metric", metavar="pain|stiffness|both", help="What to chart.")] = "both",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of the chart and tables.")] = False,
) -> None:
    if days is not None and all_days:
        fail_usage("Use either --days or --all, not both.")
    choice = metric.strip().lower()
    if choice not in METRICS:
        fail_usage(f"--metric must be pain, stiffness or both, not {metric!r}.")
    from backcare.clock import today
    from backcare.services import trends

    store = state(ctx).store()
    data = trends.build(store, today(), None if all_days else (days or trends.DEFAULT_DAYS), from_first=not days)
    if json_output:
        from backcare.services.measures import trend_json

        print_json({**data.as_dict(), "metric": choice, "measures": trend_json(store, data.start, data.end)})
        return
    from backcare.render.trend import show

    show(data, choice)
