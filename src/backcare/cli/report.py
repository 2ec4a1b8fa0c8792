"""`backcare report`: a report for a physiotherapist or doctor (HTML, Markdown or PDF): one page, then details."""

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
            metavar="html|md|pdf",
            help="html (default), md or pdf (needs backcare[pdf]); taken from -o's extension if not given.",
            show_default=False,
        ),
    ] = None,
    days: Annotated[
        Optional[int],
        typer.Option(
            "--days",
            "-n",
            metavar="N",
            min=1,
            max=MAX_DAYS,
            help="The last N days (default: 90, or from the first check-in when that is later).",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD).", show_default=False),
    ] = None,
    until: Annotated[
        Optional[str],
        typer.Option("--to", metavar="DATE", help="Last day (YYYY-MM-DD; default today).", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    from backcare.services.documents import choose_format

    choice = choose_format(fmt, output)
    from backcare.clock import today
    from backcare.domain.dates import parse_day
    from backcare.services import report as service
    from backcare.services.files import plan, write_output

    day = today()
    start = parse_day(since, now=day, allow_future=True) if since is not None else None
    end = parse_day(until, now=day, allow_future=True) if until is not None else None
    if choice == "pdf":
        from backcare.services.documents import pdf_support

        pdf_support(output)
    store = state(ctx).store()
    data = service.build(store, day, days, start=start, end=end)
    name = output or f"backcare-report-{day.isoformat()}.{choice}"
    target = plan(name, force=force, protect=store.path, what="report file")
    content: str | bytes
    if choice == "html":
        from backcare.render.report_html import render as html

        content = html(data)
    elif choice == "pdf":
        from backcare.render.report_pdf import render as pdf

        content = pdf(data)
    else:
        from backcare.render.report_md import render as md

        content = md(data)
    write_output(target, content)
    if target.path is not None:
        typer.echo(f"Report written to {target.path.absolute()}")
