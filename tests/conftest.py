"""Shared fixtures: every test gets its own data home; the real one is never touched.

Every test also runs on a fixed "today" (PINNED_TODAY, through BACKCARE_TODAY), so a run that crosses midnight
gives the same answers; a test that needs the real clock says so with `@pytest.mark.real_today`. The content cache
lives in a temporary folder for the whole session, and every Store opened during a test is closed at its end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backcare.cli.app import app
from backcare.store import Store

PINNED_TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def _session_cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("content-cache")


@pytest.fixture(autouse=True)
def _isolated_env(request, tmp_path_factory, monkeypatch, _session_cache_dir):
    fake_user = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("HOME", str(fake_user))
    monkeypatch.setenv("XDG_DATA_HOME", str(fake_user / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(fake_user / "cache"))
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(_session_cache_dir))
    monkeypatch.delenv("BACKCARE_NO_CACHE", raising=False)
    monkeypatch.delenv("BACKCARE_HOME", raising=False)
    if request.node.get_closest_marker("real_today"):
        monkeypatch.delenv("BACKCARE_TODAY", raising=False)
    else:
        monkeypatch.setenv("BACKCARE_TODAY", PINNED_TODAY.isoformat())
    monkeypatch.delenv("BACKCARE_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "100")


class StoreTracker:
    """Wraps Store.open to remember every store opened, so that all of them can be closed at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.opened: list[Store] = []
        real_open = Store.__dict__["open"].__func__

        def tracked_open(cls, *args, **kwargs):
            store = real_open(cls, *args, **kwargs)
            self.opened.append(store)
            return store

        monkeypatch.setattr(Store, "open", classmethod(tracked_open))

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture(autouse=True)
def _stores_closed(monkeypatch):
    """Every Store opened during a test (by the test itself or a command run in-process) is closed at its end."""
    tracker = StoreTracker(monkeypatch)
    yield tracker.opened
    tracker.close_all()


@pytest.fixture
def open_store(_stores_closed):
    """`open_store(home)`: a Store the test can use freely; it is closed when the test ends."""
    return Store.open


@pytest.fixture
def today() -> date:
    """The day every test runs on (BACKCARE_TODAY), unless marked `real_today`."""
    return PINNED_TODAY


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


class YamlWork:
    """Counts what the strict YAML reader does: parsers made and events read. Tests bound work by these counts
    (and by memory), never by the clock."""

    def __init__(self, monkeypatch):
        from backcare.content import yamlsafe

        self.parsers = 0
        self.events = 0
        real = yamlsafe._parser

        def counting_parser(text):
            self.parsers += 1
            return _CountingParser(real(text), self)

        monkeypatch.setattr(yamlsafe, "_parser", counting_parser)


class _CountingParser:
    def __init__(self, inner, work: YamlWork):
        self._inner = inner
        self._work = work

    def get_event(self):
        self._work.events += 1
        return self._inner.get_event()

    def __getattr__(self, name):
        return getattr(self._inner, name)


@pytest.fixture
def yaml_work(monkeypatch) -> YamlWork:
    return YamlWork(monkeypatch)
