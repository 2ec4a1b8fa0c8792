"""`backcare safety`: the red-flag screen."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, print_json, state


def safety(
    ctx: typer.Context,
    none: Annotated[bool, typer.Option("--none", help="Record an all-clear: every answer is 'no'.")] = False,
    flag: Annotated[
        Optional[list[str]],
        typer.Option(
            "--yes-to", metavar="QUESTION", help="Record 'yes' to this question id (repeatable); others 'no'."
        ),
    ] = None,
    show_questions: Annotated[bool, typer.Option("--list", help="List the questions and their ids.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="With --list: print the questions as JSON.")] = False,
) -> None:
    from backcare import clock
    from backcare.domain.safety import BY_ID, QUESTIONS, Screen

    if show_questions:
        if json_output:
            print_json([{"id": q.id, "text": q.text, "emergency": q.emergency} for q in QUESTIONS])
        else:
            for q in QUESTIONS:
                typer.echo(f"{q.id}: {q.text}")
        return
    store = state(ctx).store()
    day = clock.today()
    if none and flag:
        fail_usage("Use either --none or --yes-to, not both.")
    if none or flag:
        unknown = [f for f in flag or [] if f not in BY_ID]
        if unknown:
            fail_usage(f"Unknown question id {unknown[0]!r}; see 'backcare safety --list'.")
        screen = Screen(day, {q.id: q.id in (flag or []) for q in QUESTIONS})
        store.record_screen(screen)
        from backcare.render.safety import show_screen_result

        show_screen_result(screen)
        if screen.any_yes:
            raise typer.Exit(0)
        return
    if not interactive():
        fail_usage("The safety questions need a terminal; or pass --none to record that every answer is 'no'.")
    from backcare.cli.prompts import run_safety_screen

    run_safety_screen(store, day)
