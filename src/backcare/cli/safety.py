"""`backcare safety`: the red-flag screen, and `backcare safety clear`: a clinician's clearance."""

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, print_json, state

safety_app = typer.Typer(
    help="The red-flag safety questions. Signs that need a doctor rather than self-care.",
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@safety_app.callback(invoke_without_command=True)
def safety(
    ctx: typer.Context,
    none: Annotated[bool, typer.Option("--none", help="Record an all-clear: every answer is 'no'.")] = False,
    flag: Annotated[
        Optional[list[str]],
        typer.Option(
            "--yes-to", metavar="QUESTION", help="Record 'yes' to this question id (repeatable); others 'no'."
        ),
    ] = None,
    seen_doctor: Annotated[
        Optional[str],
        typer.Option(
            "--seen-doctor",
            metavar="yes|no",
            help="After an answer that needed the emergency department: has a doctor seen you since?",
        ),
    ] = None,
    show_questions: Annotated[bool, typer.Option("--list", help="List the questions and their ids.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="With --list: print the questions as JSON.")] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from backcare import clock
    from backcare.domain.safety import QUESTIONS, parse_yes_no

    if show_questions:
        if json_output:
            print_json([{"id": q.id, "text": q.text, "kind": q.kind, "emergency": q.emergency} for q in QUESTIONS])
        else:
            for q in QUESTIONS:
                typer.echo(f"{q.id} ({q.kind}): {q.text}")
        return
    from backcare.services import safety as service

    store = state(ctx).store()
    day = clock.today()
    if none and flag:
        fail_usage("Use either --none or --yes-to, not both.")
    seen = None
    if seen_doctor is not None:
        seen = parse_yes_no(seen_doctor)
        if seen is None:
            fail_usage(f"--seen-doctor takes yes or no, not {seen_doctor!r}.")
    if none or flag:
        result = service.answer(store, day, service.answers_from_flags(flag or []), seen)
        from backcare.render.safety import show_screen_result

        show_screen_result(result)
        return
    if seen_doctor is not None:
        fail_usage("--seen-doctor goes with --none or --yes-to.")
    if not interactive():
        fail_usage("The safety questions need a terminal; or pass --none to record that every answer is 'no'.")
    from backcare.cli.prompts import run_safety_screen

    run_safety_screen(store, day)


@safety_app.command("clear", help="Record a clinician's clearance of your history answers (a past cancer, a fall).")
def clear(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", metavar="TEXT", help="Who cleared you: your GP's or physiotherapist's name.")
    ],
    note: Annotated[
        Optional[str], typer.Option("--note", metavar="TEXT", help="What they said (kept with the clearance).")
    ] = None,
) -> None:
    from backcare import clock
    from backcare.domain.safety import describe_clearance
    from backcare.services import safety as service

    clearance, after = service.clear(state(ctx).store(), by, note, clock.today())
    typer.echo(f"Recorded: {describe_clearance(clearance)}.")
    if after.blocked:
        from backcare.render.safety import show_notice

        typer.echo("A clearance covers history answers only; exercises stay paused for now:")
        show_notice(after)
    else:
        typer.echo("Exercises and progression can go ahead.")
