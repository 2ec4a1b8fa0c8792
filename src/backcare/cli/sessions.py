"""`backcare sessions`: the sessions logged, newest first, and deleting one."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, print_json, state

DEFAULT_DAYS = 30  # the table's default window
MAX_TABLE_ROWS = 200  # at most this many rows in the table, whatever the window

sessions_app = typer.Typer(
    help="Your logged sessions, newest first, with which counted towards moving on; delete one.",
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@sessions_app.callback(invoke_without_command=True)
def sessions_root(
    ctx: typer.Context,
    days: Annotated[
        Optional[int],
        typer.Option(
            "--days",
            "-n",
            metavar="N",
            min=1,
            max=36500,
            help=f"Only the last N days (default: the last {DEFAULT_DAYS} days in the table, all with --json).",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from backcare.clock import today
    from backcare.services import sessions

    store, day = state(ctx).store(), today()
    if json_output:
        print_json([row.as_dict() for row in sessions.listing(store, day, days)])
        return
    from backcare.render.sessions import show

    # A table of years of sessions is slow to draw and to read: the recent ones, and how many more there are.
    shown = days or DEFAULT_DAYS
    rows = sessions.listing(store, day, shown, limit=MAX_TABLE_ROWS)
    show(rows, shown)
    more = sessions.count(store, day, days) - len(rows)
    if more > 0:
        what = f"older than {shown} days" if days is None and len(rows) < MAX_TABLE_ROWS else "not shown"
        typer.echo(f"{more:,} more session{'s' if more > 1 else ''} {what}: use --days N for more, or --json for all.")


@sessions_app.command("delete", help="Delete one session by its number. A copy stays in the edit history.")
def delete(
    ctx: typer.Context,
    session_id: Annotated[
        str, typer.Argument(metavar="ID", help="The session's number, as 'backcare sessions' shows.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    from backcare.domain.dates import human
    from backcare.services import sessions
    from backcare.textsafe import inert

    store = state(ctx).store()
    found = sessions.find(store, session_id)
    what = inert(  # the routine's name may come from a file or an import
        f"session {found.id} on {human(found.day)} ({found.routine}, {len(found.done)} of "
        f"{len(found.done) + len(found.skipped)} exercises done)"
    )
    if not yes:
        if not interactive():
            fail_usage("Pass --yes to delete without a terminal to confirm in.")
        if not typer.confirm(f"Delete {what}?"):
            typer.echo("Nothing deleted.")
            raise typer.Exit(1)
    sessions.delete(store, found)
    typer.echo(f"Deleted {what}. A copy stays in the edit history.")
