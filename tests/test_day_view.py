"""The day's dashboard is kept between runs: a kept one must always be exactly what deciding again shows.

The key is the database file's fingerprint, the day and backcare's code. These tests change each of those (and
write through every command that writes, and through another program) and compare the dashboard shown with
the one decided afresh (BACKCARE_NO_CACHE=1, which reads and keeps nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backcare.cli.app import app
from backcare.content import cache
from backcare.paths import DB_NAME
from backcare.services import day_view
from backcare.store import Store, kept_view

ROUTINE = Path(__file__).parent / "routines" / "ok" / "desk-worker.yaml"
START = date(2026, 11, 27)


class Home:
    """A home and the day it is used on, driven in-process as a person types."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.day = START
        self.runner = CliRunner()

    def env(self, **extra: str) -> dict[str, str]:
        return {"BACKCARE_HOME": str(self.folder), "BACKCARE_TODAY": self.day.isoformat(), **extra}

    def run(self, *args: str, **extra: str):
        return self.runner.invoke(app, list(args), env=self.env(**extra))

    def dashboard(self, *, fresh: bool = False) -> tuple[dict, str]:
        extra = {"BACKCARE_NO_CACHE": "1"} if fresh else {}
        as_json = self.run("today", "--json", **extra)
        shown = self.run("today", **extra)
        assert as_json.exit_code == 0 and shown.exit_code == 0, as_json.output + shown.output
        return json.loads(as_json.stdout), shown.stdout

    def assert_kept_is_fresh(self) -> None:
        first = self.dashboard()  # decided (or kept from before)
        again = self.dashboard()  # kept: nothing changed since
        fresh = self.dashboard(fresh=True)
        assert first == fresh
        assert again == fresh
        # and the kept file's check accepts it (else it would be decided on every look, silently)
        assert day_view.is_dashboard(fresh[0]), fresh[0]


ACTIONS = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, 10), st.integers(0, 10), st.sampled_from(["today", "yesterday"])),
    st.tuples(st.just("session"), st.integers(0, 10), st.integers(0, 10)),
    st.tuples(st.just("safety"), st.sampled_from([None, "night-pain", "past-cancer", "bladder-bowel"])),
    st.tuples(st.just("clear")),
    st.tuples(st.just("next day"), st.integers(1, 3)),
    st.tuples(st.just("routine"), st.sampled_from(["desk-worker", "default"])),
    st.tuples(st.just("delete")),
    st.tuples(st.just("day starts"), st.integers(0, 6)),
    st.tuples(st.just("stage"), st.sampled_from(["mobility", "control", "strength"])),
    st.tuples(st.just("read")),
    st.tuples(st.just("another program"), st.integers(0, 10)),
)


def act(home: Home, action: tuple) -> None:
    """Do one thing a person (or, last, another program) does to the home; refusals are part of real use."""
    kind = action[0]
    if kind == "checkin":
        home.run("checkin", "--pain", str(action[1]), "--stiffness", str(action[2]), "--date", action[3])
    elif kind == "session":
        home.run("session", "--done", "all", "--pain-during", str(action[1]), "--effort", str(action[2]))
    elif kind == "safety":
        home.run("safety", *(["--yes-to", action[1]] if action[1] else ["--none"]))
    elif kind == "clear":
        home.run("safety", "clear", "--by", "Dr Who", "--note", "Seen and cleared.")
    elif kind == "next day":
        home.day += timedelta(days=action[1])
    elif kind == "routine":
        if action[1] == "desk-worker":
            home.run("routine", "import", str(ROUTINE))
        home.run("routine", "use", "default" if action[1] == "default" else "desk-worker")
    elif kind == "delete":
        home.run("delete", home.day.isoformat(), "--yes")
    elif kind == "day starts":
        home.run("config", "set", "day-starts", str(action[1]))
    elif kind == "stage":
        home.run("routine", "stage", action[1])
    elif kind == "read":
        home.run("learn", "next")
    elif kind == "another program":  # not backcare: a direct write to today's check-in, if there is one
        with sqlite3.connect(home.folder / DB_NAME) as db:
            db.execute("UPDATE checkins SET pain = ? WHERE date = ?", (action[1], home.day.isoformat()))
        db.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=8))
