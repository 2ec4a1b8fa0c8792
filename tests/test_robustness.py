"""Robustness at the level a person meets it: privacy of the files, no network, crashes, read-only and full disks.

The store's own unit tests (tests/test_store.py) cover migrations, bad files, concurrent writers and an
in-process full disk; these go through the command line and real processes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare import clock
from backcare.cli.app import app
from backcare.paths import DB_NAME
from backcare.store import Store
from tests.conftest import run_backcare

ROOT = Path(__file__).resolve().parent.parent
SIDECARS = ("-journal", "-wal", "-shm")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def seed_checkins(home: Path, days: int = 5, today: date | None = None) -> list[dict]:
    """A few check-ins on the last `days` days, written through the Store API; returns them as dicts."""
    today = today or clock.today()
    store = Store.open(home)
    from backcare.domain.checkin import CheckIn

    try:
        for i in range(1, days + 1):
            day = today - timedelta(days=i)
            store.update_checkin(day, lambda prev, day=day, i=i: CheckIn(day, i % 11, (i + 2) % 11, note=f"day {i}"))
        return [c.as_dict() for c in store.checkins()]
    finally:
        store.close()


def stored_checkins(home: Path) -> list[dict]:
    store = Store.open(home)
    try:
        assert store.integrity() == []
        return [c.as_dict() for c in store.checkins()]
    finally:
        store.close()


# -- privacy ---------------------------------------------------------------------------------------------------
def test_checkin_under_umask_000_creates_a_private_home_and_database(tmp_path):
    home = tmp_path / "fresh" / "home"
    old = os.umask(0)
    try:
        result = run_backcare("checkin", "--pain", "3", "--stiffness", "4", home=home)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert mode(home) == 0o700
    assert mode(home / DB_NAME) == 0o600
    for entry in home.iterdir():  # the db and any sidecar or backup left beside it
        assert mode(entry) & 0o077 == 0, f"{entry.name} is {oct(mode(entry))}"


def test_a_loose_existing_home_and_database_are_tightened_by_the_cli(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(home, 0o755)
    seed_checkins(home, 1)
    os.chmod(home, 0o755)
    os.chmod(home / DB_NAME, 0o644)
    old = os.umask(0)
    try:
        result = run_backcare("checkin", "--pain", "2", "--stiffness", "2", home=home)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert mode(home) == 0o700
    assert mode(home / DB_NAME) == 0o600


# A child that opens the store and stops inside one big write transaction, so the parent can look at the
# journal SQLite keeps meanwhile and kill the child there. Rows are big enough to spill SQLite's page cache, so
# the database file itself is already changed when the child dies and only the journal can undo it.
WRITER = r"""
import sys, time
from pathlib import Path
from backcare.store import Store

home, rows = Path(sys.argv[1]), int(sys.argv[2])
store = Store.open(home)
note = "x" * 1500
with store.write() as db:
    half = rows // 2
    insert = ("INSERT INTO checkins (date, pain, stiffness, note, tags, recorded_at, updated_at)"
              " VALUES (date('1900-01-01', ? || ' days'), 1, 1, ?, '[]', 'x', 'x')")
    db.executemany(insert, ((str(i), note) for i in range(half)))
    sys.stdout.write("inside\n")
    sys.stdout.flush()
    time.sleep(float(sys.argv[3]))
    db.executemany(insert, ((str(i), note) for i in range(half, rows)))
