"""The shared fixtures do what the tests rely on: a pinned day, a private content cache, stores closed."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from backcare import clock
from backcare.store import Store
from tests.conftest import PINNED_TODAY, StoreTracker


def test_every_test_runs_on_the_pinned_day(cli):
    assert clock.today() == PINNED_TODAY
    assert cli.json("today", "--json")["date"] == PINNED_TODAY.isoformat()


@pytest.mark.real_today
def test_a_test_can_ask_for_the_real_calendar():
    before = date.today()
    seen = clock.today()
    assert before <= seen <= date.today()  # also true across midnight
    assert "BACKCARE_TODAY" not in os.environ


def test_the_content_cache_is_a_temporary_folder_of_this_session(tmp_path_factory):
    cache = Path(os.environ["BACKCARE_CACHE_DIR"])
    assert cache.is_relative_to(tmp_path_factory.getbasetemp())
    assert "BACKCARE_NO_CACHE" not in os.environ


def test_stores_opened_in_a_test_are_tracked(home, _stores_closed, open_store):
    mine = open_store(home)
    direct = Store.open(home)
    assert _stores_closed[-2:] == [mine, direct]
    mine.conn.execute("SELECT 1")  # open while the test runs


def test_the_tracker_closes_every_store_it_saw(tmp_path):
    with pytest.MonkeyPatch.context() as mp:
        tracker = StoreTracker(mp)
        stores = [Store.open(tmp_path / "a"), Store.open(tmp_path / "b")]
        assert tracker.opened == stores
        tracker.close_all()
    for store in stores:
        with pytest.raises(sqlite3.ProgrammingError):
            store.conn.execute("SELECT 1")


def _counted(max_examples: int):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    calls = []

    @settings(max_examples=max_examples, database=None, derandomize=True)
    @given(st.integers())
    def prop(n):
        calls.append(n)

    return prop, calls


@pytest.mark.parametrize(("asked", "quick"), [(300, 75), (40, 10), (20, 10), (5, 5)])
def test_outside_ci_hypothesis_tries_a_quarter_of_the_examples_never_fewer_than_ten(asked, quick):
    from types import SimpleNamespace

    from tests import conftest

    prop, calls = _counted(asked)
    conftest._fewer_examples(SimpleNamespace(obj=prop))
    conftest._fewer_examples(SimpleNamespace(obj=prop))  # a second parametrized case does not halve it again
    prop()
    assert len(calls) == quick
    assert prop._hypothesis_internal_use_settings.deadline is None  # no wall-clock limit, as in CI


def test_typer_turns_each_app_into_commands_once_and_runs_stay_independent(cli, tmp_path):
    import typer.testing

    from backcare.cli.app import app

    assert typer.testing._get_command(app) is typer.testing._get_command(app)
    assert cli("checkin", "-p", "3", "-s", "4").exit_code == 0
    other = type(cli)(tmp_path / "other")
    assert other.json("history", "--json") == []  # the same command, another home: nothing carried over
    assert len(cli.json("history", "--json")) == 1


# -- where the temporary folders go --------------------------------------------------------------------------
def test_temporary_folders_go_on_a_ram_disk_with_room_when_nobody_chose_a_place(tmp_path):
    from tests.conftest import ram_disk_for_temp_files

    assert ram_disk_for_temp_files(None, environ={}, ram_disk=tmp_path, min_free=1) == tmp_path
    assert ram_disk_for_temp_files(None, environ={"HOME": "/x"}, ram_disk=tmp_path, min_free=1) == tmp_path


@pytest.mark.parametrize(
    ("basetemp", "environ"),
    [("/somewhere", {}), (None, {"TMPDIR": "/tmp"}), (None, {"PYTEST_DEBUG_TEMPROOT": "/tmp"})],
)
def test_a_place_someone_chose_for_temporary_folders_wins(tmp_path, basetemp, environ):
    from tests.conftest import ram_disk_for_temp_files

    assert ram_disk_for_temp_files(basetemp, environ=environ, ram_disk=tmp_path, min_free=1) is None


def test_no_ram_disk_or_one_too_small_or_not_writable_leaves_the_default(tmp_path):
    from tests.conftest import ram_disk_for_temp_files

    assert ram_disk_for_temp_files(None, environ={}, ram_disk=tmp_path / "missing", min_free=1) is None
    free = os.statvfs(tmp_path)
    room = free.f_bavail * free.f_frsize
    assert ram_disk_for_temp_files(None, environ={}, ram_disk=tmp_path, min_free=room * 2 + 2**40) is None
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert ram_disk_for_temp_files(None, environ={}, ram_disk=a_file, min_free=1) is None


def test_this_run_keeps_its_temporary_folders_where_the_choice_put_them(tmp_path):
    chosen = os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if chosen:
        assert tmp_path.resolve().is_relative_to(Path(chosen).resolve())
    assert tmp_path.parent.name.startswith(("pytest-", "popen-gw"))


# -- new databases copied from the one the real migrations made ----------------------------------------------
def _schema(db: sqlite3.Connection) -> dict:
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        "objects": db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall(),
        "pragmas": [db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("user_version", "application_id", "page_size")],
        "rows": {t: db.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables if t != "sqlite_sequence"},
    }


def test_a_new_home_is_exactly_what_every_schema_step_makes(tmp_path, open_store):
    from backcare.store import migrations

    by_steps = sqlite3.connect(tmp_path / "by-steps.db")
    migrations.apply.real(by_steps)
    copied = open_store(tmp_path / "home")
    assert copied.schema_version() == migrations.LATEST == len(migrations.MIGRATIONS)
    assert _schema(copied.conn) == _schema(by_steps)
    assert copied.integrity() == []
    by_steps.close()


def test_a_test_that_changes_a_schema_step_gets_the_real_steps(tmp_path, monkeypatch):
    from backcare.store import migrations

    ran = []
    name, step = migrations.MIGRATIONS[4]

    def watched(db):
        ran.append(name)
        step(db)

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:4], (name, watched), *migrations.MIGRATIONS[5:]]
    )
    Store.open(tmp_path / "home").close()
    assert ran == [name]


@pytest.mark.real_migrations
def test_a_test_can_ask_for_the_real_schema_steps(tmp_path):
    from backcare.store import migrations

    assert not hasattr(migrations.apply, "real")
    store = Store.open(tmp_path / "home")
    assert store.schema_version() == migrations.LATEST
    store.close()


def test_a_database_that_has_a_schema_is_migrated_by_the_real_steps(tmp_path):
    from backcare.store import migrations

    db = sqlite3.connect(tmp_path / "old.db")
    migrations.apply(db, upto=2)
    assert migrations.apply(db) == migrations.LATEST
    assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    db.close()


def test_a_home_template_is_built_once_and_remembers_what_its_build_returned(home_template, tmp_path):
    from tests.conftest import copy_home

    builds = []

    def build(folder: Path) -> dict:
        builds.append(folder)
        Store.open(folder).close()
        return {"built": len(builds)}

    first = home_template("fixture-test", build)
    assert home_template("fixture-test", build) == first and builds == [first]
    assert home_template.result("fixture-test") == {"built": 1}
    mine = copy_home(first, tmp_path / "mine")
    assert (mine / "backcare.db").exists() and mine != first
