"""A closed standard output (`backcare ... | true`, `| head -1`) after the work is done is not a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcare.store import Store
from tests.conftest import copy_home

pytestmark = pytest.mark.slow  # backcare processes writing into closed pipes: CI runs it, the fast loop leaves it out


def run_into_closed_pipe(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run backcare with a standard output whose reader has already gone."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "backcare", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            input=stdin,
            text=True,
            env={**os.environ, "BACKCARE_HOME": str(home)},
            timeout=120,
        )
    finally:
        os.close(write)


def stored(home: Path) -> list:
    store = Store.open(home)
    try:
        return store.checkins()
    finally:
        store.close()


def test_a_checkin_into_a_closed_pipe_is_saved_and_succeeds(home):
    done = run_into_closed_pipe(home, "checkin", "--pain", "3", "--stiffness", "4", "--note", "piped")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert [c.note for c in stored(home)] == ["piped"]


@pytest.fixture
def filled(home, home_template) -> Path:
    def build(folder: Path) -> None:
        from datetime import date, timedelta

        from backcare.domain.checkin import CheckIn

        store = Store.open(folder)
        try:
            for n in range(400):
                day = date(2025, 1, 1) + timedelta(days=n)
                store.update_checkin(day, lambda _old, day=day: CheckIn(day, 3, 4, None, None, "a note " * 5, (), None))
        finally:
            store.close()

    return copy_home(home_template("400-days", build), home)


@pytest.mark.parametrize(
    "args", [("history", "--days", "400"), ("history", "--json"), ("export",), ("routine", "show"), ("learn",)]
)
def test_reading_commands_into_a_closed_pipe_exit_0_quietly(filled, args):
    done = run_into_closed_pipe(filled, *args)
    assert done.returncode == 0, done.stderr
    assert "Broken pipe" not in done.stderr and "Traceback" not in done.stderr and "Exception" not in done.stderr


def test_a_failing_command_keeps_its_own_status(home, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: backcare-routine/1\nname: 3\n")
    done = run_into_closed_pipe(home, "routine", "check", str(bad))
    assert done.returncode == 1
    assert "Broken pipe" not in done.stderr


def test_the_command_group_treats_a_broken_pipe_as_done(monkeypatch):
    import typer
    from typer.testing import CliRunner

    from backcare.cli import app as application

    redirected = []
    monkeypatch.setattr("backcare.cli._stdout_to_devnull", lambda: redirected.append(True))
    group = typer.Typer(cls=application.BackcareGroup)

    @group.command()
    def talk() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    @group.command()
    def other() -> None:
        pass

    result = CliRunner().invoke(group, ["talk"])
    assert result.exit_code == 0 and "Error" not in result.output
    assert redirected == [True]
