"""Build the wheel, install it in a fresh venv, and use it from a folder outside the repo."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory, built_dist):
    work = tmp_path_factory.mktemp("wheel")
    [wheel] = built_dist.glob("backcare-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert pip.returncode == 0, pip.stderr
    return env_dir


def run(env_dir, *args, cwd, home):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["BACKCARE_HOME"] = str(home)
    return subprocess.run([str(env_dir / "bin" / "backcare"), *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.xdist_group("dist")
def test_wheel_works_from_another_folder(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    assert run(installed, "--help", cwd=elsewhere, home=home).returncode == 0
    today = run(installed, "today", cwd=elsewhere, home=home)
    assert today.returncode == 0, today.stderr
    assert "backcare checkin" in today.stdout
    assert run(installed, "checkin", "-p", "3", "-s", "4", cwd=elsewhere, home=home).returncode == 0
    data = json.loads(run(installed, "today", "--json", cwd=elsewhere, home=home).stdout)
    assert data["checked_in"] is True
    module = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "backcare", "--version"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert module.returncode == 0 and module.stdout.startswith("backcare ")


@pytest.mark.slow
@pytest.mark.xdist_group("dist")
def test_wheel_ships_the_data_files(installed, tmp_path):
    code = (
        "import importlib.resources as r; d = r.files('backcare') / 'data';print(sorted(p.name for p in d.iterdir()))"
    )
    out = subprocess.run([str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    names = out.stdout
    for name in ("exercises.yaml", "education.yaml", "routines"):
        assert name in names


@pytest.mark.slow
@pytest.mark.xdist_group("dist")
def test_every_capability_works_from_the_wheel(installed, tmp_path):
    """Routine files, a session, education, trends, report and exports, from a folder outside the repo."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    routine = elsewhere / "mine.yaml"
    routine.write_text((REPO / "examples" / "routines" / "desk-worker.yaml").read_text())

    def ok(*args):
        result = run(installed, *args, cwd=elsewhere, home=home)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
        return result.stdout

    ok("safety", "--none")
    ok("checkin", "-p", "4", "-s", "5", "--date", "yesterday")
    ok("checkin", "-p", "3", "-s", "4", "--tag", "desk")
    assert "ok" in ok("routine", "check", str(routine))
    assert json.loads(ok("routine", "show", "--json"))["stage"]["id"] == "mobility"
    ok("session", "--done", "all", "--pain-during", "2")
    ok("routine", "import", str(routine))
    assert json.loads(ok("today", "--json"))["topic"]["id"]
    assert "Keep moving" in ok("learn", "staying-active")
    ok("learn", "--search", "sleep")
    assert json.loads(ok("trend", "--json"))["days"] >= 1
    ok("report", "-o", str(elsewhere / "report.html"))
    assert "<svg" in (elsewhere / "report.html").read_text()
    ok("export", "--format", "json", "-o", str(elsewhere / "all.json"))
    ok("export", "--format", "csv")
    ok("export", "--format", "fhir")
    ok("backup", "-o", str(elsewhere / "copy.db"))
    fresh = tmp_path / "fresh"
    result = run(installed, "import", str(elsewhere / "all.json"), cwd=elsewhere, home=fresh)
    assert result.returncode == 0, result.stderr
    bad = run(
        installed,
        "routine",
        "check",
        str(REPO / "tests" / "routines" / "broken" / "side-no.yaml"),
        cwd=elsewhere,
        home=home,
    )
    assert bad.returncode == 1 and "side-no.yaml:" in bad.stdout
