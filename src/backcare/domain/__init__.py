"""Pure domain logic: no I/O, no Rich, no Typer."""
