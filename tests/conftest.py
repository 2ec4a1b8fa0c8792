"""Shared fixtures: every test gets its own data home; the real one is never touched.

Every test also runs on a fixed "today" (PINNED_TODAY, through BACKCARE_TODAY), so a run that crosses midnight
gives the same answers; a test that needs the real clock says so with `@pytest.mark.real_today`. The content cache
lives in a temporary folder for the whole session, and every Store opened during a test is closed at its end.
Temporary folders go on a RAM disk when there is one with room, and a new home's database is a copy of the one
the real schema steps made at the start of the run (both explained where they are set up, below).
"""

from __future__ import annotations

import json
import os
import sqlite3
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
    if request.node.get_closest_marker("real_migrations"):
        from backcare.store import migrations

        monkeypatch.setattr(migrations, "apply", getattr(migrations.apply, "real", migrations.apply))


@pytest.fixture(scope="session", autouse=True)
def _commands_built_once():
    """Typer turns the app into Click commands on every in-process run (CliRunner.invoke), about 30 ms of reading
    signatures each time; a process does it once. Tests run the same app thousands of times, so each app is turned
    into its command once per test run. Apps built during a test (the one-command app) are new objects and are
    turned afresh; the commands themselves keep no state between runs."""
    import typer.testing

    real = getattr(typer.testing, "_get_command", None)
    if real is None:  # a Typer that converts differently: every run converts, as before
        yield
        return
    built: dict[int, tuple[object, object]] = {}

    def once(app):
        kept = built.get(id(app))
        if kept is None or kept[0] is not app:
            kept = built[id(app)] = (app, real(app))
        return kept[1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", once)
        yield


@pytest.fixture(scope="session", autouse=True)
def _fresh_databases_copied(tmp_path_factory):
    """A new home's database is a copy of one made once per run by the real migrations, instead of running every
    schema step again (about 4 ms of CPU, and hundreds of homes a run). The copy is taken only where the real
    steps would produce exactly it: the whole current list of steps (a test that changes the list gets the real
    ones) on a database with no schema yet. Tests marked `real_migrations` always run the steps themselves, and
    backcare run as a process always does."""
    from backcare.paths import DB_NAME
    from backcare.store import migrations

    real_apply = migrations.apply
    steps = tuple(migrations.MIGRATIONS)
    folder = tmp_path_factory.mktemp("fresh-database")
    was = Store.committed
    Store.open(folder).close()
    Store.committed = was
    made = folder / DB_NAME
    template = sqlite3.connect(f"{made.as_uri()}?mode=ro", uri=True)

    def apply(db, *, upto=len(steps)):
        if upto == len(steps) and tuple(migrations.MIGRATIONS) == steps and _has_no_schema(db):
            try:
                template.backup(db)
            except sqlite3.OperationalError:  # busy: the real steps wait their turn instead
                return real_apply(db, upto=upto)
            return upto
        return real_apply(db, upto=upto)

    apply.real = real_apply
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrations, "apply", apply)
        yield made
    template.close()


def _has_no_schema(db) -> bool:
    return (
        db.execute("PRAGMA user_version").fetchone()[0] == 0
        and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    )


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


@pytest.fixture(scope="session")
def home_template(tmp_path_factory):
    """`home_template(name, build)`: a folder that `build(folder)` fills once per run (for example years of
    check-ins, one commit each); tests copy it with `copy_home` and never change the template itself.
    `home_template.result(name)` is what that `build` returned."""
    return HomeTemplates(tmp_path_factory)


class HomeTemplates:
    def __init__(self, tmp_path_factory):
        self._factory = tmp_path_factory
        self._built: dict[str, tuple[Path, object]] = {}

    def __call__(self, name: str, build) -> Path:
        if name not in self._built:
            folder = self._factory.mktemp(f"template-{name}") / "home"
            self._built[name] = (folder, build(folder))
        return self._built[name][0]

    def result(self, name: str):
        return self._built[name][1]


