"""`backcare report`: a one-page report for a physiotherapist or doctor (HTML, or Markdown)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import state

MAX_DAYS = 36500  # a hundred years: beyond this the dates leave the calendar


def report(
    ctx: typer.Context,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (default: backcare-report-YYYY-MM-DD.html here; '-' for standard output).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            metavar="html|md",
            help="html (default) or md; taken from -o's extension if not given.",
            show_default=False,
        ),
    ] = None,
    days: Annotated[int, typer.Option("--days", "-n", metavar="N", min=1, max=MAX_DAYS, help="The last N days.")] = 90,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    from backcare.services.documents import choose_format

    choice = choose_format(fmt, output)
    from backcare.clock import today
    from backcare.services import report as service
    from backcare.services.files import plan, write_output

    day = today()
    store = state(ctx).store()
    name = output or f"backcare-report-{day.isoformat()}.{choice}"
    target = plan(name, force=force, protect=store.path, what="report file")
    data = service.build(store, day, days)
    if choice == "html":
        from backcare.render.report_html import render
    else:
        from backcare.render.report_md import render
    write_output(target, render(data))
    if target.path is not None:
        typer.echo(f"Report written to {target.path.absolute()}")