def test_the_kept_dashboard_is_always_the_one_decided_afresh(actions):
    folder = Path(tempfile.mkdtemp(prefix="day-view-"))
    try:
        home = Home(folder / "home")
        home.run("safety", "--none")
        home.assert_kept_is_fresh()
        for action in actions:
            act(home, action)
            home.assert_kept_is_fresh()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def person(tmp_path) -> Home:
    home = Home(tmp_path / "home")
    assert home.run("safety", "--none").exit_code == 0
    assert home.run("checkin", "--pain", "3", "--stiffness", "4").exit_code == 0
    return home


def kept_file(home: Home) -> Path:
    return home.folder / kept_view.NAME


def test_a_second_look_at_the_dashboard_does_not_decide_again(person, monkeypatch):
    person.dashboard()
    assert kept_file(person).is_file()
    from backcare.services import dashboard

    def must_not_run(*args, **kwargs):
        raise AssertionError("decided again although nothing changed")

    monkeypatch.setattr(dashboard, "build", must_not_run)
    data, text = person.dashboard()
    assert data["pain"] == 3 and "checked in (pain 3, stiffness 4)" in text


def test_a_red_flag_answered_after_a_kept_all_clear_shows_at_once(person):
    data, _ = person.dashboard()
    assert data["safety"]["status"] == "clear" and data["progression"]["exercises"]
    person.run("safety", "--yes-to", "bladder-bowel")
    data, text = person.dashboard()
    assert data["safety"]["status"] == "red-flag"
    assert data["progression"]["decision"] == "stop" and not data["progression"]["exercises"]
    assert "No exercises today" in text


def test_a_write_by_another_program_is_seen(person):
    person.dashboard()
    with sqlite3.connect(person.folder / DB_NAME) as db:
        db.execute("UPDATE checkins SET pain = 9 WHERE date = ?", (person.day.isoformat(),))
    db.close()
    data, text = person.dashboard()
    assert data["pain"] == 9 and "checked in (pain 9," in text


def test_another_day_is_decided_for_that_day(person):
    person.dashboard()
    person.day += timedelta(days=1)
    data, _ = person.dashboard()
    assert data["date"] == person.day.isoformat() and not data["checked_in"]


def test_nothing_is_kept_when_the_file_changed_while_deciding(person, monkeypatch):
    """A check-in saved in another terminal while the dashboard was being decided: what was decided may predate
    it, so it is shown once but not kept."""
    from backcare.services import dashboard

    real = dashboard.build

    def meanwhile(store, today):
        data = real(store, today)
        with sqlite3.connect(person.folder / DB_NAME) as db:
            db.execute("UPDATE checkins SET pain = 8 WHERE date = ?", (today.isoformat(),))
        db.close()
        return data

    monkeypatch.setattr(dashboard, "build", meanwhile)
    first = person.run("today", "--json")
    assert json.loads(first.stdout)["pain"] == 3
    assert not kept_file(person).exists()
    monkeypatch.setattr(dashboard, "build", real)
    assert person.dashboard()[0]["pain"] == 8


def test_a_damaged_or_foreign_kept_file_is_decided_again(person):
    expected = person.dashboard(fresh=True)
    person.dashboard()
    path = kept_file(person)
    import marshal

    code = compile("print('ran')", "x", "exec")
    hostile = [marshal.dumps(v) for v in ([code, {}], {"a": code}, [["k"], {"date": code}], ["k", [1, {2: 3}]])]
    good = path.read_bytes()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01  # one damaged bit, the shape intact: the checksum says so before marshal reads
    for junk in (b"", b"\x00garbage", good[:-7], bytes(flipped), *hostile):
        path.write_bytes(junk)
        assert person.dashboard() == expected
    for body in hostile:  # well formed, but not plain values: refused after the checksum too
        path.write_bytes(kept_view.checksum(body) + body)
        assert person.dashboard() == expected


def test_a_wal_database_is_never_kept(person, open_store):
    with sqlite3.connect(person.folder / DB_NAME) as db:
        db.execute("PRAGMA journal_mode = WAL")
    db.close()
    store = open_store(person.folder)
    assert store.state_mark() is None
    store.close()
    person.dashboard()
    assert not kept_file(person).exists()


def test_every_write_moves_the_mark_on(person, open_store):
    store = open_store(person.folder)
    before = store.state_mark()
    assert before is not None and store.state_mark() == before  # reading changes nothing
    store.set_setting("day-starts", "5")
    after = store.state_mark()
    assert after != before
    store.delete_setting("day-starts")
    assert store.state_mark() not in (before, after)


