"""`backcare session`: today's exercises, one by one (or logged in one line). Each run logs a new session."""

from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, state


def session(
    ctx: typer.Context,
    done: Annotated[
        Optional[str],
        typer.Option(
            "--done", metavar="IDS", help="'all', comma-separated exercise ids you did, or N (the first N of today's)."
        ),
    ] = None,
    skip: Annotated[
        Optional[str], typer.Option("--skip", metavar="IDS", help="Comma-separated exercise ids you skipped.")
    ] = None,
    pain_during: Annotated[
        Optional[str], typer.Option("--pain-during", metavar="0-10", help="Highest pain during the session.")
    ] = None,
    effort: Annotated[
        Optional[str], typer.Option("--effort", metavar="0-10", help="How hard it felt (10 = maximal).")
    ] = None,
    day: Annotated[
        Optional[str], typer.Option("--date", "-d", metavar="DATE", help="YYYY-MM-DD, 'today' or 'yesterday'.")
    ] = None,
    no_timer: Annotated[bool, typer.Option("--no-timer", help="Do not run countdowns for holds.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No bell at the end of a hold or a rest.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.domain.checkin import parse_score
    from backcare.domain.dates import parse_day
    from backcare.services import sessions

    now = today()
    when = parse_day(day, now=now)
    pain = parse_score(pain_during, "pain during the session")
    eff = parse_score(effort, "effort")
    store = state(ctx).store()
    at_terminal = interactive()
    asked = False
    if at_terminal:  # the safety questions come before the first exercise session
        from backcare.cli.prompts import first_run_safety

        asked = first_run_safety(store, now)
    plan = sessions.plan(store, when, record=when == now)
    if plan.stopped and asked:  # the answers' result, with the safety notice, was just shown
        raise typer.Exit(1)
    if plan.stopped:
        from backcare.services import safety

        gate = safety.current(store, now)
        if not gate.screened:
            from backcare import messages
            from backcare.errors import BackcareError

            raise BackcareError(messages.NOT_SCREENED)
        from backcare.render.safety import show_notice

        show_notice(gate)
        raise typer.Exit(1)
    if done is not None or skip is not None:
        result = sessions.log(store, plan, when, done=done, skip=skip, pain_during=pain, effort=eff)
    else:
        if not at_terminal:
            fail_usage("Pass --done all (or --done ID,ID --skip ID) and --pain-during N when not in a terminal.")
        from backcare.cli.guided import run_guided

        guided = run_guided(store, plan, when, timers=not no_timer, pain_during=pain, effort=eff, bell=not quiet)
        if guided is None:
            typer.echo("Stopped before any exercise was marked: nothing was logged.")
            return
        result = guided
    from backcare.render.safety import show_session_advice

    show_session_advice(result.summary, result.extra)