def copy_home(template: Path, home: Path) -> Path:
    """A private copy of a built home (the database and whatever lies beside it), for one test to change."""
    import shutil

    shutil.copytree(template, home, dirs_exist_ok=True)
    return home


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, built once per run for every test about the package (mark those tests
    `xdist_group("dist")` so that on several workers they share this one build)."""
    out = tmp_path_factory.mktemp("dist")
    repo = Path(__file__).resolve().parents[1]
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(repo)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return out


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


# -- the run itself: parallel workers, longest tests first, fewer hypothesis examples in the fast loop ----------
# `pytest` with no test files named (or a folder) runs on every core (pytest-xdist): the whole suite and the fast
# loop (`pytest -m "not slow"`). Naming files (`pytest tests/test_x.py`) runs them in this one process, quicker for
# a few files; `-n N` (or `-n 0`) always wins.
@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the option
def pytest_cmdline_main(config):
    if not config.pluginmanager.hasplugin("xdist") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    option = config.option
    whole = config.args_source != pytest.Config.ArgsSource.ARGS or any(
        Path(arg.split("::")[0]).is_dir() for arg in config.args
    )
    if option.numprocesses is None and whole:
        option.numprocesses = "auto"
        if option.dist == "no":
            option.dist = "loadgroup"  # tests marked xdist_group(name) share one worker (and its session fixtures)


# The tests' temporary folders (tmp_path, tmp_path_factory, the homes in them) go on a RAM disk when the machine
# has one with room to spare. Every SQLite commit waits for fsync, and creating a home alone commits once per
# schema step: on a shared disk those waits, not the CPU, were most of the fast loop's time (two test files took
# about 50 s on disk and 6 s on the RAM disk, with the same CPU). Nothing a test checks depends on the disk: no
# test can observe whether fsync reached the platter. A chosen place always wins: `--basetemp`,
# PYTEST_DEBUG_TEMPROOT, or TMPDIR (`TMPDIR=/tmp pytest ...` runs on the disk as before).
RAM_DISK = Path("/dev/shm")
RAM_DISK_MIN_FREE = 2 * 1024**3


def ram_disk_for_temp_files(
    basetemp, environ=os.environ, ram_disk: Path = RAM_DISK, min_free: int = RAM_DISK_MIN_FREE
) -> Path | None:
    """The RAM disk to put this run's temporary folders on, or None to leave them where pytest puts them."""
    if basetemp or environ.get("PYTEST_DEBUG_TEMPROOT") or environ.get("TMPDIR"):
        return None
    try:
        free = os.statvfs(ram_disk)
    except OSError:
        return None
    if not (ram_disk.is_dir() and os.access(ram_disk, os.W_OK | os.X_OK)):
        return None
    return ram_disk if free.f_bavail * free.f_frsize >= min_free else None


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # a worker is given its folder inside the controller's
        return
    ram_disk = ram_disk_for_temp_files(config.option.basetemp)
    if ram_disk is not None:  # read by pytest when it first makes a temporary folder, after this hook
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(ram_disk)


# Hypothesis tests run the examples their @settings ask for in CI (the "ci" profile, which hypothesis loads when
# CI is set, or `--hypothesis-profile=ci`); elsewhere a quarter of them (never fewer than QUICK_MIN, and never
# more than written), so the fast loop stays fast while every property still runs on many inputs, and with no
# deadline (as in CI).
QUICK_SHARE = 4
QUICK_MIN = 10


def _register_ci_profile() -> None:
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.get_profile("ci")  # recent hypothesis brings its own, loaded when CI is set
    except InvalidArgument:
        settings.register_profile("ci", derandomize=True, deadline=None, database=None)
        if os.environ.get("CI"):
            settings.load_profile("ci")


_register_ci_profile()


def _fewer_examples(item) -> None:
    from hypothesis import settings

    test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    chosen = getattr(test, "_hypothesis_internal_use_settings", None)
    if getattr(test, "hypothesis", None) is None or chosen is None or getattr(test, "_backcare_quick", False):
        return
    quick = min(chosen.max_examples, max(QUICK_MIN, chosen.max_examples // QUICK_SHARE))
    # No deadline either, as in CI: an example that takes longer than 200 ms on a busy machine (or while Python
    # compiles a changed module on first import) is not a failure; the tests assert no wall-clock time.
    test._hypothesis_internal_use_settings = settings(chosen, max_examples=quick, deadline=None)
    test._backcare_quick = True


def pytest_collection_modifyitems(config, items):
    from hypothesis import settings

    current = getattr(settings, "get_current_profile_name", None)
    if not (current() == "ci" if current else os.environ.get("CI")):
        for item in items:
            _fewer_examples(item)
    # The slow tests (each one up to a minute) start first, so that on several workers none of them is left to
    # run alone at the end; the order is otherwise kept, and is the same on every worker.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
