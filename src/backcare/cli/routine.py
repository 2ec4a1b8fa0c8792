"""`backcare routine ...`: the active routine, physio routine files, stages."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from backcare.cli.state import print_json, state

routine_app = typer.Typer(
    help="Your exercise routine: show it, check or import a physio's routine file, switch, override the stage.",
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@routine_app.callback(invoke_without_command=True)
def routine_root(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        show(ctx, json_output=False)


@routine_app.command("show", help="Show the active routine. Your current stage and today's exercises with doses.")
def show(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    from backcare.clock import today
    from backcare.services import routines

    progress = routines.progress(state(ctx).store(), today())
    view, routine = progress.view(), progress.active.routine
    if json_output:
        stages = [{"id": s.id, "name": s.name} for s in routine.stages]
        print_json({**view.as_dict(), "name": progress.active.name, "stages": stages, "per_week": routine.per_week})
        return
    from backcare.render.routine_plan import show_progress

    hint = "Start a guided session with: backcare session" if view.decision != "stop" else None
    show_progress(view, description=routine.description, next_step=hint)


@routine_app.command("why", help="Explain today's decision. Advance, hold, step back or stop, with the stage history.")
def why(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    from backcare.clock import today
    from backcare.services import routines

    progress = routines.progress(state(ctx).store(), today())
    if json_output:
        print_json({**progress.as_dict(), "history": [e.as_dict() for e in progress.history]})
        return
    from backcare.render.routine import show_history
    from backcare.render.routine_plan import show_progress

    show_progress(progress.view(), exercises=False)
    if progress.history:
        show_history(progress.history)


@routine_app.command(
    "import", help="Import a routine file. It is checked, copied into your data folder and made active."
)
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The routine YAML file from your physiotherapist.")],
    name: Annotated[
        Optional[str], typer.Option("--name", metavar="NAME", help="Store it under this name (default: its own name).")
    ] = None,
) -> None:
    from backcare.cli.routine_versions import imported_message, pick_stage
    from backcare.cli.state import interactive
    from backcare.clock import today
    from backcare.services import routines

    pick = pick_stage if interactive() else None
    result = routines.import_routine(state(ctx).store(), file, name, today(), pick=pick)
    typer.echo(imported_message(result))


@routine_app.command("list", help="List your routines. The active one is marked *.")
def list_(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    from backcare.services import routines

    rows = routines.list_routines(state(ctx).store())
    if json_output:
        print_json([r.as_dict() for r in rows])
        return
    from backcare.render.routine import show_routine_list

    show_routine_list(rows)


@routine_app.command("use", help="Switch routine. Your stage history in each is kept.")
def use(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")]) -> None:
    from backcare.services import routines

    active = routines.use(state(ctx).store(), name)
    typer.echo(f"Now following {active.name!r}.")


@routine_app.command("export", help="Write a routine's YAML file. To share or edit it.")
def export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME")],
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout.")
    ] = None,
    version: Annotated[
        Optional[int],
        typer.Option("--version", metavar="N", min=1, help="An earlier version (see 'backcare routine versions')."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    from backcare.services import routines

    text = routines.export_text(state(ctx).store(), name, version)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from backcare.services.files import write_private

    target = write_private(output, text, force=force, protect=state(ctx).store().path, what="routine file")
    if target.path is not None:
        typer.echo(f"Wrote {target}.")


@routine_app.command("exercises", help="List the exercise library. Ids for routine files, with default doses.")
def exercises(
    ctx: typer.Context,
    category: Annotated[
        Optional[str],
        typer.Option("--category", metavar="mobility|control|strength|release|aerobic", help="Only this category."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    from backcare.services import routines

    rows = routines.exercise_rows(category)
    if json_output:
        print_json([r.as_dict() for r in rows])
        return
    from backcare.render.routine import show_library

    show_library(rows)


@routine_app.command("stage", help="Set the stage by hand. Recorded with your reason.")
def stage(
    ctx: typer.Context,
    stage_id: Annotated[str, typer.Argument(metavar="STAGE_ID")],
    reason: Annotated[
        str, typer.Option("--reason", "-r", metavar="TEXT", help="Why (kept in the stage history).")
    ] = "",
) -> None:
    from backcare.clock import today
    from backcare.services import routines, safety
    from backcare.textsafe import inert

    store = state(ctx).store()
    name, stage_name = routines.set_stage(store, stage_id, reason, today())
    gate = safety.gate(store, today())
    if not gate.blocked:
        typer.echo(inert(f"{name}: now at stage {stage_name!r}."))
        return
    typer.echo(inert(f"{name}: stage set to {stage_name!r} (recorded), but exercises stay stopped, because:"))
    from backcare.render.safety import show_notice

    show_notice(gate)


def _register_file_commands() -> None:
    from backcare.cli import routine_files

    routine_app.command("check", help="Check routine files. Every problem as FILE:LINE:COLUMN: message.")(
        routine_files.check
    )
    routine_app.command("schema", help="Print the routine format's JSON Schema. For editor autocomplete.")(
        routine_files.schema
    )
    routine_app.command("new", help="Start a routine file. A commented starter, with its schema beside it.")(
        routine_files.new
    )
    from backcare.cli import routine_versions

    routine_app.command("versions", help="List a routine's versions. Every imported version is kept.")(
        routine_versions.versions
    )
    from backcare.cli import simulate

    routine_app.command("simulate", help="Replay a patient's course through a routine file. In memory.")(
        simulate.simulate
    )


_register_file_commands()


def _register_print() -> None:
    from backcare.cli.handout import print_

    routine_app.command("print", help="Print your routine as a hand-out. HTML for A4 paper, or Markdown.")(print_)


_register_print()
