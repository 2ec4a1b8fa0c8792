"""Crashes, damaged files and read-only homes, as a person meets them.

A kill inside a commit leaves the database plus a hot journal: SQLite rolls it back on the next open, and backcare
must let it (never refuse the file first, never advise moving it away from its journal). A damaged file is refused
for writing, explained by `where`, and salvaged by `recover` into a new file. The kill-point tests stop backcare
at every single write, sync and unlink of a command with strace (CI installs it: apt-get install -y strace).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.domain.checkin import CheckIn
from backcare.paths import DB_NAME
from backcare.store import Store, migrations
from tests.conftest import copy_home

pytestmark = pytest.mark.slow  # killed processes, damaged databases: CI runs it, the fast loop leaves it out

STRACE = shutil.which("strace")
needs_strace = pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install -y strace)")
SYSCALLS = ("pwrite64", "write", "fdatasync", "fsync", "unlink", "rename", "ftruncate")
VOLATILE = {"recorded_at", "updated_at", "at", "imported_at", "started"}  # clock times of a write, differ between runs
TODAY = "2026-11-20"


def env_for(home: Path) -> dict:
    return {
        **os.environ,
        "BACKCARE_HOME": str(home),
        "BACKCARE_TODAY": TODAY,
        "BACKCARE_NO_CACHE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",  # the same system calls on every run
    }


def backcare(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args], capture_output=True, text=True, env=env_for(home), timeout=120
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed(home: Path, days: int, note: str = "", start: date = date(2026, 9, 1)) -> None:
    store = Store.open(home)
    try:
        for i in range(days):
            day = start + timedelta(days=i)
            store.update_checkin(day, lambda prev, day=day, i=i: CheckIn(day, i % 11, (i + 3) % 11, note=note or None))
    finally:
        store.close()


def snapshot(home: Path) -> dict:
    """Every row of every table, without the clock times of the writes."""
    db = sqlite3.connect(home / DB_NAME)
    try:
        out = {"version": db.execute("PRAGMA user_version").fetchone()[0]}
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table == "sqlite_sequence":
                continue
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in VOLATILE]
            out[table] = sorted(db.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        db.close()


def fresh_copy(start: Path, where: Path) -> Path:
    shutil.copytree(start, where, symlinks=True)
    return where


# -- a hot journal is SQLite's business ------------------------------------------------------------------------
def crash_image(home: Path, rows: int = 3000) -> None:
    """The files a crash leaves in the middle of a big write: the database, already partly overwritten (the page
    cache spilled), and the hot journal that can undo it. Made by copying both while the write is open."""
    image = home.parent / "image"
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("PRAGMA cache_size = 5")
    db.execute("BEGIN IMMEDIATE")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"PRAGMA user_version = {version}")  # page 1 is now in the journal, as in every commit
    db.executemany(
        "INSERT INTO checkins (date, pain, stiffness, note, tags, recorded_at, updated_at)"
        " VALUES (date('1900-01-01', ? || ' days'), 1, 1, ?, '[]', 'x', 'x')",
        ((str(i), "y" * 300) for i in range(rows)),
    )
    image.mkdir()
    for suffix in ("", "-journal"):
        shutil.copy2(home / (DB_NAME + suffix), image / (DB_NAME + suffix))
    db.execute("ROLLBACK")
    db.close()
    # Commit writes page 1 first: its header already counts pages that were never written when the power went.
    with open(image / DB_NAME, "r+b") as fh:
        header = bytearray(fh.read(100))
        pages = os.fstat(fh.fileno()).st_size // int.from_bytes(header[16:18], "big")
        header[28:32] = (pages + 8).to_bytes(4, "big")
        header[92:96] = header[24:28]  # "valid for" this change counter, so the count is believed
        fh.seek(0)
        fh.write(header)
    for suffix in ("", "-journal"):
        os.replace(image / (DB_NAME + suffix), home / (DB_NAME + suffix))
    image.rmdir()


def test_a_hot_journal_is_rolled_back_by_the_next_command(home, tmp_path):
    seed(home, 20, note="n" * 200)
    before = snapshot(home)
    crash_image(home)
    assert (home / (DB_NAME + "-journal")).stat().st_size > 0
    copy = tmp_path / "after-crash.db"
    for args in (
        ("history", "--json"),
        ("export", "--format", "json"),
        ("backup", "-o", str(copy)),
        ("where", "--json"),
    ):
        result = backcare(home, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert snapshot(home) == before
    other = tmp_path / "restored"
    other.mkdir()
    shutil.copy(copy, other / DB_NAME)
    assert snapshot(other) == before
    assert not (home / (DB_NAME + "-journal")).exists()


def _chattr(flag: str, *paths: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_a_hot_journal_in_a_read_only_home_is_explained_not_called_damage(home):
    seed(home, 5)
    crash_image(home, rows=2000)
    files = [home / DB_NAME, home / (DB_NAME + "-journal"), home]
    if not _chattr("+i", *files):
        _chattr("-i", *files)
        pytest.skip("chattr +i is not supported here (filesystem or privileges)")
    try:
        result = backcare(home, "history")
    finally:
        _chattr("-i", *files)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cut off" in result.stderr and "read-only" in result.stderr and "damaged" not in result.stderr
    assert "move" not in result.stderr
    assert (home / (DB_NAME + "-journal")).stat().st_size > 0  # still there for SQLite


# -- damage: found on open, writes refused, explained, salvaged -------------------------------------------------
def table_leaves(path: Path) -> list[int]:
    """Page numbers of table b-tree leaves (page type 13) in the file."""
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    return [n + 1 for n in range(1, len(data) // size) if data[n * size] == 0x0D]


def scribble(path: Path, page: int) -> None:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * size)


@pytest.fixture
def damaged_home(home, home_template):
    """Two years of check-ins (each run of the CLI has seen the file), then one page in the middle scribbled over."""
    note = "a note long enough to spread the rows over many pages " * 2
    copy_home(home_template("two-years", lambda h: seed(h, 730, note=note)), home)
    assert backcare(home, "today").returncode == 0  # the file passed a check and was remembered as good
    db = home / DB_NAME
    leaves = table_leaves(db)
    page = leaves[len(leaves) // 2]
    size = int.from_bytes(db.read_bytes()[16:18], "big")
    header = db.read_bytes()[(page - 1) * size : (page - 1) * size + 8]
    home.joinpath("cells-lost").write_text(str(int.from_bytes(header[3:5], "big")))  # rows on that page
    scribble(db, page)
    return home


def test_a_write_to_a_database_with_a_damaged_page_is_refused_with_recovery_advice(damaged_home):
    home = damaged_home
    before = sha(home / DB_NAME)
    result = backcare(home, "checkin", "--pain", "3", "--stiffness", "4")
    assert result.returncode == 1, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "damaged" in result.stderr and "backcare recover -o FILE" in result.stderr
    assert "move" not in result.stderr
    assert sha(home / DB_NAME) == before
    where = backcare(home, "where")
    assert where.returncode == 1
    assert "damaged" in where.stdout and "backcare recover -o FILE" in where.stdout


def test_recover_copies_every_readable_row_into_a_new_file_and_leaves_the_original(damaged_home, tmp_path):
    home = damaged_home
    before = sha(home / DB_NAME)
    out = tmp_path / "rescued.db"
    result = backcare(home, "recover", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sha(home / DB_NAME) == before
    assert "missing" in result.stdout
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    rowids = [r for (r,) in db.execute("SELECT rowid FROM checkins ORDER BY rowid")]
    db.close()
    # Exactly the rows of the scribbled page are gone: one contiguous run of rowids, as many as the page held.
    lost = sorted(set(range(1, 731)) - set(rowids))
    assert len(lost) == int((home / "cells-lost").read_text()), lost
    assert lost == list(range(lost[0], lost[-1] + 1))
    # The copy is a working backcare database.
    new_home = tmp_path / "new-home"
    new_home.mkdir()
    shutil.copy(out, new_home / DB_NAME)
    info = json.loads(backcare(new_home, "where", "--json").stdout)
    assert info["ok"] and info["counts"]["checkins"] == len(rowids)
    assert backcare(new_home, "checkin", "--pain", "2", "--stiffness", "2").returncode == 0
    # Never over an existing file.
    again = backcare(home, "recover", "-o", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert not list(tmp_path.glob(".rescued.db.*"))


def test_recover_of_a_sound_database_is_a_complete_copy(home, tmp_path):
    seed(home, 40)
    out = tmp_path / "copy.db"
    result = backcare(home, "recover", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "missing" not in result.stdout
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(out, other / DB_NAME)
    assert snapshot(other) == snapshot(home)


def test_damage_made_after_the_last_run_is_noticed_even_at_the_same_size(home):
    """The quick check is skipped only while the file is exactly as backcare last left it."""
    seed(home, 300, note="x" * 100)
    assert backcare(home, "today").returncode == 0
    db = home / DB_NAME
    size = db.stat().st_size
    scribble(db, table_leaves(db)[3])
    assert db.stat().st_size == size
    result = backcare(home, "history", "--json")
    assert result.returncode == 1 and "damaged" in result.stderr


def test_no_message_about_a_bad_file_advises_moving_it_away_from_its_journal(cli, home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_text("my notes, not a database\n")
    result = cli("today")
    assert result.exit_code == 1
    assert "move it aside" not in result.stderr
    assert "together with any file beside it" in result.stderr


# -- read-only homes --------------------------------------------------------------------------------------------
def test_read_commands_work_in_a_home_whose_folder_cannot_be_written(home, tmp_path):
    """The database file itself is writable, its folder is not (no journal can be made): reads open read-only,
    a write says so in one sentence."""
    seed(home, 10)
    assert backcare(home, "today").returncode == 0
    before = sha(home / DB_NAME)
    if not _chattr("+i", home):
        _chattr("-i", home)
        pytest.skip("chattr +i is not supported here (filesystem or privileges)")
    try:
        reads = {
            args: backcare(home, *args)
            for args in (
                ("today",),
                ("history", "--json"),
                ("export", "--format", "json"),
                ("report", "-o", str(tmp_path / "r.html")),
                ("trend",),
                ("where",),
            )
        }
        write = backcare(home, "checkin", "--pain", "5", "--stiffness", "5")
    finally:
        _chattr("-i", home)
    for args, result in reads.items():
        assert result.returncode == 0, (args, result.stderr)
    assert "read-only" in reads[("where",)].stdout
    assert write.returncode == 1
    assert len(write.stderr.strip().splitlines()) == 1
    assert "read-only" in write.stderr, write.stderr
    assert sha(home / DB_NAME) == before


# -- the pre-upgrade copy and failed backups --------------------------------------------------------------------
def old_database(home: Path, version: int = 1, days: int = 30) -> None:
    home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    migrations.apply(db, upto=version)
    db.executemany(
        "INSERT INTO checkins (date, pain, stiffness, note, tags, recorded_at, updated_at) VALUES (?, ?, 2, ?, '[]',"
        " 'x', 'x')",
        [((date(2026, 1, 1) + timedelta(days=i)).isoformat(), i % 11, "n" * 300) for i in range(days)],
    )
    db.close()
    os.chmod(home / DB_NAME, 0o600)


def test_an_upgrade_whose_safety_copy_does_not_check_out_is_not_started(home, monkeypatch):
    import backcare.store as store_module

    old_database(home)
    monkeypatch.setattr(store_module, "_verify_copy", lambda copy, expected: "checkins: 0 rows instead of 30")
    with pytest.raises(store_module.StoreError, match="did not check out"):
        Store.open(home)
    assert [p.name for p in home.iterdir() if ".bak" in p.name] == []
    db = sqlite3.connect(home / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_the_upgrade_keeps_a_verified_copy_under_its_final_name(home):
    old_database(home)
    Store.open(home).close()
    (bak,) = [p for p in home.iterdir() if ".bak" in p.name]
    assert bak.name.endswith(".bak")
    db = sqlite3.connect(bak)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 30
    db.close()


def test_a_backup_that_fails_on_a_full_disk_leaves_nothing_behind(home, tmp_path):
    seed(home, 200, note="n" * 400)
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root in a privileged environment)")
    try:
        result = backcare(home, "backup", "-o", str(small / "b.db"))
        left = sorted(p.name for p in small.iterdir())
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert left == [], left


# -- the last-resort message tells the truth ---------------------------------------------------------------------
def _crash_after(monkeypatch, capsys, home, args, where):
    """Run main() with an unexpected error raised at `where` (a module attribute), return stderr."""
    import backcare.cli as cli_module
    from backcare.store import Store as S

    monkeypatch.setenv("BACKCARE_HOME", str(home))
    monkeypatch.setenv("BACKCARE_TODAY", TODAY)
    monkeypatch.setattr(S, "committed", False)
    module, attr = where

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, attr, boom)
    monkeypatch.setattr(sys, "argv", ["backcare", *args])
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 1
    return capsys.readouterr().err


def test_the_last_resort_message_does_not_claim_nothing_changed_after_a_save(home, monkeypatch, capsys):
    from backcare.domain import dates

    seed(home, 2)
    # `human` formats the confirmation, which is printed after the check-in was committed.
    err = _crash_after(monkeypatch, capsys, home, ["checkin", "-p", "3", "-s", "4"], (dates, "human"))
    assert "boom" in err
    assert "was not changed" not in err
    assert "saved" in err
    store = Store.open(home)
    try:
        assert store.get_checkin(date.fromisoformat(TODAY)) is not None
    finally:
        store.close()


def test_the_last_resort_message_says_nothing_changed_when_nothing_was_saved(home, monkeypatch, capsys):
    from backcare.store import Store as S

    seed(home, 2)
    err = _crash_after(monkeypatch, capsys, home, ["history"], (S, "latest_checkins"))
    assert "boom" in err
    assert "Your stored data was not changed" in err


# -- kill points: every write, sync and unlink of a command ------------------------------------------------------
def traced(home: Path, args: list[str], *, log: Path | None = None, kill: tuple[str, int] | None = None):
    cmd = [STRACE, "-f", "-qq", "-o", str(log or os.devnull)]
    if kill is None:
        cmd += ["-e", f"trace={','.join(SYSCALLS)}"]
    else:
        cmd += ["-e", f"trace={kill[0]}", "-e", f"inject={kill[0]}:signal=SIGKILL:when={kill[1]}"]
    return subprocess.run(
        [*cmd, sys.executable, "-m", "backcare", *args], capture_output=True, text=True, env=env_for(home), timeout=120
    )


def next_command(home: Path, args) -> object:
    """The next command after a crash, run in-process (a fresh process was just killed; this saves a start-up)."""
    from typer.testing import CliRunner

    from backcare.cli.app import app

    return CliRunner().invoke(app, list(args), env={"BACKCARE_HOME": str(home), "BACKCARE_TODAY": TODAY})


def count_calls(start: Path, args_for, tmp: Path) -> Counter:
    home = fresh_copy(start, tmp / "count")
    log = tmp / "count.log"
    result = traced(home, args_for(home), log=log)
    assert result.returncode == 0, result.stderr
    calls = Counter()
    for line in log.read_text().splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and "(" in parts[1] and not parts[1].startswith("<..."):
            calls[parts[1].split("(", 1)[0]] += 1
    shutil.rmtree(home)
    return calls


def clean_run(start: Path, args_for, tmp: Path, name: str) -> dict:
    home = fresh_copy(start, tmp / name)
    result = backcare(home, *args_for(home))
    assert result.returncode == 0, result.stderr
    return snapshot(home)


def kill_everywhere(start: Path, args_for, tmp: Path, allowed, *, after=("where", "--json"), check=None):
    """Kill the command at each of its system calls in turn; after each kill the next command must work and the
    data must be exactly one of the `allowed` states."""
    calls = count_calls(start, args_for, tmp)
    assert calls["pwrite64"] > 0
    killed = 0
    for name in SYSCALLS:
        for n in range(1, calls[name] + 1):
            home = fresh_copy(start, tmp / f"kill-{name}-{n}")
            run = traced(home, args_for(home), kill=(name, n))
            killed += run.returncode == -signal.SIGKILL
            nxt = next_command(home, after)
            assert nxt.exit_code == 0, f"after a kill at {name} #{n}: {nxt.stderr}"
            assert "move" not in nxt.stderr
            state = snapshot(home)
            ok = allowed(state) if callable(allowed) else state in allowed
            assert ok, f"after a kill at {name} #{n} the data is neither the old nor the new state"
            if check is not None:
                check(home, f"{name} #{n}")
            shutil.rmtree(home)
            for extra in tmp.glob(f"kill-{name}-{n}*"):
                extra.unlink()
    assert killed >= sum(calls[s] for s in ("pwrite64", "fdatasync")), "most kill points did not kill"


@pytest.mark.slow
@needs_strace
def test_a_kill_at_any_write_of_a_checkin_that_grows_the_file_leaves_old_or_new(tmp_path):
    start = tmp_path / "start"
    seed(start, 30, note="n" * 1500)
    assert backcare(start, "today").returncode == 0

    def args(home):
        return ["checkin", "--pain", "5", "--stiffness", "6", "--note", "m" * 1990]

    old = snapshot(start)
    new = clean_run(start, args, tmp_path, "clean")
    assert (tmp_path / "clean" / DB_NAME).stat().st_size > (start / DB_NAME).stat().st_size  # the commit grows it
    kill_everywhere(start, args, tmp_path, [old, new], after=("export", "--format", "json"))


@pytest.mark.slow
@needs_strace
def test_a_kill_at_any_write_of_a_session_leaves_old_or_new(tmp_path):
    start = tmp_path / "start"
    seed(start, 10)
    assert backcare(start, "safety", "--none").returncode == 0  # exercises are offered once the screen is answered

    def args(home):
        return ["session", "--done", "all", "--pain-during", "3"]

    old = snapshot(start)
    new = clean_run(start, args, tmp_path, "clean")
    assert new["sessions"] != old["sessions"]

    def session_all_or_nothing(state):
        # The day's stage decisions are separate facts, kept one at a time on any view (as `today` does): any
        # prefix of them is a state a person could have seen. The session itself is there whole or not at all.
        kept = state["stage_history"]
        return (
            state["sessions"] in (old["sessions"], new["sessions"])
            and kept == new["stage_history"][: len(kept)]
            and all(state[t] == old[t] for t in old if t not in ("sessions", "stage_history"))
        )

    kill_everywhere(start, args, tmp_path, session_all_or_nothing)


@pytest.mark.slow
@needs_strace
def test_a_kill_at_any_write_of_an_import_leaves_old_or_new(tmp_path):
    source = tmp_path / "source"
    seed(source, 60, note="imported " * 20, start=date(2025, 1, 1))
    export = tmp_path / "export.json"
    result = backcare(source, "export", "--format", "json", "-o", str(export))
    assert result.returncode == 0, result.stderr
    start = tmp_path / "start"
    seed(start, 10)

    def args(home):
        return ["import", str(export)]

    old = snapshot(start)
    new = clean_run(start, args, tmp_path, "clean")
    kill_everywhere(start, args, tmp_path, [old, new])


@pytest.mark.slow
@needs_strace
def test_a_kill_at_any_write_of_a_migration_keeps_every_row_and_no_unverified_backup(tmp_path):
    start = tmp_path / "start"
    old_database(start, version=1, days=40)

    def args(home):
        return ["history", "--json"]

    new = clean_run(start, args, tmp_path, "clean")

    def only_verified_backups(home, where):
        for bak in home.glob("*.bak"):
            db = sqlite3.connect(f"{bak.resolve().as_uri()}?mode=ro", uri=True)
            try:
                assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)], where
                assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 40, where
            finally:
                db.close()

    kill_everywhere(start, args, tmp_path, [new], check=only_verified_backups)


@pytest.mark.slow
@needs_strace
def test_a_kill_at_any_write_of_a_backup_leaves_the_data_and_no_journal(tmp_path):
    start = tmp_path / "start"
    seed(start, 60, note="n" * 300)

    def args(home):
        return ["backup", "-o", str(home.parent / f"{home.name}-b.db")]

    old = snapshot(start)

    def no_journal(home, where):
        assert not (home.parent / f"{home.name}-b.db-journal").exists(), where

    kill_everywhere(start, args, tmp_path, [old], check=no_journal)


# -- the salvage logic underneath: every row off the damaged page comes back ------------------------------------
def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def rowids_on_page(path: Path, page: int) -> set[int]:
    """The rowids a table leaf page holds, read from its cells (SQLite file format, section 1.6)."""
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    base = (page - 1) * size
    cells = int.from_bytes(data[base + 3 : base + 5], "big")
    out = set()
    for i in range(cells):
        at = base + int.from_bytes(data[base + 8 + 2 * i : base + 10 + 2 * i], "big")
        _, at = _varint(data, at)  # payload size
        rowid, _ = _varint(data, at)
        out.add(rowid)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=5000), min_size=30, max_size=300),
    width=st.integers(min_value=20, max_value=600),
    pick=st.floats(min_value=0, max_value=1),
    indexed=st.booleans(),
)
def test_salvage_reads_every_row_that_is_not_on_the_damaged_page(gaps, width, pick, indexed):
    from backcare.store.recover import readable_rows

    rowids = [sum(gaps[: i + 1]) for i in range(len(gaps))]  # sparse, increasing, some far apart
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.db"
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("CREATE TABLE t (x TEXT, y INTEGER)")
        if indexed:
            db.execute("CREATE INDEX t_y ON t (y)")
        db.executemany(
            "INSERT INTO t (rowid, x, y) VALUES (?, ?, ?)", [(r, f"{r:x}" * (width // 4), r) for r in rowids]
        )
        db.close()
        leaves = table_leaves(path)
        page = leaves[min(int(pick * len(leaves)), len(leaves) - 1)]
        lost = rowids_on_page(path, page)
        assert lost
        scribble(path, page)
        db = sqlite3.connect(path)
        try:
            rows, trouble = readable_rows(db, "t", ["x", "y"])
        finally:
            db.close()
    expected = [(r, f"{r:x}" * (width // 4), r) for r in rowids if r not in lost]
    assert rows == expected
    assert trouble


def test_recover_refuses_to_write_under_a_name_sqlite_uses_for_the_journal(cli, home):
    seed(home, 3)
    for name in ("backcare.db-journal", "backcare.db-wal"):
        result = cli("recover", "-o", str(home / name))
        assert result.exit_code == 1
        assert "journal" in result.stderr
        assert not (home / name).exists()


def test_an_unverified_copy_left_by_a_killed_upgrade_never_looks_like_a_backup_and_is_cleared(home):
    old_database(home)
    stale = home / f"{DB_NAME}.v1-20250101T000000000000.bak.partial"
    stale.write_bytes(b"")  # what a kill in the middle of the copy leaves
    os.utime(stale, (0, 0))
    recent = home / f"{DB_NAME}.v1-20990101T000000000000.bak.partial"
    recent.write_bytes(b"")  # another backcare may be writing this one right now
    Store.open(home).close()
    assert not stale.exists()
    assert recent.exists()
    assert [p.name.endswith(".bak") for p in home.glob("*.bak")] == [True]
