"""`backcare config`: get, set, unset and list the person's settings (stored in the database)."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.state import print_json, state

config_app = typer.Typer(
    help="Your settings, kept with your data. get KEY, set KEY VALUE, unset KEY, list.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="The setting, e.g. day-starts ('config list' shows all).")]


@config_app.command("get")
def get(ctx: typer.Context, key: KeyArg, json_output: JsonFlag = False) -> None:
    """Show one setting's value."""
    from backcare.services import config

    entry = config.get(state(ctx).store(), key)
    if json_output:
        print_json(entry.as_dict())
    else:
        typer.echo(entry.shown)


@config_app.command("set")
def set_(
    ctx: typer.Context,
    key: KeyArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value, e.g. 5 for day-starts.")],
) -> None:
    """Change a setting. For example 'backcare config set day-starts 5': check-ins before 05:00 then count for
    the day before."""
    from backcare.services import config

    entry = config.set_(state(ctx).store(), key, value)
    typer.echo(f"{entry.key} is now {entry.shown}.")


@config_app.command("unset")
def unset(ctx: typer.Context, key: KeyArg) -> None:
    """Go back to a setting's default."""
    from backcare.services import config

    entry = config.unset(state(ctx).store(), key)
    typer.echo(f"{entry.key} is back to its default, {entry.shown}.")


@config_app.command("list")
def list_(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Every setting: its value, whether that is the default, and what it means."""
    from backcare.services import config

    entries = config.listing(state(ctx).store())
    if json_output:
        print_json([entry.as_dict() for entry in entries])
        return
    for entry in entries:
        mark = " (default)" if entry.default else ""
        if entry.not_valid is not None:
            mark += f" (the stored value {_quoted(entry.not_valid)} is not valid, so the default applies)"
        typer.echo(f"{entry.key} = {entry.shown}{mark}  [{entry.kind}] {entry.help}")


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")  # repr escapes every control character
