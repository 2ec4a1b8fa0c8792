"""Shared fixtures: every test gets its own data home; the real one is never touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcare.cli.app import app


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    fake_user = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("HOME", str(fake_user))
    monkeypatch.setenv("XDG_DATA_HOME", str(fake_user / "xdg"))
    monkeypatch.delenv("BACKCARE_HOME", raising=False)
    monkeypatch.delenv("BACKCARE_TODAY", raising=False)
    monkeypatch.delenv("BACKCARE_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("BACKCARE_HOME", str(path))
    return path


class Cli:
    """Runs backcare in-process, as a person would type it."""

    def __init__(self, home: Path):
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        return self.runner.invoke(app, list(args), input=input, env={"BACKCARE_HOME": str(self.home), **(env or {})})

    def json(self, *args: str, env: dict | None = None):
        result = self(*args, env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(home) -> Cli:
    return Cli(home)


def run_backcare(*args: str, home: Path, env: dict | None = None, input: str | None = None, timeout: float = 60):
    """Run backcare as a separate process (python -m backcare)."""
    full_env = {**os.environ, "BACKCARE_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
    )


@pytest.fixture
def bc(home):
    def run(*args: str, **kwargs):
        return run_backcare(*args, home=home, **kwargs)

    return run