def test_a_copied_home_never_uses_the_original_kept_dashboard(person, tmp_path):
    person.dashboard()
    copy = Home(tmp_path / "copy")
    shutil.copytree(person.folder, copy.folder)  # same size and times, another file
    person.run("checkin", "--pain", "7", "--stiffness", "7")
    assert copy.dashboard()[0]["pain"] == 3
    assert person.dashboard()[0]["pain"] == 7


def test_new_code_decides_again(person, monkeypatch):
    """An upgrade (another install record) or an edited source file is other code: nothing kept is used."""
    person.dashboard()
    monkeypatch.setattr(day_view, "_code", lambda: ("another build",))
    from backcare.services import dashboard

    calls = []
    real = dashboard.build
    monkeypatch.setattr(dashboard, "build", lambda *a: calls.append(1) or real(*a))
    person.dashboard()
    assert calls


def test_the_install_record_stamps_a_wheel_install_and_nothing_else(tmp_path):
    package = tmp_path / "site" / "backcare"
    package.mkdir(parents=True)
    assert cache.install_record(package, "1.0") is None  # a source tree: its files are stamped one by one
    record = tmp_path / "site" / "backcare-1.0.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_text("backcare/__init__.py,,\n")
    first = cache.install_record(package, "1.0")
    assert first is not None and cache.install_record(package, "1.1") is None
    record.unlink()
    record.write_text("backcare/__init__.py,sha256=x,1\n")  # a reinstall writes the record anew
    assert cache.install_record(package, "1.0") not in (None, first)


def test_files_stamp_follows_an_edit(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub" / "b.yaml").write_text("a: 1\n")
    (tmp_path / "c.txt").write_text("not stamped")
    before = cache.files_stamp(str(tmp_path), ".py", ".yaml", deep=True)
    assert [name for name, _, _ in before] == ["a.py", "sub/b.yaml"]
    assert [name for name, _, _ in cache.files_stamp(str(tmp_path), ".py", ".yaml")] == ["a.py"]
    (tmp_path / "sub" / "b.yaml").write_text("a: 22\n")
    assert cache.files_stamp(str(tmp_path), ".py", ".yaml", deep=True) != before


def test_the_store_module_opens_without_any_record_module(tmp_path):
    """Opening the store (all a kept dashboard needs of it) loads no record kind."""
    import subprocess
    import sys

    Store.open(tmp_path).close()
    code = (
        "import sys; from pathlib import Path; from backcare.store import Store; "
        f"Store.open(Path({str(tmp_path)!r})).state_mark(); "
        "print(sorted(m for m in sys.modules if m.startswith(('backcare.store.records', 'backcare.domain.checkin'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_kept_dashboard_is_private_and_stays_with_the_data(person):
    """It holds health data (scores, medicines, the safety state): it lives in the data folder, readable by the
    person only, and nothing of it goes into the shared cache folder."""
    person.run("checkin", "--pain", "3", "--stiffness", "4", "--med", "Naproxen-unusual-name")
    person.dashboard()
    path = kept_file(person)
    assert path.is_file() and (path.stat().st_mode & 0o777) == 0o600
    assert b"Naproxen-unusual-name" in path.read_bytes()
    cache_folder = Path(os.environ["BACKCARE_CACHE_DIR"])
    for file in cache_folder.rglob("*"):
        assert not file.is_file() or b"Naproxen-unusual-name" not in file.read_bytes(), file


def test_a_read_only_home_shows_the_dashboard_and_keeps_nothing(person, monkeypatch):
    import backcare.store

    person.dashboard()
    kept_file(person).unlink()
    monkeypatch.setattr(backcare.store, "_read_only", lambda home, path: True)  # as for a person who is not root
    data, text = person.dashboard()
    assert data["pain"] == 3 and "Last 7 days" in text
    assert not kept_file(person).exists()


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_a_later_keep(person):
    old = person.folder / f"{kept_view.NAME}.123-abcd.tmp"
    young = person.folder / f"{kept_view.NAME}.456-ef01.tmp"  # another run writing right now
    for path in (old, young):
        path.write_bytes(b"half")
    os.utime(old, (0, 0))
    person.dashboard()
    assert not old.exists() and young.exists()
    assert kept_file(person).is_file()


@settings(max_examples=200, deadline=None)
@given(body=st.binary(min_size=1, max_size=3000), data=st.data())
def test_the_checksum_changes_with_any_damaged_byte(body, data):
    at = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = bytearray(body)
    damaged[at] ^= flip
    assert kept_view.checksum(bytes(damaged)) != kept_view.checksum(body)
