"""`backcare checkin` and `backcare delete`."""

from datetime import date
from typing import Annotated, Optional

import typer

from backcare.cli.state import fail_usage, interactive, state

Score = Optional[str]


def checkin(
    ctx: typer.Context,
    pain: Annotated[
        Score,
        typer.Option(
            "--pain",
            "-p",
            metavar="0-10",
            help="Average back pain over the last 24 hours (0 = no pain, 10 = worst imaginable).",
        ),
    ] = None,
    stiffness: Annotated[
        Score,
        typer.Option(
            "--stiffness", "-s", metavar="0-10", help="Back stiffness today (0 = none, 10 = worst imaginable)."
        ),
    ] = None,
    sleep: Annotated[
        Score,
        typer.Option("--sleep", metavar="0-10", help="Sleep quality last night (0 = very poor, 10 = very good)."),
    ] = None,
    stress: Annotated[
        Score, typer.Option("--stress", metavar="0-10", help="Stress today (0 = none, 10 = extreme).")
    ] = None,
    leg_pain: Annotated[
        Score,
        typer.Option("--leg-pain", metavar="0-10", help="Pain down the leg today (0 = none, 10 = worst imaginable)."),
    ] = None,
    leg_side: Annotated[
        Optional[str],
        typer.Option(
            "--leg-side",
            metavar="left|right|both",
            help="Which leg hurts; needs leg pain 1-10, given with --leg-pain or already on the day.",
        ),
    ] = None,
    med: Annotated[
        Optional[list[str]],
        typer.Option(
            "--med",
            metavar="TEXT",
            help='A medicine taken today, e.g. --med "ibuprofen 400mg"; repeat for more. Remembered for reuse.',
        ),
    ] = None,
    note: Annotated[
        Optional[str],
        typer.Option("--note", metavar="TEXT", help="A short note (asked for interactively if you leave it out)."),
    ] = None,
    tag: Annotated[
        Optional[list[str]],
        typer.Option("--tag", "-t", metavar="WORD", help="A context tag, e.g. long-drive; repeat for more."),
    ] = None,
    clear: Annotated[
        Optional[list[str]],
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Remove a value from the day's check-in: sleep, stress, leg-pain, leg-side, note, tags, meds or "
            "settled; repeat for more. With --med or --tag as well, the list is replaced.",
        ),
    ] = None,
    day: Annotated[
        Optional[str],
        typer.Option("--date", "-d", metavar="DATE", help="YYYY-MM-DD, 'today' or 'yesterday' (to backfill)."),
    ] = None,
    settled: Annotated[
        Optional[str],
        typer.Option("--settled", metavar="yes|no", help="Did soreness from the last session settle by this morning?"),
    ] = None,
) -> None:
    from backcare import clock
    from backcare.domain import checkin as ck
    from backcare.domain.dates import human, parse_day
    from backcare.services import checkins

    # A --date or a pinned clock is checked (and may be refused) before anything is opened; the usual check-in
    # takes today from the store opened below, which holds the day-rollover hour (one connection, not two).
    early = clock.today() if day is not None or clock.pinned() else None
    if early is not None:
        parse_day(day, now=early)
    legs = ck.parse_side(ck.parse_score(leg_pain, "leg pain"), leg_side)
    values = {
        "pain": ck.parse_score(pain, "pain"),
        "stiffness": ck.parse_score(stiffness, "stiffness"),
        "sleep": ck.parse_score(sleep, "sleep"),
        "stress": ck.parse_score(stress, "stress"),
        "note": ck.parse_note(note),
        "tags": ck.parse_tags(tag),
        "settled": _parse_settled(settled),
        "leg_pain": legs[0],
        "leg_side": legs[1],
        "meds": ck.parse_meds(med),
    }
    cleared = ck.parse_clear(clear)
    s = state(ctx)
    store = s.store()
    now = early if early is not None else clock.today()
    when = parse_day(day, now=now)
    missing = [name for name in ck.CORE if values[name] is None]
    side_alone = legs[1] is not None and legs[0] is None
    # The day's check-in so far matters only when pain or stiffness is left out, or a side comes without leg
    # pain; with both given, the write reads it (in its own transaction) and says what changed.
    existing = checkins.on(store, when) if missing or side_alone else None
    if side_alone:  # a side alone needs the day's leg pain
        ck.parse_leg(existing.leg_pain if existing else None, legs[1])
    at_terminal = interactive()
    if missing and existing is None and not at_terminal:
        flags = " and ".join(f"--{name} N" for name in missing)
        fail_usage(f"Missing {' and '.join(missing)}: pass {flags} (0-10) when not running in a terminal.")
    if at_terminal:  # the safety questions come first: the first time, then every 28 days and after a flare-up
        from backcare.cli.prompts import safety_before_checkin

        safety_before_checkin(store, now)
    if missing and existing is None:
        from backcare.cli.prompts import ask_checkin

        values.update(ask_checkin(values, ask_note=note is None, offers=checkins.offers(store, when)))
        if values["settled"] is None and checkins.session_day_before(store, when):
            from backcare.cli.prompts import ask_settled

            values["settled"] = ask_settled()
    elif existing is not None and not cleared and all(v is None for v in values.values()):
        if not at_terminal:
            fail_usage(f"{human(when)} already has a check-in; pass the values to change (e.g. --pain 4).")
        from backcare.cli.prompts import ask_checkin

        values.update(
            ask_checkin(
                {**values, "pain": None, "stiffness": None},
                ask_note=True,
                current=existing,
                offers=checkins.offers(store, when),
            )
        )

    result = checkins.record(store, when, clear=cleared, **values)
    c = result.checkin
    rollover = filed_note(when)
    if rollover:
        typer.echo(rollover)
    if result.previous is None:
        typer.echo(f"Checked in for {human(when)}: pain {c.pain}, stiffness {c.stiffness}.")
    elif result.diff:
        from backcare.textsafe import inert

        changed = inert(ck.describe_changes(result.diff))  # earlier tags may come from an import
        typer.echo(f"Updated {human(when)}: {changed}. The earlier values are kept in the edit history.")
    else:
        typer.echo(f"{human(when)} already had exactly these values; nothing changed.")
    if c.pain >= 8 and checkins.unusually_high(store, when):
        typer.echo("A high-pain day. Be kind to yourself: see your flare-up plan with 'backcare learn flare-up-plan'.")


