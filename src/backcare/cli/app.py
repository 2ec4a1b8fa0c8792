"""The Typer application: global options and the list of commands."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from backcare import __version__
from backcare.cli import checkin, history, safety, today, where
from backcare.cli.state import state


class BackcareGroup(TyperGroup):
    """Turns BackcareError into one sentence on stderr plus its exit code, for every command."""

    def invoke(self, ctx: Any) -> Any:
        from backcare.errors import BackcareError

        try:
            return super().invoke(ctx)
        except BackcareError as exc:
            typer.echo(f"Error: {exc.message}", err=True)
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            from backcare.messages import CANCELLED

            typer.echo(f"\n{CANCELLED}", err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    name="backcare",
    cls=BackcareGroup,
    help="A private, local self-care companion for lower back pain. Run with no command for today's dashboard.",
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backcare {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    home: Annotated[
        Optional[str],
        typer.Option("--home", metavar="PATH", help="Data folder to use (overrides BACKCARE_HOME).", show_default=False),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full error details (for bug reports).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    s = state(ctx)
    s.home_option = home
    s.debug = debug or s.debug
    if ctx.invoked_subcommand is None:
        today.today(ctx, json_output=False)


app.command("today", help="Today's dashboard: check-in status, the last 7 days, streak and reminders.")(today.today)
app.command("checkin", help="Record today's check-in (pain and stiffness 0-10, plus optional context).")(checkin.checkin)
app.command("history", help="Past check-ins, newest first.")(history.history)
app.command("delete", help="Delete the check-in of one day (kept in the edit history).")(checkin.delete)
app.command("safety", help="Answer the red-flag safety questions (signs that need a doctor, not self-care).")(
    safety.safety
)
app.command("where", help="Where your data lives, and a health check of the database.")(where.where)
app.command("doctor", help="Same as 'where': data location, schema version, counts, integrity check.")(where.where)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
