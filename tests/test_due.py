"""`backcare due`: is today's check-in done, answered fast enough for a shell prompt hook."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import paths
from backcare.cli import fast
from backcare.domain.checkin import CheckIn
from backcare.store import Store
from backcare.store.due import read_due

pytestmark = pytest.mark.slow  # the prompt-hook path run as its own process: CI runs it, the fast loop leaves it out

DAY = "2026-03-10"


def test_due_answers_with_exit_codes_and_one_line(bc, home):
    env = {"BACKCARE_TODAY": DAY}
    missing = bc("due", env=env)  # no data folder yet: simply not done
    assert missing.returncode == 1, missing.stderr
    assert missing.stdout.strip() == f"No check-in yet today ({DAY}): run 'backcare checkin'."
    assert not home.exists(), "due must not create the data folder"

    home.mkdir()
    Store.open(home).close()  # a database without any safety screen
    first = bc("due", env=env)
    assert (first.returncode, first.stdout.count("\n")) == (3, 1)
    assert "safety" in first.stdout

    assert bc("safety", "--none", env=env).returncode == 0
    assert bc("due", env=env).returncode == 1
    assert bc("checkin", "--pain", "3", "--stiffness", "2", env=env).returncode == 0
    db = home / paths.DB_NAME
    stored = (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in home.iterdir()))
    done = bc("due", env=env)
    assert (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in home.iterdir())) == stored  # read only
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Today's check-in ({DAY}) is done.\n", "")
    quiet = bc("due", "--quiet", env=env)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    tomorrow = bc("due", "-q", env={"BACKCARE_TODAY": "2026-03-11"})
    assert (tomorrow.returncode, tomorrow.stdout) == (1, "")


def test_due_respects_home_option_and_typer_path(tmp_path, cli):
    other = tmp_path / "other"
    assert cli("--home", str(other), "safety", "--none").exit_code == 0
    assert cli("--home", str(other), "checkin", "--pain", "1", "--stiffness", "1").exit_code == 0
    # In-process (the Typer command) and as a process (the early answer) agree.
    assert cli("--home", str(other), "due").exit_code == 0
    assert cli("due").exit_code == 1
    out = subprocess.run([sys.executable, "-m", "backcare", f"--home={other}", "due"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "done" in out.stdout


def test_due_help_and_mistakes_go_through_typer(bc):
    helped = bc("due", "--help")
    assert helped.returncode == 0 and "--quiet" in helped.stdout
    wrong = bc("due", "--loud")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "due" in bc("--help").stdout and "remind" in bc("--help").stdout


def test_damaged_or_locked_database_is_one_line_exit_1_and_untouched(bc, home):
    home.mkdir()
    db = home / paths.DB_NAME
    db.write_bytes(b"this is not a database at all" * 100)
    before = db.read_bytes()
    out = bc("due", env={"BACKCARE_TODAY": DAY})
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("Error:") and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert bc("due", "--quiet").stderr == ""
    assert db.read_bytes() == before

    db.unlink()
    Store.open(home).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another backcare in the middle of a write
    try:
        locked = bc("due")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert locked.returncode == 1 and locked.stderr.startswith("Error:") and locked.stderr.count("\n") == 1


HOT_WRITE = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")
db.execute("BEGIN IMMEDIATE")
db.execute("CREATE TABLE junk (x)")
db.executemany("INSERT INTO junk VALUES (?)", [("x" * 500,) for _ in range(3000)])
os._exit(0)  # a crash in the middle of a write: the journal stays behind, hot
"""


def test_crash_left_hot_journal_is_named_and_left_to_a_writing_command(bc, home):
    assert bc("safety", "--none").returncode == 0
    db = home / paths.DB_NAME
    subprocess.run([sys.executable, "-c", HOT_WRITE, str(db)], check=True)
    journal = Path(f"{db}-journal")
    assert journal.exists()
    out = bc("due")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "was cut off" in out.stderr
    assert journal.exists()  # due only reads; the next ordinary command rolls the write back
    assert bc("where").returncode == 0
    assert bc("due").returncode == 1 and not journal.exists()


