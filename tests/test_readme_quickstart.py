"""The README's quick start, copied literally and run in a fresh folder with an empty HOME: the first command
installs backcare (with pipx, as recommended) and shows the dashboard, and the README's later commands then work
as written; the venv alternative is run literally too. The second quick-start command (install the test extra,
run the whole suite) is checked for shell syntax and against .ci/run, not run: it would run this test again."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
LEFT_BEHIND = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "dist", "build"
)


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def quick_start_commands() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section("Quick start"), re.S)]


def venv_alternative() -> str:
    [found] = [c for c in re.findall(r"`([^`\n]+)`", section("Quick start")) if c.startswith("python3 -m venv")]
    return found


def later_commands() -> list[str]:
    """The README's later commands that run without a terminal to answer prompts (each line as written, its
    comment included: the shell ignores it)."""
    wanted = ("backcare checkin -p", "backcare history", "backcare trend", "backcare config set", "backcare due")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", README, re.S) for line in block.splitlines()]
    return [line for line in lines if line.startswith(wanted)]


def fresh(tmp_path: Path, name: str) -> tuple[Path, dict[str, str]]:
    """A copy of the project and a person with an empty HOME whose PATH has pipx and the usual ~/.local/bin."""
    work = tmp_path / name
    shutil.copytree(REPO, work / "backcare", ignore=LEFT_BEHIND)
    home = work / "home"
    tools = work / "tools"
    home.mkdir()
    tools.mkdir()
    pipx = Path(sys.executable).with_name("pipx")
    assert pipx.exists(), "pipx is in the test extra: pip install -e '.[test]'"
    (tools / "pipx").symlink_to(pipx)
    env = {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k in ("LANG", "TMPDIR")}
    env.update(HOME=str(home), PATH=f"{home}/.local/bin:{tools}:/usr/local/bin:/usr/bin:/bin", LC_ALL="C.UTF-8")
    return work / "backcare", env


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_quick_start_has_exactly_two_commands_consistent_with_ci():
    install, tests = quick_start_commands()
    assert install == "pipx install . && backcare"
    assert tests == "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest -q"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    make_venv, pip_install, run_tests = tests.split(" && ")
    assert f"{make_venv} && {pip_install.replace('install ', 'install -q ')}" in ci  # the same install as CI
    assert run_tests in ci  # and the same test run, CI's last step
    for command in (install, tests, venv_alternative()):
        assert subprocess.run(["bash", "-n", "-c", command]).returncode == 0, command
    assert "backcare" in venv_alternative() and ". .venv/bin/activate" in venv_alternative()


@pytest.mark.slow
def test_pipx_quick_start_then_the_later_commands_work_as_written(tmp_path):
    project, env = fresh(tmp_path, "pipx")
    install = quick_start_commands()[0]
    first = sh(install, project, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "backcare · " in first.stdout and "Last 7 days" in first.stdout  # the dashboard
    assert (Path(env["HOME"]) / ".local" / "bin" / "backcare").exists()
    later = later_commands()
    assert len(later) >= 5
    for line in later:  # each in a new shell, as a person types them later
        out = sh(line, Path(env["HOME"]), env)
        allowed = (0, 1, 3) if line.startswith("backcare due") else (0,)
        assert out.returncode in allowed, f"{line}: {out.stdout}{out.stderr}"
        assert "command not found" not in out.stderr
    history = sh("backcare history --days 14 --json", Path(env["HOME"]), env)
    assert '"pain": 3' in history.stdout  # the README's check-in was stored in the person's data folder


@pytest.mark.slow
def test_venv_alternative_runs_as_written(tmp_path):
    project, env = fresh(tmp_path, "venv")
    out = sh(f"{venv_alternative()} && backcare checkin -p 2 -s 2 && backcare due", project, env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "backcare · " in out.stdout and "Today's check-in" in out.stdout
