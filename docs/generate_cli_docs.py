"""Write docs/cli.md from the commands' own --help, so the reference never drifts from the code.

Run: python docs/generate_cli_docs.py   (tests/test_cli_docs.py fails when docs/cli.md is out of date)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def help_pages() -> list[tuple[str, str]]:
    from typer.testing import CliRunner

    from backcare.cli.app import COMMANDS, app
    from backcare.cli.config import config_app
    from backcare.cli.measure import measure_app
    from backcare.cli.remind import remind_app
    from backcare.cli.routine import routine_app
    from backcare.cli.sessions import sessions_app

    runner = CliRunner()
    pages = [("backcare", [])]
    for name, *_ in COMMANDS:
        pages.append((f"backcare {name}", [name]))
        if name == "routine":
            for cmd in routine_app.registered_commands:
                pages.append((f"backcare routine {cmd.name}", ["routine", cmd.name]))
        if name == "sessions":
            for cmd in sessions_app.registered_commands:
                pages.append((f"backcare sessions {cmd.name}", ["sessions", cmd.name]))
        if name == "measure":
            for cmd in measure_app.registered_commands:
                pages.append((f"backcare measure {cmd.name}", ["measure", cmd.name]))
        if name == "remind":
            for cmd in remind_app.registered_commands:
                pages.append((f"backcare remind {cmd.name}", ["remind", cmd.name]))
        if name == "config":
            for cmd in config_app.registered_commands:
                pages.append((f"backcare config {cmd.name}", ["config", cmd.name]))
    out = []
    for title, args in pages:
        result = runner.invoke(app, [*args, "--help"], terminal_width=100, env={"COLUMNS": "100"})
        out.append((title, result.stdout.rstrip()))
    return out


def render() -> str:
    parts = [
        "# backcare command reference",
        "",
        "Generated from each command's `--help` by `docs/generate_cli_docs.py`; do not edit by hand.",
        "",
    ]
    for title, text in help_pages():
        parts += [f"## {title}", "", "```", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    target = HERE / "cli.md"
    target.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
