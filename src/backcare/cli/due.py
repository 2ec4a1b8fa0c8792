"""`backcare due`, as the Typer app shows it (--help, completion, tests in-process). A plain `backcare due` is
answered before Typer is imported, by backcare.cli.fast, with the same function."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.state import state


def due(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; only the exit code answers.")] = False,
) -> None:
    """Exit 0 when today's check-in is done, 1 when it is not, 3 when no safety screen exists yet."""
    from backcare.cli.fast import due as answer

    code, line = answer(state(ctx).home_option, quiet=quiet)
    if line:
        typer.echo(line, err=line.startswith("Error:"))
    raise typer.Exit(code)
