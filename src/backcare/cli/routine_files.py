"""`backcare routine check|schema|new`: work with routine files (the format a physiotherapist writes)."""

from pathlib import Path
from typing import Annotated

import typer


def check(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="Routine files (YAML) to check; '-' reads standard input.", show_default=False
        ),
    ],
) -> None:
    """Check routine files: print each problem as FILE:LINE:COLUMN: message, and each warning as
    FILE:LINE:COLUMN: warning: message. Exit 1 if any file has a problem (warnings alone exit 0)."""
    from backcare.content import lint_routine_file, lint_routine_text
    from backcare.content.routines import Checked
    from backcare.content.yamlsafe import MAX_BYTES, decode

    failed = False
    for path in files:
        if str(path) == "-":
            import sys

            text, problems = decode(sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>")
            checked = lint_routine_text(text, "<stdin>") if text is not None else Checked(None, problems, [])
            label = "<stdin>"
        else:
            checked = lint_routine_file(path)
            label = str(path)
        routine = checked.routine
        if routine is None:
            failed = True
            for problem in checked.problems:
                typer.echo(str(problem))
        else:
            for warning in checked.warnings:
                typer.echo(str(warning))
            stages = len(routine.stages)
            exercises = len({p.exercise for stage in routine.stages for p in stage.exercises})
            warned = len(checked.warnings)
            typer.echo(
                f"{label}: ok ({stages} stage{'s' if stages != 1 else ''}, "
                f"{exercises} exercise{'s' if exercises != 1 else ''}"
                + (f", {warned} warning{'s' if warned != 1 else ''}" if warned else "")
                + ")"
            )
    if failed:
        raise typer.Exit(1)


def schema() -> None:
    """Print the JSON Schema (draft-07) of the routine format, for editors and other tools."""
    from backcare.content import routine_schema_text

    typer.echo(routine_schema_text(), nl=False)


def new(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="The routine file to create, e.g. my-routine.yaml ('-' prints it).", show_default=False
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE (and its schema file) if it exists.")] = False,
) -> None:
    """Write a commented starter routine (and routine.schema.json beside it, for editor completion)."""
    from backcare.cli.state import state
    from backcare.content import routine_schema_text
    from backcare.content.schema import SCHEMA_FILE
    from backcare.content.starter import starter_name, starter_routine_text
    from backcare.errors import BackcareError
    from backcare.paths import DB_NAME
    from backcare.services.files import plan, write_output

    database = state(ctx).home / DB_NAME
    target = plan(file, force=force, protect=database, what="routine file")
    shown = target.path or file
    text = starter_routine_text(starter_name(shown.stem), SCHEMA_FILE, shown.name)
    write_output(target, text)
    if target.path is None:
        return
    typer.echo(f"Wrote {target}")
    if target.kind != "file":
        return

    schema_path = target.path.parent / SCHEMA_FILE
    schema_text = routine_schema_text()
    try:
        existing = schema_path.read_text(encoding="utf-8") if schema_path.exists() else None
        if existing is None or (force and existing != schema_text):
            write_output(plan(schema_path, force=force, protect=database, what="schema file"), schema_text)
            typer.echo(f"Wrote {schema_path} (editors use it for completion and to show mistakes as you type)")
        elif existing != schema_text:
            typer.echo(f"Kept the existing {schema_path} (pass --force to replace it with this backcare's schema)")
    except (BackcareError, OSError, UnicodeDecodeError) as exc:
        why = exc.message if isinstance(exc, BackcareError) else getattr(exc, "strerror", None) or exc
        typer.echo(
            f"Note: could not write {schema_path} ({why}); editor completion needs it, checking does not.",
            err=True,
        )
    typer.echo(f"Edit it, then check it with: backcare routine check {target}")
