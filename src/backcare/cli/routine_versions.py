"""`backcare routine versions`, and what `routine import` says and asks about versions and stages."""

from typing import TYPE_CHECKING, Annotated

import typer

from backcare.cli.state import print_json, state

if TYPE_CHECKING:
    from backcare.services.routines import Imported, StageGone


def versions(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The routine's name (see 'backcare routine list').")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every version of a routine kept by 'routine import', oldest first; 'routine export --version N' writes one."""
    from backcare.services import routines

    rows = routines.versions(state(ctx).store(), name)
    if json_output:
        print_json([r.as_dict() for r in rows])
        return
    from backcare.render.routine import show_versions

    show_versions(name, rows)


def imported_message(result: "Imported") -> str:
    stages = f"{len(result.routine.stages)} stage{'s' if len(result.routine.stages) != 1 else ''}"
    if result.previous is None:
        lines = [f"Imported routine {result.name!r} ({stages}) and made it active."]
    elif result.unchanged:
        lines = [f"Routine {result.name!r} is already this file (version {result.version}); made it active."]
    else:
        lines = [
            f"Updated routine {result.name!r} to version {result.version} ({stages}) and made it active.",
            f"Earlier versions are kept: backcare routine versions {_quote(result.name)}",
        ]
    if result.moved:
        lines.append(result.moved)
        lines.append('To choose another stage: backcare routine stage ID --reason "..."')
    elif result.stage is not None and result.previous is not None:
        stage = result.routine.stage(result.stage)
        lines.append(
            f"You stay at stage {stage.name if stage else result.stage!r} ({result.stage}); your history is kept."
        )
    return "\n".join(lines)


def pick_stage(gone: "StageGone") -> str:
    """Ask, in a terminal, which stage of the new version to be at (the same position is the default)."""
    typer.echo(
        f"Your stage {gone.old_name!r} ({gone.old_id}) is not in the new version of this routine. "
        "Which stage should you be at? (Ask your physio if unsure.)"
    )
    stages = gone.routine.stages
    for n, stage in enumerate(stages, start=1):
        mark = "  <- same position" if n - 1 == gone.suggested else ""
        typer.echo(f"  {n}. {stage.name} ({stage.id}){mark}")
    while True:
        raw = typer.prompt("Stage number", default=str(gone.suggested + 1))
        text = raw.strip()
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(stages):
            return stages[int(text) - 1].id
        match = next((s for s in stages if s.id == text), None)
        if match is not None:
            return match.id
        typer.echo(f"Type a number from 1 to {len(stages)}.")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
