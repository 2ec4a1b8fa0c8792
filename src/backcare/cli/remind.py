"""`backcare remind`: a daily reminder the system runs, and shell hooks, both asking `backcare due`."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from backcare.cli.state import state

remind_app = typer.Typer(
    help="A daily reminder when the check-in is not done: on --at HH:MM, off, status, or a shell hook.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@remind_app.command("on")
def on(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", metavar="HH:MM", help="Time of day, 24-hour clock, e.g. 20:00.")],
    print_only: Annotated[
        bool, typer.Option("--print", help="Print what would be installed, and install nothing.")
    ] = False,
    via: Annotated[
        Optional[str],
        typer.Option(
            "--via",
            metavar="systemd|cron|launchd",
            help="The scheduler to use (default: launchd on macOS, a systemd user timer where systemd runs for "
            "you, otherwise cron).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Install a daily reminder: a desktop notification at --at, only on days the check-in is not done yet."""
    from backcare.domain.reminder import parse_at
    from backcare.services import remind

    plan = remind.plan(parse_at(at), via, state(ctx).home_option)
    if print_only:
        typer.echo(plan.describe(), nl=False)
        return
    for earlier in remind.install(plan):
        typer.echo(f"Removed the earlier reminder via {earlier.via} ({earlier.where}).")
    typer.echo(f"Reminder on: every day at {plan.at}, via {remind.scheduler_name(plan.via)}.")
    typer.echo("It shows a notification only when today's check-in is not done. 'backcare remind off' removes it.")


@remind_app.command("off")
def off() -> None:
    """Remove backcare's reminder (and nothing else)."""
    from backcare.services import remind

    removed = remind.remove()
    if not removed:
        typer.echo("No reminder was installed; nothing changed.")
    for item in removed:
        typer.echo(f"Reminder removed ({item.via}: {item.where}).")


@remind_app.command("status")
def status() -> None:
    """Whether a reminder is installed, when it runs, and where."""
    from backcare.services import remind

    found = remind.status()
    if not found:
        typer.echo("No reminder is installed. 'backcare remind on --at 20:00' adds one.")
    for item in found:
        typer.echo(item.describe())


@remind_app.command("shell")
def shell(
    ctx: typer.Context,
    name: Annotated[
        Optional[str],
        typer.Argument(metavar="[bash|zsh|fish]", help="The shell (default: the one in $SHELL).", show_default=False),
    ] = None,
) -> None:
    """Print a one-line hook for your shell's start-up file: each new terminal says when today is not done yet.
    For example: backcare remind shell bash >> ~/.bashrc"""
    from backcare.domain.reminder import SHELLS, shell_hook
    from backcare.services import remind

    chosen = name or os.path.basename(os.environ.get("SHELL", ""))
    if name is None and chosen not in SHELLS:
        from backcare.cli.state import fail_usage

        fail_usage("Name the shell: backcare remind shell bash (or zsh, fish).")
    typer.echo(shell_hook(chosen, remind.backcare_command(), remind.pinned_home(state(ctx).home_option)))
