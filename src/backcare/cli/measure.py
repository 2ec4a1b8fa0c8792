"""`backcare measure check|import|list|take|history|schema`: outcome measures (questionnaires)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from backcare.cli.state import print_json, state

if TYPE_CHECKING:
    from backcare.domain.measures import Item, Measure
    from backcare.store import Store

measure_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@measure_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Measure files (YAML) to check.")],
) -> None:
    """Check measure files: print each problem as FILE:LINE:COLUMN: message. Exit 1 if any file has one."""
    from backcare.content.measures import check_measure_file

    failed = False
    for path in files:
        checked = check_measure_file(path)
        if checked.measure is None:
            failed = True
            for problem in checked.problems:
                typer.echo(str(problem))
            continue
        m = checked.measure
        what = (
            f"up to {m.named.most} named activities" if m.named else f"{len(m.items)} item{'s' * (len(m.items) != 1)}"
        )
        typer.echo(f"{path}: ok ({m.id}: {what})")
    if failed:
        raise typer.Exit(1)


@measure_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A measure file (backcare-measure/1).")],
) -> None:
    """Import a measure file (an instrument your clinic holds a licence for). It is kept in your data and
    travels with a JSON export. A file with problems is not imported (exit 1)."""
    from backcare.services import measures as service

    store = state(ctx).store()
    measure, new, problems = service.import_file(store, file)
    if problems:
        for line in problems:
            typer.echo(line, err=True)
        typer.echo("Nothing was imported.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{'Imported' if new else 'Updated'} measure {measure.id}: {measure.title}.")
    typer.echo(measure.notice)
    typer.echo(f"Take it with: backcare measure take {measure.id}")


@measure_app.command("list")
def list_(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The measures you can take: built in and imported."""
    from backcare.services import measures as service

    entries = service.available(state(ctx).store())
    if json_output:
        print_json(
            [
                {
                    "id": e.measure.id,
                    "title": e.measure.title,
                    "origin": e.origin,
                    "every_days": e.measure.every_days,
                    "important_change": e.measure.important_change,
                    "better": "higher" if e.measure.higher_is_better else "lower",
                    "notice": e.measure.notice,
                }
                for e in entries
            ]
        )
        return
    width = max(len(e.measure.id) for e in entries)
    for e in entries:
        typer.echo(f"{e.measure.id:<{width}}  {e.measure.title} ({e.origin}; every {e.measure.every_days} days)")
        typer.echo(f"{'':<{width}}  {e.measure.notice}")


@measure_app.command("take")
def take(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="The measure to take (see 'backcare measure list').")],
    answers: Annotated[
        Optional[str],
        typer.Option(
            "--answers",
            metavar="ANSWERS",
            help='Answers without questions, for scripts: "1=7,2=5" (item numbers or ids) or "7,5" in order.',
            show_default=False,
        ),
    ] = None,
    activity: Annotated[
        Optional[list[str]],
        typer.Option(
            "--activity",
            metavar="TEXT",
            help="For a measure of activities you name (psfs): one activity, repeat for up to 5. Only the first "
            "time; later takes ask about the same ones.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Take an outcome measure: asks each question at a terminal, or takes --answers. Out-of-range answers
    exit 2 and nothing is stored."""
    from backcare.cli.state import interactive
    from backcare.clock import today
    from backcare.domain.measures import number
    from backcare.errors import InvalidInput
    from backcare.services import measures as service

    store = state(ctx).store()
    measure = service.find(store, ident)
    named = service.activities(store, measure)
    if activity:
        if measure.named is None:
            raise InvalidInput(f"--activity is for a measure of activities you name; {measure.id} has fixed questions.")
        if named:
            raise InvalidInput(
                f"Your {measure.id} activities are already named ({'; '.join(named)}): later takes rate the same "
                "ones, so leave out --activity."
            )
        named = tuple(service.clean_activity(a, measure) for a in activity)
        if len(named) > measure.named.most:
            raise InvalidInput(f"Name at most {measure.named.most} activities (got {len(named)}).")
    if answers is None and not interactive():
        raise InvalidInput(
            f'Not at a terminal: give the answers, e.g. backcare measure take {measure.id} --answers "1=7".'
        )
    if measure.named is not None and not named and answers is not None:
        raise InvalidInput(
            f'Name the activities first: backcare measure take {measure.id} --activity "Sitting for an hour" '
            '--answers "1=4" (one --activity per activity, up to 5).'
        )
    if answers is not None:
        values = service.parse_answers(answers, measure.questions(named))
    else:
        named, values = _ask(store, measure, named)
    take, replaced = service.record(store, measure, values, today(), named)
    extra = f", {take.band}" if take.band else ""
    typer.echo(
        f"{measure.title}: {number(take.score)}{extra}{' (replaced today’s earlier answers)' if replaced else ''}."
    )
    for h in service.history(store, measure.id):
        typer.echo(service.verdict_text(h))


def _ask(store: Store, measure: Measure, named: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Ask at a terminal: the activities (the first time, for a measure of named ones), then each item."""
    from backcare.cli.prompts import ask
    from backcare.domain.measures import problem
    from backcare.errors import InvalidInput
    from backcare.render.console import console
    from backcare.services import measures as service

    out = console(stderr=True)
    out.print(measure.title, style="bold", markup=False, highlight=False)
    out.print(measure.instructions, markup=False, highlight=False)
    out.print(measure.notice, style="dim", markup=False, highlight=False)
    if measure.named is not None and not named:
        names: list[str] = []
        while len(names) < measure.named.most:
            text = ask(
                f"{measure.named.prompt} ({len(names) + 1} of up to {measure.named.most}; Enter when done)",
                lambda t: t.strip(),
                default="",
            )
            if not text:
                if names:
                    break
                out.print("Name at least one activity.", markup=False)
                continue
            names.append(service.clean_activity(text, measure))
        named = tuple(names)
    values: list[int] = []
    for n, item in enumerate(measure.questions(named), start=1):

        def parse(text: str, item: Item = item) -> int:
            try:
                value = int(text.strip())
            except ValueError:
                raise InvalidInput(f"Type a whole number: {item.describe()}.") from None
            why = problem(item, value)
            if why is not None:
                raise InvalidInput(f"The answer {why}.")
            return value

        values.append(ask(f"{n}. {item.text} [{item.describe()}]", parse))
    return named, tuple(values)


@measure_app.command("history")
def history(
    ctx: typer.Context,
    ident: Annotated[
        Optional[str], typer.Argument(metavar="[ID]", help="One measure (default: every one taken).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your scores: each take, the change since the first, and whether it is an important change."""
    from backcare.domain.measures import number
    from backcare.services import measures as service

    items = service.history(state(ctx).store(), ident)
    if json_output:
        print_json(service.history_json(items))
        return
    if not any(h.takes for h in items):
        typer.echo("No measures taken yet. Start with: backcare measure take psfs")
        return
    for h in items:
        typer.echo(f"{h.measure.title} ({h.measure.id})")
        for t in h.takes:
            typer.echo(f"  {t.day}  {number(t.score)}" + (f"  {t.band}" if t.band else ""))
        typer.echo(f"  {service.verdict_text(h)}")


@measure_app.command("schema")
def schema() -> None:
    """Print the JSON Schema (draft-07) of the measure format, for editors and other tools."""
    from backcare.content.measure_schema import schema_text

    typer.echo(schema_text(), nl=False)
