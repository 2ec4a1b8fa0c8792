"""Defects found by trying to break the kept day's dashboard (services/day_view.py, store/kept_view.py): each test
failed before its fix. What was tried and found sound is said in tests/test_day_view.py's scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcare.services import day_view
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