sys.stdout.write("committed\n")
"""


def start_writer(home: Path, rows: int = 4000, sleep: float = 60) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), str(rows), str(sleep)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        pytest.fail("the writer never reached the middle of its transaction")
    line = proc.stdout.readline()
    if line.strip() != "inside":
        proc.kill()
        pytest.fail(f"writer failed: {line!r} {proc.stderr.read()}")
    return proc


def test_the_journal_of_a_write_in_progress_is_private_under_umask_000(tmp_path):
    home = tmp_path / "home"
    old = os.umask(0)
    try:
        proc = start_writer(home)
    finally:
        os.umask(old)
    try:
        sidecars = [home / (DB_NAME + s) for s in SIDECARS if (home / (DB_NAME + s)).exists()]
        assert sidecars, "expected a journal while a write transaction is open"
        for path in sidecars:
            assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
        assert mode(home) == 0o700 and mode(home / DB_NAME) == 0o600
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export", "--format", "json", "-o", "{out}/e.json"), id="export-json"),
        pytest.param(("export", "--format", "csv", "-o", "{out}/e.csv"), id="export-csv"),
        pytest.param(("export", "--format", "fhir", "-o", "{out}/e.fhir.json"), id="export-fhir"),
        pytest.param(("backup", "-o", "{out}/b.db"), id="backup"),
        pytest.param(("report", "-o", "{out}/r.html"), id="report"),
    ],
)
def test_files_written_for_the_person_are_private_under_umask_000(cli, home, tmp_path, args):
    seed_checkins(home, 3)
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(out=out) for a in args]
    old = os.umask(0)
    try:
        result = cli(*argv)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    written = Path(argv[-1])
    assert written.exists()
    assert mode(written) == 0o600, f"{written.name} is {oct(mode(written))}"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export", "--format", "json", "-o", "{db}"), id="export-json"),
        pytest.param(("export", "--format", "csv", "-o", "{db}"), id="export-csv"),
        pytest.param(("backup", "-o", "{db}"), id="backup"),
        pytest.param(("report", "--format", "html", "-o", "{db}"), id="report"),
        pytest.param(("routine", "export", "default", "-o", "{db}"), id="routine-export"),
        pytest.param(("routine", "new", "{db}"), id="routine-new"),
    ],
)
def test_no_command_writes_its_output_over_the_database(cli, home, args):
    before = seed_checkins(home, 3)
    result = cli(*[a.format(db=home / DB_NAME) for a in args])
    assert result.exit_code == 1, f"'backcare {' '.join(args)}' wrote over the database: {result.output}"
    assert "Traceback" not in result.output
    assert stored_checkins(home) == before


# -- no network --------------------------------------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch):
    """Every way in to the network raises, and records that it was tried."""
    calls: list[str] = []

    class NoSocket(socket.socket):  # a class, so modules that subclass socket.socket still import
        def __init__(self, *args, **kwargs):
            calls.append(f"socket.socket{args}")
            raise OSError("backcare tried to open a socket")

    def refuse(name):
        def fn(*args, **kwargs):
            calls.append(f"socket.{name}{args}")
            raise OSError(f"backcare tried socket.{name}")

        return fn

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return calls


NETWORK_FREE = [
    ("checkin", "--pain", "4", "--stiffness", "5", "--tag", "desk-day", "--note", "fine"),
    (),
    ("today",),
    ("today", "--json"),
    ("history",),
    ("history", "--json", "--days", "30"),
    ("trend",),
    ("trend", "--json"),
    ("trend", "--all", "--metric", "pain"),
    ("report", "-o", "{tmp}/report.html"),
    ("report", "-o", "{tmp}/report.md"),
    ("export", "--format", "json", "-o", "{tmp}/export.json"),
    ("export", "--format", "csv", "-o", "{tmp}/export.csv"),
    ("export", "--format", "fhir", "-o", "{tmp}/export.fhir.json"),
    ("export", "--format", "json"),
    ("learn",),
    ("learn", "next"),
    ("learn", "--search", "sleep"),
    ("routine", "show"),
    ("routine", "why"),
    ("routine", "list"),
    ("routine", "check", str(ROOT / "data" / "routines" / "default.yaml")),
    ("session", "--done", "all", "--pain-during", "2", "--effort", "5"),
    ("where",),
    ("doctor",),
    ("safety", "--none"),
    ("backup", "-o", "{tmp}/backup.db"),
]


@pytest.mark.parametrize("args", NETWORK_FREE, ids=lambda a: " ".join(a) or "(no command)")
def test_every_command_works_without_the_network(cli, home, tmp_path, no_network, args):
    seed_checkins(home, 20)
    if args[:1] == ("session",):
        cli("safety", "--none")  # exercises are offered once the safety questions are answered
    argv = [a.format(tmp=tmp_path) for a in args]
    result = cli(*argv)
    assert result.exit_code == 0, (result.output, result.exception)
    assert no_network == [], f"'backcare {' '.join(argv)}' tried the network: {no_network}"


def test_an_export_imports_back_without_the_network(cli, home, tmp_path, no_network):
    seed_checkins(home, 10)
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out)).exit_code == 0
    other = tmp_path / "other"
    result = cli.runner.invoke(app, ["import", str(out)], env={"BACKCARE_HOME": str(other)})
    assert result.exit_code == 0, result.output
    assert no_network == []
    assert stored_checkins(other) == stored_checkins(home)


def test_a_fhir_transaction_and_a_sync_dry_run_stay_off_the_network(cli, home, tmp_path, no_network):
    seed_checkins(home, 5)
    assert cli("profile", "--clinic-id", "P-1").exit_code == 0
    system = ("--patient-system", "https://clinic.example/ids")
    result = cli("export", "-f", "fhir", "--bundle", "transaction", *system, "-o", str(tmp_path / "t.json"))
    assert result.exit_code == 0, result.output
    result = cli("sync", "--fhir-server", "https://clinic.example/fhir", "--dry-run", *system)
    assert result.exit_code == 0, result.output
    assert no_network == []


# -- a crash in the middle of a big write ----------------------------------------------------------------------------
def test_sigkill_inside_a_big_write_leaves_a_sound_database_without_any_of_it(tmp_path):
    home = tmp_path / "home"
    before = seed_checkins(home, 10)
    size_before = (home / DB_NAME).stat().st_size
    proc = start_writer(home, rows=4000)
    journal = home / (DB_NAME + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    # The page cache spilled: the database file already holds part of the unfinished write.
    assert (home / DB_NAME).stat().st_size > size_before
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL

    db = sqlite3.connect(home / DB_NAME)  # the first reader rolls the hot journal back
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM checkins WHERE date < '2000-01-01'").fetchone()[0] == 0
    finally:
        db.close()
    assert stored_checkins(home) == before
    assert not journal.exists() or journal.stat().st_size == 0


def _big_export(tmp_path: Path, days: int) -> tuple[Path, int]:
    """An export file with `days` check-ins and sessions (written through the Store, exported by the CLI)."""
    src = tmp_path / "src"
    store = Store.open(src)
    start = date(1960, 1, 1)
    note = "a fairly long note about the day, so the import has real work to do. " * 4
    with store.write() as db:
        db.executemany(
            "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, recorded_at, updated_at)"
            " VALUES (?, ?, ?, 5, 5, ?, '[\"gym\"]', 'x', 'x')",
            [((start + timedelta(days=i)).isoformat(), i % 11, (i * 3) % 11, note) for i in range(days)],
        )
        db.executemany(
            "INSERT INTO sessions (date, routine, stage, done, skipped, pain_during, effort, at)"
            " VALUES (?, 'Back on track (built-in)', 'mobility', '[\"cat-camel\"]', '[]', 2, 5, 'x')",
            [((start + timedelta(days=i)).isoformat(),) for i in range(days)],
        )
    store.close()
    out = tmp_path / "big-export.json"
    result = run_backcare("export", "--format", "json", "-o", str(out), home=src)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(out.read_text())["checkins"]) == days
    return out, days


@pytest.mark.slow  # another process on a large file; `.ci/run` runs it
def test_sigkill_during_an_import_leaves_all_or_none_of_it(tmp_path):
    export, days = _big_export(tmp_path, 12_000)
    home = tmp_path / "home"
    before = seed_checkins(home, 5)  # recent days: not in the export
    journal = home / (DB_NAME + "-journal")
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", "import", str(export)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    killed_inside = journal.exists() and proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=10)
    assert killed_inside, f"the import ended before it could be killed mid-write (exit {proc.returncode}): {err}"

    after = stored_checkins(home)  # integrity_check inside
    imported = [c for c in after if c["date"] < "2000-01-01"]
    assert len(imported) in (0, days), f"a partial import landed: {len(imported)} of {days} check-ins"
    assert [c for c in after if c["date"] >= "2000-01-01"] == before
    # And the import still works afterwards: the killed run left nothing in the way.
    result = run_backcare("import", str(export), home=home)
    assert result.returncode == 0, result.stderr
    assert len([c for c in stored_checkins(home) if c["date"] < "2000-01-01"]) == days


# -- read-only and full ------------------------------------------------------------------------------------------
def test_a_read_only_home_still_reads_and_refuses_writes_clearly(cli, home):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions (see the chattr test)")
    before = seed_checkins(home, 3)
    os.chmod(home / DB_NAME, 0o400)
    os.chmod(home, 0o500)
    try:
        shown = cli("history", "--json")
        write = cli("checkin", "--pain", "5", "--stiffness", "5")
    finally:
        os.chmod(home, 0o700)
        os.chmod(home / DB_NAME, 0o600)
    assert shown.exit_code == 0, shown.output
    assert len(json.loads(shown.stdout)) == len(before)
    assert write.exit_code == 1
    assert "read-only" in write.stderr or "cannot write" in write.stderr
    assert stored_checkins(home) == before


def _chattr(flag: str, *paths: Path) -> bool:
    try:
        done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    except FileNotFoundError:
        return False
    return done.returncode == 0


def test_an_immutable_database_reads_and_refuses_writes_clearly(home):
    """chattr +i stops even root from writing: the nearest thing to a read-only home that works as root."""
    before = seed_checkins(home, 3)
    db = home / DB_NAME
    if not _chattr("+i", db, home):
        _chattr("-i", db, home)
        pytest.skip("chattr +i is not supported here (filesystem or privileges)")
    try:
        shown = run_backcare("history", "--json", home=home)
        write = run_backcare("checkin", "--pain", "5", "--stiffness", "5", home=home)
    finally:
        _chattr("-i", db, home)
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)) == len(before)
    assert write.returncode == 1
    assert "Traceback" not in write.stderr
    assert "read-only" in write.stderr or "cannot write" in write.stderr, write.stderr
    assert stored_checkins(home) == before


def test_the_dashboard_shows_on_an_immutable_home_that_never_showed_it(home):
    """The first view records the routine's start in the stage history; on a home that cannot be written it must
    still show (this once failed with 'cannot write')."""
    seed_checkins(home, 3)
    db = home / DB_NAME
    if not _chattr("+i", db, home):
        _chattr("-i", db, home)
        pytest.skip("chattr +i is not supported here (filesystem or privileges)")
    try:
        results = {args: run_backcare(*args, home=home) for args in (("today",), ("routine", "show"))}
    finally:
        _chattr("-i", db, home)
    for args, result in results.items():
        assert result.returncode == 0, f"backcare {' '.join(args)}: {result.stderr}"


def test_a_full_disk_during_checkin_is_one_clear_sentence_and_keeps_earlier_data(cli, home, monkeypatch):
    first = cli("checkin", "--pain", "2", "--stiffness", "3", "--date", "yesterday", "--note", "n" * 2000)
    assert first.exit_code == 0, first.output
    before = stored_checkins(home)

    real_open = Store.open.__func__

    def open_on_a_full_disk(cls, path):
        store = real_open(cls, path)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    with monkeypatch.context() as patch:
        patch.setattr(Store, "open", classmethod(open_on_a_full_disk))
        result = cli("checkin", "--pain", "6", "--stiffness", "6", "--note", "m" * 2000)
    assert result.exit_code == 1, (result.output, result.exception)
    assert "full" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert stored_checkins(home) == before


def test_a_disk_that_fills_up_during_an_import_keeps_none_of_it(cli, home, tmp_path, monkeypatch):
    source = tmp_path / "source"
    seed_checkins(source, 400)
    export = tmp_path / "export.json"
    made = cli.runner.invoke(app, ["export", "--format", "json", "-o", str(export)], env={"BACKCARE_HOME": str(source)})
    assert made.exit_code == 0, made.output
    before = seed_checkins(home, 3, today=date(1990, 1, 1))  # days the export does not have

    real_open = Store.open.__func__

    def open_nearly_full(cls, path):
        store = real_open(cls, path)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return store

    with monkeypatch.context() as patch:
        patch.setattr(Store, "open", classmethod(open_nearly_full))
        result = cli("import", str(export))
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert stored_checkins(home) == before  # none of the import, all of the earlier data, integrity ok
    assert "no transaction is active" not in result.stderr
    assert "full" in result.stderr
