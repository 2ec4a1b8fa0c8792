"""Findings of a last review of the start-up speed work, as a new user, a physio and an attacker (the kept
dashboard, the json-less codecs, the write paths of safety, checkin and session)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.paths import DB_NAME
from backcare.store import MARKER
from backcare.store.records import base, checkins, sessions

# -- finding: importing years of data had become slower than before the start-up work ---------------------------
# The plain list writer (written for `session --done`, which must not load json) wrote every session's list of
# exercises in Python during an import too, where json is loaded anyway and its C encoder is twice as fast; and
# the import checks imported their helper module again for every exercise, tag list and medicine list. Together
# about 5% more time for an import of years. Counted here in Python calls, which the clock does not disturb.


def _python_calls(work) -> tuple[int, int]:
    """(Python function calls, entries into the import machinery's from-list step) made by `work()`."""
    counts = [0, 0]

    def profile(frame, event, arg):
        if event == "call":
            counts[0] += 1
            if frame.f_code.co_name == "_handle_fromlist":
                counts[1] += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return counts[0], counts[1]


def _exercise(n: int) -> dict:
    return {
        "id": f"exercise-{n}",
        "status": "done",
        "sets_done": 2,
        "dose": {"sets": 2, "reps": 10, "side": "both", "text": "2 x 10"},
    }


def test_once_json_is_loaded_the_plain_writer_leaves_a_long_list_to_it():
    assert "json" in sys.modules
    short = [_exercise(1)]
    long = [_exercise(n) for n in range(60)]
    assert base.dumps(long) == json.dumps(long)
    calls_short, _ = _python_calls(lambda: base.dumps(short))
    calls_long, _ = _python_calls(lambda: base.dumps(long))
    assert calls_long == calls_short  # not one Python call per item


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    )
)
def test_the_plain_writer_writes_what_json_writes_whether_or_not_json_is_loaded(value):
    expected = json.dumps(value)
    assert base.dumps(value) == expected
    saved = sys.modules.pop("json")
    try:
        assert base.dumps(value) == expected
    finally:
        sys.modules["json"] = saved


def _session(exercises: int) -> dict:
    items = [_exercise(n) for n in range(exercises)]
    return {
        "date": "2026-03-02",
        "routine": "Back on track (built-in)",
        "stage": "mobility",
        "started": "2026-03-02T09:00:00+00:00",
        "done": [e["id"] for e in items],
        "skipped": [],
        "exercises": items,
        "pain_during": 3,
        "effort": 5,
        "at": "2026-03-02T09:30:00+00:00",
    }


def test_checking_a_session_of_an_import_does_not_import_again_for_each_exercise():
    today = date(2026, 3, 10)
    sessions.check(_session(1), today)  # everything it needs is loaded
    _, one = _python_calls(lambda: sessions.check(_session(1), today))
    _, many = _python_calls(lambda: sessions.check(_session(40), today))
    assert many == one


def test_checking_a_check_in_of_an_import_imports_its_helpers_once():
    today = date(2026, 3, 10)
    record = {
        "date": "2026-03-02",
        "pain": 3,
        "stiffness": 4,
        "tags": ["walked"],
        "meds": ["ibuprofen"],
        "leg_pain": 2,
        "leg_side": "left",
        "recorded_at": "2026-03-02T09:00:00+00:00",
        "updated_at": "2026-03-02T09:00:00+00:00",
    }
    checkins.check(record, today)
    _, entered = _python_calls(lambda: checkins.check(record, today))
    assert entered <= 2  # check and check_values; not again for the tags, the medicines and the leg


def test_an_imported_export_stores_exactly_the_text_it_stored_before(home, cli, tmp_path):
    """What the faster path writes is what json wrote: the same rows, byte for byte, as an import reads them."""
    export = {
        "format": "backcare-export",
        "version": 1,
        "checkins": [{"date": "2026-03-02", "pain": 3, "stiffness": 4, "tags": ["walked", "desk-day"]}],
        "sessions": [_session(6)],
    }
    file = tmp_path / "export.json"
    file.write_text(json.dumps(export), encoding="utf-8")
    result = cli("import", str(file))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(home / DB_NAME)
    try:
        done, exercises = conn.execute("SELECT done, exercises FROM sessions").fetchone()
        (tags,) = conn.execute("SELECT tags FROM checkins").fetchone()
    finally:
        conn.close()
    assert exercises == json.dumps(_session(6)["exercises"])
    assert done == json.dumps(_session(6)["done"])
    assert tags == json.dumps(["walked", "desk-day"])


# -- finding: a pipe under the name of the check marker, or of the database for `due`, hung backcare ------------
# The marker beside the database (.backcare-checked) was opened without O_NONBLOCK: a pipe there (made by
# mistake, or by anyone who can write to the folder) stopped every command before it started, waiting for a
# writer that never came, and `due`, which a shell prompt runs, hung the same way on a pipe named like the database.
# A link there was followed when read. Now they answer as for a missing marker, or with one sentence.


def _pipe(path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_named_like_the_check_marker_hangs_no_command(home, bc):
    assert bc("safety", "--none").returncode == 0
    _pipe(home / MARKER)
    for args in (("today", "--json"), ("checkin", "--pain", "3", "--stiffness", "2"), ("where",)):
        done = bc(*args, timeout=30)  # a hang fails here instead of stopping the run
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert json.loads(bc("today", "--json", timeout=30).stdout)["pain"] == 3
    assert stat.S_ISFIFO(os.lstat(home / MARKER).st_mode)  # left as it was


def test_a_linked_check_marker_is_not_followed(home, bc, tmp_path):
    """A marker that is a link to another file (which could hold any fingerprint) does not let the check be
    skipped: it is read as no marker, and not written through."""
    assert bc("checkin", "--pain", "3", "--stiffness", "2").returncode == 0
    elsewhere = tmp_path / "elsewhere"
    kept = (home / MARKER).read_bytes()  # the very fingerprint of the file as it is now
    elsewhere.write_bytes(kept)
    (home / MARKER).unlink()
    (home / MARKER).symlink_to(elsewhere)
    from backcare import store as store_module

    assert store_module._read_marker(home / DB_NAME) is None
    assert bc("checkin", "--pain", "4", "--stiffness", "2").returncode == 0
    assert (home / MARKER).is_symlink()
    assert elsewhere.read_bytes() == kept  # not written through the link


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_due_answers_when_a_pipe_has_the_database_name(home, bc):
    home.mkdir(parents=True, exist_ok=True)
    _pipe(home / DB_NAME)
    done = bc("due", timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: backcare cannot read {home / DB_NAME}; run 'backcare where' for details."
    assert bc("due", "--quiet", timeout=30).returncode == 1
