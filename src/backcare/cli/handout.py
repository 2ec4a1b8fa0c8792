"""`backcare routine print`: the routine as a patient hand-out to print (HTML) or paste (Markdown)."""

from typing import Annotated, Optional

import typer

from backcare.cli.state import state


def print_(
    ctx: typer.Context,
    name: Annotated[
        Optional[str],
        typer.Argument(metavar="[NAME]", help="The routine (default: the one you follow).", show_default=False),
    ] = None,
    stage: Annotated[
        Optional[str],
        typer.Option(
            "--stage", metavar="ID", help="Only this stage (default: the stage you are at).", show_default=False
        ),
    ] = None,
    all_stages: Annotated[bool, typer.Option("--all", help="Every stage, one page each.")] = False,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (default: backcare-routine-YYYY-MM-DD.html here; '-' for standard output).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            metavar="html|md|pdf",
            help="html (default, prints on A4), md or pdf (needs backcare[pdf]); else from -o's extension.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.services import handout

    choice = handout.choose_format(fmt, output)
    if choice == "pdf":
        from backcare.services.documents import pdf_support

        pdf_support(output)
    day = today()
    store = state(ctx).store()
    data = handout.build(store, day, name, stage, all_stages)
    content: str | bytes
    if choice == "html":
        from backcare.render.handout_html import render as html

        content = html(data)
    elif choice == "pdf":
        from backcare.render.handout_pdf import render as pdf

        content = pdf(data)
    else:
        from backcare.render.handout_md import render as md

        content = md(data)
    path = handout.write(output, choice, content, day, protect=store.path, force=force)
    if path is not None:
        typer.echo(f"Hand-out written to {path.absolute()}")
