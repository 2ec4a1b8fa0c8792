"""`backcare recover -o FILE`: copy every readable row of a damaged database into a new file."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.state import state

LABELS = {
    "checkins": "check-ins",
    "checkin_edits": "earlier versions of check-ins",
    "safety_screens": "safety screens",
    "sessions": "sessions",
    "session_edits": "deleted sessions kept",
    "stage_history": "stage changes",
    "routines": "routines",
    "settings": "settings",
    "topics_read": "topics read",
}


def recover(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="The new file to write (it must not exist yet)."),
    ],
) -> None:
    from pathlib import Path

    from backcare.paths import DB_NAME
    from backcare.services import doctor

    home = state(ctx).home
    result = doctor.recover(home, Path(output).expanduser())
    parts = [f"{n} {LABELS.get(t, t)}" for t, n in result.rows.items() if n]
    typer.echo(str(result.path))
    typer.echo(f"Recovered into {result.path}: {', '.join(parts) or 'no rows'} (integrity check passed).")
    for table in result.unreadable:
        typer.echo(f"Some {LABELS.get(table, table)} were on pages that could not be read and are missing.")
    for table, n in result.refused.items():
        typer.echo(f"{n} {LABELS.get(table, table)} were garbled beyond use and were left out.")
    if result.dropped_active is not None:
        typer.echo(
            f"Your routine {result.dropped_active!r} was lost, so the copy uses the built-in routine: import it "
            "again with backcare routine import FILE."
        )
    db = home / DB_NAME
    typer.echo(f"{db} was only read, not changed.")
    if doctor.leftovers(home):
        typer.echo(
            f"SQLite has not finished undoing an interrupted write in {db} (a journal file is beside it): leave "
            "the two together and run 'backcare where' from an account that can write there."
        )
    else:
        typer.echo(
            f"To use the recovered copy, keep {db} somewhere safe and put {result.path} in its place under the "
            f"name {DB_NAME} (or point backcare at a folder holding it with --home)."
        )
