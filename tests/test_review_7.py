"""Defects found by trying to break the kept day's dashboard (services/day_view.py, store/kept_view.py): each test
failed before its fix. What was tried and found sound is said in tests/test_day_view.py's scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcare.paths import DB_NAME
from backcare.services import day_view
from backcare.store import kept_view
from tests.test_day_view import Home


@pytest.fixture
def person(tmp_path) -> Home:
    home = Home(tmp_path / "home")
    assert home.run("safety", "--none").exit_code == 0
    assert home.run("checkin", "--pain", "3", "--stiffness", "4", "--med", "ibuprofen").exit_code == 0
    return home


# -- the code stamp of a source install that cannot be read whole ----------------------------------------------
@pytest.fixture
def code_stamp_cleared():
    day_view._code.cache_clear()
    yield
    day_view._code.cache_clear()


def _source_tree(root: Path) -> Path:
    """A copy of the package's layout, as an editable or source install has it (no install record beside it)."""
    for folder in day_view.CODE:
        (root / "backcare" / folder).mkdir(parents=True, exist_ok=True)
        (root / "backcare" / folder / "__init__.py").write_text("")
    return root / "backcare" / "services" / "day_view.py"


@pytest.mark.parametrize("breakage", ["editor lock file", "folder gone"])
def test_a_source_file_that_cannot_be_read_never_stops_the_dashboard(
    person, tmp_path, monkeypatch, breakage, code_stamp_cleared
):
    """A dangling link among the source files (an editor's lock file, '.#name.py', while one is open in Emacs), or
    a folder that is gone (a branch switched while backcare starts), stopped every `backcare` with 'Error: ...:
    No such file or directory.': the code's stamp is part of the kept dashboard's key. The dashboard is then
    simply decided, and not kept."""
    expected = person.dashboard(fresh=True)
    person.dashboard()  # kept, with the real code's stamp
    fake = _source_tree(tmp_path / "src")
    services = fake.parent
    if breakage == "editor lock file":
        (services / ".#routines.py").symlink_to("someone@host.1234:1700000000")
    else:
        for child in services.iterdir():
            child.unlink()
        services.rmdir()
    monkeypatch.setattr(day_view, "__file__", str(fake))
    day_view._code.cache_clear()
    for _ in range(2):
        result = person.run("today")
        assert result.exit_code == 0, result.output
        assert result.stdout == expected[1]
        assert json.loads(person.run("today", "--json").stdout) == expected[0]


# -- a kept file with the right key whose dashboard is not one --------------------------------------------------
def _forge(home: Home, change) -> None:
    """Rewrite the kept file as a person with an editor (or a damaged disk) might: the key left as it is, so that
    it still matches, and the dashboard changed by `change(data)`."""
    db = home.folder / DB_NAME
    key, data = kept_view.read(db)
    changed = change(json.loads(json.dumps(data)))
    kept_view.write(db, [key, changed])


def _drop(*path: str | int):
    def change(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]
        return data

    return change


