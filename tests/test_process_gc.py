"""main() tells the garbage collector what lives as long as the process: no collection passes while Typer and the
command are imported, those objects frozen for the command's own passes, and everything frozen at exit so the
interpreter's last pass does not walk it again. Nothing printed or stored changes; a caller that goes on after
main() (a test) gets the collector back as it was."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from backcare import messages

PROBE = """
import atexit, gc, importlib, sys
passes = []
gc.callbacks.append(lambda phase, info: phase == "stop" and passes.append(info["generation"]))
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, file=sys.stderr))  # runs last
real_import = importlib.import_module

def import_module(name, *rest):  # how the app imports the command module, the last step before it runs
    module = real_import(name, *rest)
    if name.startswith("backcare.cli."):
        print("passes while importing:", len(passes), file=sys.stderr)
    return module

importlib.import_module = import_module
sys.argv = ["backcare", *sys.argv[1:]]
from backcare.cli import main
passes.clear()
main()
"""


def probe(home, *args):
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("args", [["safety", "--none"], ["checkin", "--pain", "3", "--stiffness", "4"]])
def test_no_collection_while_importing_and_everything_frozen_at_exit(tmp_path, args):
    out = probe(tmp_path / "h", *args)
    assert out.returncode == 0, out.stderr
    assert "passes while importing: 0" in out.stderr
    assert "frozen at exit: True" in out.stderr


def test_the_output_and_the_exit_status_are_as_before(tmp_path):
    home = tmp_path / "h"
    ok = probe(home, "safety", "--none")
    assert (
        ok.stdout == f"Safety check recorded for 2026-11-27: all answers 'no'. Thank you.\n{messages.NOT_A_DIAGNOSIS}\n"
    )
    refused = probe(home, "checkin", "--pain", "11", "--stiffness", "4")
    assert refused.returncode == 2 and "\nError: pain must be from 0 to 10, not 11.\n" in refused.stderr


def test_a_caller_that_goes_on_gets_the_collector_back(home, monkeypatch, capsys):
    from backcare.cli import main

    monkeypatch.setattr(sys, "argv", ["backcare", "safety", "--none"])
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert "all answers 'no'" in capsys.readouterr().out


def test_a_caller_that_had_collection_off_keeps_it_off(home, monkeypatch, capsys):
    from backcare.cli import main

    monkeypatch.setattr(sys, "argv", ["backcare", "safety", "--none"])
    gc.disable()
    try:
        with pytest.raises(SystemExit):
            main()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