def test_bad_pinned_day_is_a_usage_error(bc):
    out = bc("due", env={"BACKCARE_TODAY": "2026-02-30"})
    assert out.returncode == 2 and out.stderr.startswith("Error: BACKCARE_TODAY")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offsets=st.sets(st.integers(min_value=0, max_value=60), max_size=8),
    asked=st.integers(min_value=0, max_value=60),
    screened=st.booleans(),
)
def test_read_due_matches_what_is_stored(tmp_path_factory, offsets, asked, screened):
    home = tmp_path_factory.mktemp("h")
    start = date(2026, 1, 1)
    store = Store.open(home)
    for n in offsets:
        store.update_checkin(start + timedelta(days=n), lambda _old, n=n: CheckIn(start + timedelta(days=n), 2, 2))
    if screened:
        with store.write() as db:
            db.execute("INSERT INTO safety_screens (date, answers, any_yes, at) VALUES ('2026-01-01', '{}', 0, 'x')")
    store.close()
    assert read_due(str(home), (start + timedelta(days=asked)).isoformat()) == (screened, asked in offsets)


@settings(max_examples=60, deadline=None)
@given(
    xdg=st.one_of(
        st.just(""), st.just(" "), st.just("relative/dir"), st.text(min_size=1, max_size=12).map(lambda t: "/" + t)
    ),
    user_home=st.sampled_from(["/home/ann", "/root", "/tmp/x y"]),
)
def test_default_home_without_platformdirs_matches_resolve_home(xdg, user_home):
    if "\x00" in xdg:
        return
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "HOME", "BACKCARE_HOME")}
    try:
        os.environ.pop("BACKCARE_HOME", None)
        os.environ["HOME"] = user_home
        os.environ["XDG_DATA_HOME"] = xdg
        assert Path(fast.data_home(None)) == paths.resolve_home(None)
        for chosen in ("/elsewhere//x/", "~/data", "relative/x", "~"):
            assert Path(fast.data_home(chosen)) == paths.resolve_home(chosen)
            os.environ["BACKCARE_HOME"] = chosen
            assert Path(fast.data_home(None)) == paths.resolve_home(None)
            del os.environ["BACKCARE_HOME"]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_db_name_matches():
    from backcare.store import due

    assert due.DB_NAME == paths.DB_NAME


def imported(args: list[str], home: Path) -> set[str]:
    """Every module one run imports, as `python -X importtime` lists them."""
    env = {**os.environ, "BACKCARE_HOME": str(home), "BACKCARE_TODAY": DAY}
    env.pop("XDG_DATA_HOME", None)
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", *args], capture_output=True, text=True, env=env
    )
    names = {row.split("|")[-1].strip() for row in out.stderr.splitlines() if row.startswith("import time:")}
    assert "backcare.cli" in names, out.stderr[-500:]
    return names


HEAVY = {"typer", "click", "rich", "yaml", "platformdirs", "backcare.content", "backcare.services", "backcare.store"}


def test_due_and_version_stay_off_typer_rich_yaml(tmp_path, monkeypatch, bc, home):
    bc("safety", "--none")
    for args in (["due"], ["due", "--quiet"], ["--home", str(home), "due"]):
        assert not imported(args, home) & HEAVY, args
    assert not imported(["--version"], home) & HEAVY
    assert "typer" in imported(["due", "--help"], home)  # the check sees Typer where it is used
    # The default data folder is found without platformdirs too.
    monkeypatch.setenv("HOME", str(tmp_path))
    env = {**os.environ, "BACKCARE_TODAY": DAY}
    env.pop("BACKCARE_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", "due"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 1 and "platformdirs" not in out.stderr and "typer" not in out.stderr


def test_version_is_answered_early(bc):
    from backcare import __version__

    for args in (["--version"], ["--debug", "--version"]):
        out = bc(*args)
        assert (out.returncode, out.stdout) == (0, f"backcare {__version__}\n")


words = st.sampled_from(["due", "--quiet", "-q", "--debug", "--home", "--home=", "--version", "today", "--help", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(words, max_size=5))
def test_early_answer_agrees_with_the_typer_app(cli, home, capsys, argv):
    """Whatever the hand-parsed early path answers, Typer would have answered the same way; the rest it leaves."""
    if not (home / paths.DB_NAME).exists():
        assert cli("safety", "--none").exit_code == 0
    argv = [f"--home={home}" if w == "--home=" else w for w in argv]
    paths._noted.clear()
    try:
        fast.answer_early(argv)
    except SystemExit as exc:
        early = exc.code
        printed = capsys.readouterr()
    else:
        capsys.readouterr()
        return
    paths._noted.clear()  # each answer is its own run: a relative --home is noted once per run
    typer_run = cli(*argv)
    assert early == typer_run.exit_code, (argv, printed, typer_run.output)
    assert (printed.out + printed.err).strip() == typer_run.output.strip()
