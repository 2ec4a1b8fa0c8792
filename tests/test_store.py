"""The store: migrations, bad files, permissions and concurrent writers."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest

from backcare import clock
from backcare.domain.checkin import CheckIn
from backcare.errors import StoreError
from backcare.paths import DB_NAME
from backcare.store import Store, migrations
from tests.conftest import run_backcare


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_old_database(path, version):
    """A database as an older backcare left it: schema `version`, with rows in every table it had."""
    db = sqlite3.connect(path, isolation_level=None)
    migrations.apply(db, upto=version)
    rows = {}
    if version >= 1:
        for i in range(5):
            db.execute(
                "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, recorded_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'x', 'x')",
                (f"2026-01-0{i + 1}", i, i + 1, None, 2, f"note {i}", json.dumps(["t"])),
            )
        db.execute(
            "INSERT INTO checkin_edits (date, action, before, after, at)"
            " VALUES ('2026-01-01', 'update', '{}', '{}', 'x')"
        )
        rows.update(checkins=5, checkin_edits=1)
    if version >= 2:
        db.execute("INSERT INTO safety_screens (date, answers, any_yes, at) VALUES ('2026-01-01', '{}', 0, 'x')")
        rows.update(safety_screens=1)
    if version >= 3:
        db.execute("INSERT INTO sessions (date, routine, stage, at) VALUES ('2026-01-01', 'r', 's', 'x')")
        db.execute(
            "INSERT INTO stage_history (routine, date, stage, decision, at)"
            " VALUES ('r', '2026-01-01', 's', 'start', 'x')"
        )
        db.execute("INSERT INTO routines (name, source, imported_at) VALUES ('r', 'format: x', 'x')")
        rows.update(sessions=1, stage_history=1, routines=1)
    db.close()
    os.chmod(path, 0o600)
    return rows


@pytest.mark.parametrize("version", range(1, migrations.LATEST))
def test_migrating_every_earlier_version_keeps_every_row(tmp_path, version):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    expected = make_old_database(home / DB_NAME, version)
    store = Store.open(home)
    assert store.schema_version() == migrations.LATEST
    counts = store.counts()
    for table, n in expected.items():
        assert counts[table] == n, table
    assert [c.note for c in store.checkins()] == [f"note {i}" for i in range(5)]
    assert store.integrity() == []
    backups = list(home.glob(f"{DB_NAME}.v{version}-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == version
    assert old.execute("SELECT count(*) FROM checkins").fetchone()[0] == 5
    assert backups[0].stat().st_mode & 0o777 == 0o600


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    make_old_database(home / DB_NAME, 2)

    def broken(db):
        db.execute("ALTER TABLE checkins ADD COLUMN settled INTEGER")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:2], ("m003", broken), *migrations.MIGRATIONS[3:]]
    )
    with pytest.raises(StoreError):
        Store.open(home)
    db = sqlite3.connect(home / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    cols = [r[1] for r in db.execute("PRAGMA table_info(checkins)")]
    assert "settled" not in cols


def test_fresh_home_is_private_regardless_of_umask(tmp_path):
    old = os.umask(0)
    try:
        store = Store.open(tmp_path / "h")
        store.update_checkin(date(2026, 1, 1), lambda prev: CheckIn(date(2026, 1, 1), 1, 1))
        store.close()
    finally:
        os.umask(old)
    assert (tmp_path / "h").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "h" / DB_NAME).stat().st_mode & 0o777 == 0o600


def test_loose_permissions_are_tightened(tmp_path):
    home = tmp_path / "h"
    Store.open(home).close()
    os.chmod(home, 0o755)
    os.chmod(home / DB_NAME, 0o644)
    Store.open(home).close()
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / DB_NAME).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("kind", ["text", "other-sqlite", "corrupt", "truncated", "newer"])
def test_bad_database_files_are_refused_and_left_untouched(cli, home, kind):
    if kind == "text":
        home.mkdir(parents=True)
        (home / DB_NAME).write_text("these are my notes, not a database\n")
    else:
        assert cli("checkin", "-p", "3", "-s", "4").exit_code == 0
        store = Store.open(home)  # 59 more days, enough pages to damage (quicker than 59 commands)
        for i in range(1, 60):
            day = clock.today() - timedelta(days=i)
            store.update_checkin(day, lambda prev, day=day: CheckIn(day, 3, 4, note="x" * 500))
        store.close()
        path = home / DB_NAME
        if kind == "other-sqlite":
            path.unlink()
            db = sqlite3.connect(path)
            db.execute("CREATE TABLE recipes (name TEXT)")
            db.commit()
            db.close()
        elif kind == "corrupt":
            data = bytearray(path.read_bytes())
            for offset in range(4096, len(data), 4096):  # scribble over the start of every page after the first
                data[offset : offset + 64] = b"\xff" * 64
            path.write_bytes(bytes(data))
        elif kind == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif kind == "newer":
            db = sqlite3.connect(path)
            db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
            db.commit()
            db.close()
    path = home / DB_NAME
    before = sha(path)
    for args in (["today"], ["checkin", "-p", "1", "-s", "1"], ["history", "--json"]):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert str(path) in result.stderr
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert sha(path) == before
    assert not list(home.glob("*.bak"))


def test_where_reports_location_schema_counts_and_integrity(cli, home):
    cli("checkin", "-p", "3", "-s", "4")
    info = cli.json("where", "--json")
    assert info["data_dir"] == str(home)
    assert info["database"] == str(home / DB_NAME)
    assert info["schema_version"] == migrations.LATEST
    assert info["counts"]["checkins"] == 1
    assert info["integrity"] == "ok" and info["ok"] is True
    text = cli("doctor").stdout
    assert "Integrity check: passed" in text and str(home) in text


def test_home_option_wins_over_environment(cli, tmp_path):
    other = tmp_path / "other"
    assert cli("--home", str(other), "checkin", "-p", "1", "-s", "1").exit_code == 0
    assert (other / DB_NAME).exists()
    assert not (cli.home / DB_NAME).exists()


def test_default_home_is_the_platform_data_dir(monkeypatch, tmp_path):
    from backcare.paths import resolve_home

    monkeypatch.delenv("BACKCARE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_home(None) == tmp_path / "xdg" / "backcare"


@pytest.mark.slow
def test_twenty_concurrent_checkins_on_distinct_dates_all_land(home):
    Store.open(home).close()
    today = clock.today()
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "backcare",
                "checkin",
                "-p",
                str(i % 11),
                "-s",
                "2",
                "--date",
                (today - timedelta(days=i)).isoformat(),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(20)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert not any("locked" in err for _, err in outs)
    store = Store.open(home)
    assert len(store.checkins()) == 20
    assert store.integrity() == []


@pytest.mark.slow
def test_ten_concurrent_checkins_on_one_day_keep_every_version(home):
    Store.open(home).close()
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "backcare", "checkin", "-p", str(i), "-s", "5"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    store = Store.open(home)
    [final] = store.checkins()
    edits = store.edits()
    # Every write landed: the first created the row, each later one left an edit whose "before" is kept.
    assert len(edits) == 9
    assert all(e.before["pain"] != e.after["pain"] for e in edits)
    assert all(a.after == b.before for a, b in zip(edits, edits[1:]))
    seen = {e.before["pain"] for e in edits} | {final.pain}
    assert seen == set(range(10))
    assert edits[-1].after["pain"] == final.pain


def test_read_only_home_gives_a_clear_message_and_keeps_data(cli, home):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    cli("checkin", "-p", "3", "-s", "4", "--date", "yesterday")
    os.chmod(home / DB_NAME, 0o400)
    result = cli("checkin", "-p", "5", "-s", "5")
    os.chmod(home / DB_NAME, 0o600)
    assert result.exit_code == 1
    assert "read-only" in result.stderr


def test_disk_full_is_a_clear_message_and_nothing_is_half_written(home, monkeypatch):
    store = Store.open(home)
    store.update_checkin(date(2026, 1, 1), lambda p: CheckIn(date(2026, 1, 1), 1, 1))
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "x" * 2000
    with pytest.raises(StoreError, match="full"):
        store.update_checkin(date(2026, 1, 2), lambda p: CheckIn(date(2026, 1, 2), 2, 2, note=big * 10))
    assert [c.day for c in store.checkins()] == [date(2026, 1, 1)]
    assert store.integrity() == []


def test_subprocess_error_output_has_no_traceback(home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_text("not a db")
    result = run_backcare("today", home=home)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not a backcare database" in result.stderr