def filed_note(when: date) -> str | None:
    """'Filed for Sat 28 Nov (before 04:00 counts as the day before).' when the clock is before the day-rollover
    hour and the check-in went to that day before; None otherwise."""
    from backcare import clock

    rolled = clock.rolled_back()
    if rolled is None or rolled[0] != when:
        return None
    day, hour = rolled
    return f"Filed for {day:%a} {day.day} {day:%b} (before {hour:02d}:00 counts as the day before)."


def _parse_settled(raw: str | None) -> bool | None:
    if raw is None:
        return None
    from backcare.domain.safety import parse_yes_no

    answer = parse_yes_no(raw)
    if answer is None:
        fail_usage(f"--settled takes yes or no, not {raw!r}.")
    return answer


def delete(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(metavar="DATE", help="The day to delete: YYYY-MM-DD, 'today' or 'yesterday'.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    from backcare.clock import today
    from backcare.domain.dates import human, parse_day
    from backcare.services import checkins

    when = parse_day(day, now=today())
    store = state(ctx).store()
    existing = checkins.existing(store, when)
    if not yes:
        if not interactive():
            fail_usage("Pass --yes to delete without a terminal to confirm in.")
        if not typer.confirm(
            f"Delete the check-in for {human(when)} (pain {existing.pain}, stiffness {existing.stiffness})?"
        ):
            typer.echo("Nothing deleted.")
            raise typer.Exit(1)
    checkins.delete(store, when)
    typer.echo(f"Deleted the check-in for {human(when)}. A copy stays in the edit history.")
