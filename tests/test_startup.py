"""Start-up stays lean: commands import only what they use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import sys, json
from backcare.cli import main
sys.argv = ["backcare", *{args!r}]
try:
    main()
except SystemExit:
    pass
mods = [m for m in ("rich", "yaml", "platformdirs", "pydantic", "jsonschema", "plotext", "socket", "backcare.content")
        if m in sys.modules]
sys.__stdout__.write("\\nMODULES=" + json.dumps(mods))
"""


def loaded(args, home):
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, env=env)
    line = [x for x in out.stdout.splitlines() if x.startswith("MODULES=")][-1]
    return set(json.loads(line.removeprefix("MODULES=")))


def test_help_and_version_import_nothing_heavy(tmp_path):
    assert loaded(["--help"], tmp_path) == set()
    assert loaded(["--version"], tmp_path) == set()


def test_checkin_imports_no_rich_or_yaml(tmp_path):
    mods = loaded(["checkin", "--pain", "3", "--stiffness", "4"], tmp_path / "h")
    assert not mods & {"rich", "yaml", "pydantic", "jsonschema", "plotext", "backcare.content"}


def test_history_json_imports_no_rich(tmp_path):
    assert "rich" not in loaded(["history", "--json"], tmp_path / "h")


def test_shell_completion_offers_commands_and_subcommands(tmp_path):
    def complete(words: str, cword: int) -> str:
        env = {
            **os.environ,
            "BACKCARE_HOME": str(tmp_path),
            "_BACKCARE_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
        }
        out = subprocess.run([sys.executable, "-m", "backcare"], capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert "routine" in complete("backcare ro", 1).split()
    assert "check" in complete("backcare routine ch", 2).split()
