"""The data folder is always an absolute path, and a blank one is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backcare.cli.app import app
from backcare.errors import InvalidInput
from backcare.paths import resolve_home


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "BACKCARE_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args], cwd=cwd, capture_output=True, text=True, env={**full, **(env or {})}
    )


@pytest.mark.parametrize("blank", ["", " ", "\t", "  \n"])
def test_a_blank_home_option_is_a_usage_error_and_creates_nothing(tmp_path, blank):
    done = run(tmp_path, "--home", blank, "checkin", "--pain", "3", "--stiffness", "4")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: --home is blank") and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_blank_home_variable_is_a_usage_error(tmp_path):
    done = run(tmp_path, "where", env={"BACKCARE_HOME": "   "})
    assert done.returncode == 2 and "BACKCARE_HOME is blank" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_relative_home_is_shown_absolute_and_named_on_stderr(tmp_path):
    done = run(tmp_path, "checkin", "--pain", "3", "--stiffness", "4", env={"BACKCARE_HOME": "data"})
    assert done.returncode == 0, done.stderr
    assert f"using {tmp_path / 'data'}" in done.stderr and "relative" in done.stderr
    info = json.loads(run(tmp_path, "where", "--json", env={"BACKCARE_HOME": "data"}).stdout)
    assert info["data_dir"] == str(tmp_path / "data")
    assert info["database"] == str(tmp_path / "data" / "backcare.db")


def test_an_in_process_blank_home_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--home", " ", "where"])
    assert result.exit_code == 2 and "--home is blank" in result.output
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=100, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/~"), min_size=1))
def test_resolve_home_is_always_absolute_or_refused(name):
    try:
        path = resolve_home(name)
    except InvalidInput:
        assert not name.strip()
        return
    assert path.is_absolute()
    assert path == Path(os.path.abspath(name))
