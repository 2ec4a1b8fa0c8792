"""`backcare sessions`: the sessions logged, newest first, and deleting one."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, print_json, state

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
        typer.Option("--days", "-n", metavar="N", min=1, max=36500, help="Only the last N days (default: all)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from backcare.clock import today
    from backcare.services import sessions

    rows = sessions.listing(state(ctx).store(), today(), days)
    if json_output:
        print_json(rows)
        return
    from backcare.render.sessions import show

    show(rows, days)


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

    store = state(ctx).store()
    found = sessions.find(store, session_id)
    what = (
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