def _set(value, *path: str | int):
    def change(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return data

    return change


FORGED = {
    "no date label": _drop("date_label"),
    "no safety": _drop("safety"),
    "no screen day": _drop("safety", "last_screen"),
    "a day row without its day": _drop("last_7_days", 0, "date"),
    "a day that is no date": _set("2026-13-45", "last_7_days", 0, "date"),
    "a score in words": _set("three", "last_7_days", 6, "pain"),
    "an exercise without a name": _drop("progression", "exercises", 0, "name"),
    "a list for a dict": _set([], "safety"),
    "an empty dict": lambda data: {},
    "a topic without a title": _drop("topic", "title"),
    "a backfill without its command": _set({"date": "2026-11-26"}, "backfill"),
}


@pytest.mark.parametrize("forged", FORGED, ids=list(FORGED))
def test_a_kept_file_with_the_right_key_that_holds_no_dashboard_is_decided_again(person, forged):
    """With its key intact, a kept file whose dashboard lacks a part (or has one of another kind) was shown as
    it was: `backcare` stopped with 'backcare hit an unexpected problem (KeyError: ...)' on every look until
    something was saved, and `today --json` printed it. It is now decided again, as any other unusable file."""
    expected = person.dashboard(fresh=True)
    person.dashboard()
    person.dashboard()  # kept
    _forge(person, FORGED[forged])
    for _ in range(2):
        result = person.run("today")
        assert result.exit_code == 0, result.output
        assert result.stdout == expected[1]
        assert json.loads(person.run("today", "--json").stdout) == expected[0]


def test_a_kept_file_with_an_unanswered_screen_part_missing_asks_nothing_and_is_decided(person, monkeypatch):
    """At a terminal the kept dashboard's safety part says whether the first questions were answered: a kept file
    without it stopped `backcare` before anything was shown."""
    from backcare.cli import state

    expected = person.dashboard(fresh=True)
    person.dashboard()
    _forge(person, _drop("safety"))
    monkeypatch.setattr(state, "interactive", lambda: True)
    result = person.run("today")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected[1]


def _fields_shape(cls) -> dict:
    """The key names of a dashboard class's JSON shape, nested as `Dashboard.as_dict()` nests them (a field whose
    type names another of the dashboard's classes, alone, in a list or optional, holds that class's shape)."""
    import dataclasses

    from backcare.domain import dashboard, education, exercise_entry

    classes = {
        name: value
        for module in (dashboard, education, exercise_entry)
        for name, value in vars(module).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    }
    out = {}
    for field in dataclasses.fields(cls):
        words = str(field.type).replace("[", " ").replace("]", " ").replace("|", " ").split()
        inner = [classes[word] for word in words if word in classes]
        out[field.name] = _fields_shape(inner[0]) if inner else None
    return out


def _shape_keys(kind) -> dict | None:
    if type(kind) is dict:
        return {name: _shape_keys(part) for name, part in kind.items()}
    if type(kind) is list:
        return _shape_keys(kind[0])
    if type(kind) is tuple:
        found = [_shape_keys(one) for one in kind if _shape_keys(one) is not None]
        return found[0] if found else None
    return None


def test_the_shape_a_kept_dashboard_must_have_is_the_dashboards():
    """A field added to (or renamed in) the dashboard must be added to the kept dashboard's check too: else every
    kept one would be refused, and the dashboard decided on every look."""
    from backcare.domain.dashboard import Dashboard

    expected = _fields_shape(Dashboard)
    either = set(day_view.EITHER)
    assert either <= set(expected)
    assert {name: expected[name] for name in expected if name not in either} == _shape_keys(day_view.SHAPE)


def _typed_keys(kind) -> dict | None:
    """The keys of a TypedDict and of the TypedDicts in its values, as _fields_shape gives a class's fields."""
    import typing

    if not typing.is_typeddict(kind):
        for inner in typing.get_args(kind):
            found = _typed_keys(inner)
            if found is not None:
                return found
        return None
    hints = typing.get_type_hints(kind)
    return {name: _typed_keys(hints[name]) for name in hints}


def test_the_typed_json_shape_the_renderer_reads_is_the_dashboards():
    """render.dashboard is type-checked against DashboardJson: its keys must be the dashboard's fields (for the
    day's exercises, those the dashboard reads)."""
    from backcare.domain.dashboard import Dashboard, DashboardJson

    expected = _fields_shape(Dashboard)
    typed = _typed_keys(DashboardJson)
    shown = set(typed["progression"]["exercises"])
    assert shown <= set(expected["progression"]["exercises"])
    expected["progression"]["exercises"] = {name: None for name in shown}
    assert typed == expected


def _assert_kept_and_used(home: Home, monkeypatch) -> dict:
    """Two looks: the second is the kept dashboard (nothing decided), exactly the fresh one."""
    from backcare.services import dashboard

    fresh = home.dashboard(fresh=True)
    home.dashboard()
    home.dashboard()
    real = dashboard.build

    def must_not_run(*args, **kwargs):
        raise AssertionError("a kept dashboard was refused")

    monkeypatch.setattr(dashboard, "build", must_not_run)
    try:
        assert home.dashboard() == fresh
    finally:
        monkeypatch.setattr(dashboard, "build", real)
    return fresh[0]


def test_every_kind_of_dashboard_passes_the_check_and_is_kept(person, monkeypatch):
    """The check refuses nothing a real dashboard holds: a red flag and its clearance, a flare-up, a lost or an
    unreadable routine, an outcome measure due, a physio's notes, a missed day."""
    import sqlite3
    from datetime import timedelta

    from backcare.paths import DB_NAME
    from tests.test_day_view import ROUTINE

    _assert_kept_and_used(person, monkeypatch)
    person.run("safety", "--yes-to", "past-cancer")
    person.run("safety", "clear", "--by", "Dr Who", "--note", "Seen and cleared.")
    assert _assert_kept_and_used(person, monkeypatch)["safety"]["clearance"]
    assert person.run("measure", "take", "confidence", "--answers", "5").exit_code == 0
    assert person.run("routine", "import", str(ROUTINE)).exit_code == 0  # and made active
    person.day += timedelta(days=20)
    person.run("checkin", "--pain", "8", "--stiffness", "8", "--date", "yesterday")
    person.run("checkin", "--pain", "8", "--stiffness", "8", "--date", (person.day - timedelta(days=3)).isoformat())
    data = _assert_kept_and_used(person, monkeypatch)
    assert data["measures_due"] and data["progression"]["exercises"] and data["backfill"] is None
    person.run("checkin", "--pain", "8", "--stiffness", "8")
    person.day += timedelta(days=2)
    assert _assert_kept_and_used(person, monkeypatch)["backfill"]
    person.run("session", "--done", "all", "--pain-during", "8", "--effort", "9")
    _assert_kept_and_used(person, monkeypatch)
    with sqlite3.connect(person.folder / DB_NAME) as db:
        db.execute("UPDATE routines SET source = 'stages: ['")
    db.close()
    assert _assert_kept_and_used(person, monkeypatch).get("routine_problem")
    with sqlite3.connect(person.folder / DB_NAME) as db:
        db.execute("DELETE FROM routines")
    db.close()
    assert _assert_kept_and_used(person, monkeypatch).get("routine_note")
    person.run("safety", "--yes-to", "bladder-bowel")
    assert _assert_kept_and_used(person, monkeypatch)["safety"]["status"] == "red-flag"


# -- the first look after a flare-up -----------------------------------------------------------------------------
@pytest.mark.parametrize("as_json", [False, True], ids=["dashboard", "json"])
def test_the_first_look_after_a_flare_up_says_the_safety_re_check_is_due(tmp_path, as_json):
    """A session painful enough to ease off (a flare-up) makes a safety re-check due. The dashboard records the
    easing off when it decides the day, but it read the re-check schedule before that: the first look showed
    the flare-up plan without the re-check line, every later look (and `today --json`) with it."""
    from datetime import timedelta

    home = Home(tmp_path / "home")
    assert home.run("safety", "--none").exit_code == 0
    for day in range(2):
        home.day = home.day + timedelta(days=day)
        result = home.run("session", "--done", "all", "--pain-during", "6", "--effort", "0")
        assert result.exit_code == 0, result.output
    first = home.run("today", *(["--json"] if as_json else []))
    assert first.exit_code == 0, first.output
    fresh_json, fresh_text = home.dashboard(fresh=True)
    assert fresh_json["progression"]["flare"] and fresh_json["safety"]["recheck_due"]
    if as_json:
        assert json.loads(first.stdout) == fresh_json
    else:
        assert "Safety re-check due (backcare eased off after a flare-up" in " ".join(first.stdout.split())
        assert first.stdout == fresh_text


# -- whatever passes the check can be shown ------------------------------------------------------------------------
def _values(kind):
    """A hypothesis strategy for any value of `kind` (day_view.SHAPE's notation)."""
    from datetime import date

    from hypothesis import strategies as st

    if kind is None:
        return st.none()
    if kind is str:
        return st.text(max_size=30)
    if kind is int:
        return st.integers(-20, 20)
    if kind is bool:
        return st.booleans()
    if type(kind) is dict:
        return st.fixed_dictionaries({name: _values(part) for name, part in kind.items()})
    if type(kind) is list:
        return st.lists(_values(kind[0]), max_size=4)
    if type(kind) is tuple:
        return st.one_of(*(_values(one) for one in kind))
    if kind == day_view.DAY:
        return st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    return st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.text(max_size=10), max_size=3))


def _dashboards():
    from hypothesis import strategies as st

    either = st.sampled_from(sorted(day_view.EITHER)).flatmap(
        lambda name: st.fixed_dictionaries({name: _values(day_view.EITHER[name])})
    )
    return st.tuples(_values(day_view.SHAPE), either).map(lambda parts: {**parts[0], **parts[1]})


def test_anything_the_check_lets_through_can_be_shown(monkeypatch):
    """The check is what stands between a kept file and the renderer: every value it accepts renders, at any
    width, and prints as JSON."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from backcare.cli.state import print_json
    from backcare.render.dashboard import show

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=_dashboards(), width=st.integers(20, 120))
    def check(data, width):
        assert day_view.is_dashboard(data)
        monkeypatch.setenv("COLUMNS", str(width))
        show(data)
        print_json(data)

    check()
