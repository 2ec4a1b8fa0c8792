"""The daily writes, `safety --none` and `checkin`, load only what they need: checked with `python -X importtime`,
never with a clock. Each module kept off a path is listed with the reason it is not needed there."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_startup_lean import imported, run

from backcare import messages
from backcare.paths import resolve_home

pytestmark = pytest.mark.slow  # each test starts backcare under -X importtime

# module -> why `safety --none` does without it
NOT_FOR_AN_ALL_CLEAR = {
    "json": "a screen's answers (plain question ids, yes or no) are written and read as the same text without it",
    "backcare.outfiles": "the data folder and the database exist and are private already: nothing to create",
    "encodings.ascii": "the checked-file marker is read as bytes, not through a text codec",
    "backcare.domain.checkin": "no check-in is read or written (the store loads the check-in code when it is)",
    "backcare.store.records.checkins": "as above",
    "backcare.store.records.checks": "only an import checks records",
    "backcare.domain.progress": "no stage history is read: the result never shows the re-check schedule",
    "backcare.store.records.clearances": "after an all-clear no history answer stands, so no clearance counts",
    "backcare.textsafe": "no text a person typed (a clinician's name) is shown",
    "rich": "two plain lines",
}
# module -> why `checkin --pain N --stiffness N` does without it
NOT_FOR_A_CHECKIN = {
    "json": "no tags or medicines to write",
    "backcare.outfiles": "the data folder and the database exist and are private already: nothing to create",
    "encodings.ascii": "the checked-file marker is read as bytes, not through a text codec",
    "backcare.store.records.checks": "only an import checks records",
    "backcare.store.records.safety_screens": "no safety question is asked when not at a terminal",
    "rich": "one plain line",
    "backcare.cli.fast": "the data folder is given (BACKCARE_HOME): nothing to work out",
    "platformdirs": "as above",
}


@pytest.fixture
def used_home(tmp_path):
    """A home in daily use: earlier screens (one with a 'yes' since answered 'no'), check-ins with tags."""
    home = tmp_path / "h"
    for day, args in (
        ("2026-10-01", ["safety", "--yes-to", "fever-unwell"]),
        ("2026-10-02", ["safety", "--none"]),
        ("2026-10-30", ["safety", "--none"]),
    ):
        run(home, *args, env={"BACKCARE_TODAY": day})
    for day in ("2026-11-20", "2026-11-21"):
        run(home, "checkin", "--pain", "3", "--stiffness", "4", "--tag", "long-drive", env={"BACKCARE_TODAY": day})
    run(home, "safety", "--none")
    return home


def test_an_all_clear_loads_none_of_what_it_does_not_use(used_home):
    mods, out = imported(used_home, "safety", "--none")
    assert out == f"Safety check recorded for 2026-11-27: all answers 'no'. Thank you.\n{messages.NOT_A_DIAGNOSIS}\n"
    loaded = {name: why for name, why in NOT_FOR_AN_ALL_CLEAR.items() if name in mods}
    assert not loaded


def test_a_checkin_loads_none_of_what_it_does_not_use(used_home):
    mods, out = imported(used_home, "checkin", "--pain", "3", "--stiffness", "4")
    assert out == "Checked in for Fri 27 Nov 2026: pain 3, stiffness 4.\n"
    loaded = {name: why for name, why in NOT_FOR_A_CHECKIN.items() if name in mods}
    assert not loaded


def test_a_new_or_loose_home_is_still_made_private(tmp_path):
    # The shortcut above is only for a folder and file that are private already: a new or loose one is still
    # created or tightened (through backcare.outfiles).
    home = tmp_path / "new"
    mods, _ = imported(home, "safety", "--none")
    assert "backcare.outfiles" in mods
    assert (home.stat().st_mode & 0o777, (home / "backcare.db").stat().st_mode & 0o777) == (0o700, 0o600)
    home.chmod(0o755)
    (home / "backcare.db").chmod(0o644)
    mods, _ = imported(home, "safety", "--none")
    assert "backcare.outfiles" in mods
    assert (home.stat().st_mode & 0o777, (home / "backcare.db").stat().st_mode & 0o777) == (0o700, 0o600)


def test_the_default_data_folder_is_found_without_platformdirs(tmp_path, monkeypatch):
    # Most people never set --home or BACKCARE_HOME: their folder is worked out as platformdirs would (a test in
    # test_due.py keeps the two equal) without importing it, about 3.5 ms of every command.
    monkeypatch.delenv("BACKCARE_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    for args in (["safety", "--none"], ["checkin", "--pain", "3", "--stiffness", "4"]):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "backcare", *args], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert " platformdirs" not in out.stderr
    assert (resolve_home(None) / "backcare.db").is_file()
