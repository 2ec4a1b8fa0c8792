"""Sessions are records: several a day, never overwritten; listed, deleted with a copy kept, exported."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.domain import progression as pg
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import DOSE_FIELDS, ExerciseRecord, Session, StageEvent
from backcare.domain.routine import Advance, Dose, Prescription, Routine, Stage
from backcare.domain.safety import all_clear
from backcare.store import Store, migrations
from tests.conftest import Cli

DAY = "2026-03-02"
ENV = {"BACKCARE_TODAY": DAY}


@pytest.fixture(autouse=True)
def _safety_answered(request):
    """Exercises are offered once the safety questions are answered: an all-'no' screen for CLI tests."""
    if "home" not in request.fixturenames:
        return
    store = Store.open(request.getfixturevalue("home"))
    try:
        store.record_screen(all_clear(date.fromisoformat(DAY)))
    finally:
        store.close()


@pytest.fixture
def guided(monkeypatch):
    """Let the CLI runner stand in for a terminal, so `session` runs the guided session."""
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)


def stored(home: Path) -> list[Session]:
    store = Store.open(home)
    try:
        return store.sessions()
    finally:
        store.close()


def todays_ids(cli) -> list[str]:
    return [e["id"] for e in cli.json("routine", "show", "--json", env=ENV)["exercises"]]


# -- the lost session --------------------------------------------------------------------------------


def test_guided_session_quit_at_once_keeps_the_session_logged_earlier(cli, home, guided):
    """Found by a patient: 6 of 6 with pain 3, then `session` and q, became 0 of 6."""
    first = cli("session", "--done", "all", "--pain-during", "3", env=ENV)
    assert first.exit_code == 0, first.output
    [before] = stored(home)
    result = cli("session", "--no-timer", input="q\n", env=ENV)
    assert result.exit_code == 0, result.output
    assert "nothing was logged" in result.stdout
    assert stored(home) == [before]
    n = len(todays_ids(cli))
    assert len(before.done) == n and before.skipped == () and before.pain_during == 3


def test_a_second_session_the_same_day_is_a_new_record(cli, home, guided):
    ids = todays_ids(cli)
    assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    # the guided session: one done, then quit; pain during is asked on quitting
    result = cli("session", "--no-timer", input="d\nq\n2\n\n", env=ENV)
    assert result.exit_code == 0, result.output
    first, second = stored(home)
    assert len(first.done) == len(ids) and first.pain_during == 3
    assert second.done == (ids[0],) and second.skipped == tuple(ids[1:]) and second.pain_during == 2
    assert first.id != second.id


def test_done_n_logs_the_first_n_of_todays_exercises(cli, home):
    ids = todays_ids(cli)
    result = cli("session", "--done", "2", "--pain-during", "1", env=ENV)
    assert result.exit_code == 0, result.output
    [s] = stored(home)
    assert s.done == tuple(ids[:2]) and s.skipped == tuple(ids[2:])
    assert [e.status for e in s.exercises] == ["done", "done"] + ["skipped"] * (len(ids) - 2)


@pytest.mark.parametrize("n", ["0", "99"])
def test_done_n_out_of_range_is_refused(cli, home, n):
    result = cli("session", "--done", n, "--pain-during", "1", env=ENV)
    assert result.exit_code == 2 and "not a number of today's exercises" in result.stderr
    assert stored(home) == []


@pytest.mark.parametrize("flag", ["--done", "--skip"])
@pytest.mark.parametrize("value", ["", " , ", ","])
def test_an_empty_list_of_exercises_is_refused(cli, home, flag, value):
    result = cli("session", flag, value, "--pain-during", "1", env=ENV)
    assert result.exit_code == 2 and f"{flag} needs 'all'" in result.stderr
    assert stored(home) == []


def test_each_exercise_keeps_status_sets_done_and_the_dose_prescribed(cli, home, guided):
    ids = todays_ids(cli)
    shown = cli.json("routine", "show", "--json", env=ENV)["exercises"]
    sets = shown[1]["sets"]
    assert sets >= 2  # the built-in second exercise has sets to do partly
    answers = "d\n1\ns\n" + "d\n" * (len(ids) - 3) + "4\n5\n"
    result = cli("session", "--no-timer", input=answers, env=ENV)
    assert result.exit_code == 0, result.output
    assert "(1 partly)" in result.stdout
    [s] = stored(home)
    statuses = [(e.id, e.status, e.sets_done) for e in s.exercises]
    assert statuses[:3] == [(ids[0], "done", shown[0]["sets"]), (ids[1], "partly", 1), (ids[2], "skipped", 0)]
    assert dict(s.exercises[1].dose) == {
        k: v
        for k, v in {
            "sets": shown[1]["sets"],
            "reps": shown[1]["reps"],
            "hold_seconds": shown[1]["hold_seconds"],
            "side": shown[1]["side"],
            "text": shown[1]["dose"],
        }.items()
        if v is not None
    }
    assert ids[1] in s.done and ids[2] in s.skipped and (s.pain_during, s.effort) == (4, 5)


# -- listing and deleting ------------------------------------------------------------------------------


def test_sessions_lists_newest_first_with_which_counted_and_why(cli, home):
    ids = todays_ids(cli)
    assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    assert cli("session", "--done", ids[0], "--pain-during", "2", env=ENV).exit_code == 0
    rows = cli.json("sessions", "--json", env=ENV)
    assert [r["id"] for r in rows] == [2, 1]
    for key in ("date", "started", "routine", "stage", "exercises", "pain_during", "counts", "why"):
        assert key in rows[0]
    assert rows[0]["date"] == DAY and rows[0]["started"].startswith(DAY)
    assert {"id", "status", "sets_done"} <= set(rows[0]["exercises"][0])
    assert (rows[0]["counts"], rows[1]["counts"]) == (False, True)
    n = len(ids)
    assert (rows[0]["why"], rows[1]["why"]) == (f"1 of {n} done; 2/3 needed", f"{n} of {n} done; 2/3 needed")
    table = cli("sessions", env=ENV)
    assert table.exit_code == 0 and "newest first" in table.stdout
    lines = [line.split() for line in table.stdout.splitlines()]
    assert ["2", DAY] == lines[2][:2] and "no" in lines[2] and "yes" in lines[3]


def test_sessions_days_limits_the_list(cli):
    earlier = {"BACKCARE_TODAY": "2026-02-01"}
    assert cli("session", "--done", "all", "--pain-during", "3", env=earlier).exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    assert [r["date"] for r in cli.json("sessions", "--json", "--days", "7", env=ENV)] == [DAY]
    assert len(cli.json("sessions", "--json", env=ENV)) == 2
    assert cli("sessions", "--days", "0", env=ENV).exit_code == 2


def test_sessions_delete_asks_removes_one_and_keeps_a_copy(cli, home, tmp_path):
    for pain in ("3", "4"):
        assert cli("session", "--done", "all", "--pain-during", pain, env=ENV).exit_code == 0
    first, second = stored(home)
    refused = cli("sessions", "delete", str(first.id), env=ENV)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert stored(home) == [first, second]
    result = cli("sessions", "delete", str(first.id), "--yes", env=ENV)
    assert result.exit_code == 0 and "A copy stays in the edit history" in result.stdout
    assert stored(home) == [second]
    again = cli("sessions", "delete", str(first.id), "--yes", env=ENV)
    assert again.exit_code == 1 and "no session" in again.stderr
    assert cli("sessions", "delete", "nine", "--yes", env=ENV).exit_code == 1
    out = tmp_path / "all.json"
    assert cli("export", "--format", "json", "-o", str(out), env=ENV).exit_code == 0, "export failed"
    doc = json.loads(out.read_text())
    [edit] = doc["session_edits"]
    assert edit["action"] == "delete" and edit["before"]["pain_during"] == 3 and edit["session"] == first.id


def test_sessions_delete_confirms_in_a_terminal(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.sessions.interactive", lambda: True)
    assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    [s] = stored(home)
    no = cli("sessions", "delete", str(s.id), input="n\n", env=ENV)
    assert no.exit_code == 1 and "Nothing deleted" in no.stdout and stored(home) == [s]
    yes = cli("sessions", "delete", str(s.id), input="y\n", env=ENV)
    assert yes.exit_code == 0 and stored(home) == []


# -- no sequence of session commands changes an earlier session -----------------------------------------

command = st.one_of(
    st.tuples(
        st.just("log"), st.sampled_from(["all", "1", "3", "cat-camel", "cat-camel,bird-dog"]), st.integers(0, 10)
    ),
    st.tuples(st.just("skip-only"), st.sampled_from(["cat-camel", "walk-easy"]), st.none()),
    st.tuples(st.just("typo"), st.sampled_from(["cat-camle", "0", "all,"]), st.integers(0, 10)),
    st.tuples(
        st.just("guided"), st.sampled_from(["q\n", "d\nq\n3\n\n", "s\nq\n", "d\nd\n2\nq\n5\n6\n", ""]), st.none()
    ),
    st.tuples(st.just("list"), st.none(), st.none()),
    st.tuples(st.just("delete"), st.integers(0, 5), st.booleans()),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(command, min_size=1, max_size=7))
def test_no_session_command_changes_an_earlier_session_except_delete(steps, monkeypatch):
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        cli = Cli(home)
        kept: dict[int, Session] = {}
        for kind, arg, extra in steps:
            if kind == "log":
                result = cli("session", "--done", arg, "--pain-during", str(extra), env=ENV)
            elif kind == "skip-only":
                result = cli("session", "--skip", arg, env=ENV)
            elif kind == "typo":
                result = cli("session", "--done", arg, "--pain-during", str(extra), env=ENV)
            elif kind == "guided":
                result = cli("session", "--no-timer", input=arg, env=ENV)
            elif kind == "list":
                result = cli("sessions", "--json", env=ENV)
            else:
                ids = sorted(kept)
                target = ids[arg % len(ids)] if ids else 1
                result = cli("sessions", "delete", str(target), *(["--yes"] if extra else []), env=ENV)
                if extra and ids:
                    kept.pop(target)
            assert result.exit_code in (0, 1, 2), result.output
            now = {s.id: s for s in (stored(home) if home.exists() else [])}
            assert all(now.get(i) == s for i, s in kept.items()), (kind, arg, extra)  # earlier ones unchanged
            assert set(kept) <= set(now)
            new = set(now) - set(kept)
            assert len(new) <= 1 and (not new or kind in ("log", "skip-only", "guided"))
            kept = now


# -- the engine with several sessions a day ---------------------------------------------------------------

R = "test"
D0 = date(2026, 1, 1)
ROUTINE = Routine(
    name=R,
    stages=(
        Stage("mobility", "Mobility", (Prescription("cat-camel", Dose(2, 10)),), Advance(sessions=3, days=5)),
        Stage("control", "Control", (Prescription("cat-camel", Dose(2, 10)),)),
    ),
)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def sessions_on(days: list[int], pain: int = 3) -> list[Session]:
    return [Session(day(n), R, "mobility", ("cat-camel",), (), pain, 5) for n in days]


def decide(sessions: list[Session]):
    checkins = [CheckIn(day(i), 3, 3) for i in range(6)]
    start = [StageEvent(R, D0, "mobility", "start")]
    return pg.decide(ROUTINE, start, checkins, sessions, all_clear(D0), day(5))


def test_several_sessions_on_one_day_count_as_one_session_day():
    held = decide(sessions_on([1, 1, 1, 2]))
    assert held.decision == pg.HOLD and any("2 of 3 session days" in r for r in held.reasons)
    moved = decide(sessions_on([1, 1, 2, 4]))
    assert moved.decision == pg.ADVANCE


def test_pain_during_looks_at_every_session_of_the_recent_days():
    later_sore = sessions_on([1, 2, 4]) + sessions_on([4], pain=7)
    earlier_sore = sessions_on([1, 2]) + sessions_on([4], pain=7) + sessions_on([4])
    for sessions in (later_sore, earlier_sore):
        d = decide(sessions)
        assert d.decision == pg.HOLD and any("reached 7/10" in r for r in d.reasons)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10)), max_size=12))
def test_repeating_a_day_s_session_never_counts_more_days(raw):
    base = sorted(raw)
    once = [Session(day(d), R, "mobility", ("cat-camel",), (), p, None) for d, p in base]
    twice = sorted([*once, *once], key=lambda s: s.day)
    a, b = decide(once), decide(twice)
    if a.decision != pg.ADVANCE:
        assert b.decision != pg.ADVANCE


# -- older data ---------------------------------------------------------------------------------------------


def old_home(path: Path, rows: list[tuple]) -> Path:
    """A home written before session records: schema 4, one session row per day and routine."""
    path.mkdir(parents=True)
    db = sqlite3.connect(path / "backcare.db", isolation_level=None)
    migrations.apply(db, upto=4)
    for row in rows:
        db.execute(
            "INSERT INTO sessions (date, routine, stage, done, skipped, pain_during, effort, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
    db.close()
    return path


OLD_ROWS = [
    ("2026-01-05", "r", "mobility", '["cat-camel", "bird-dog"]', '["walk-easy"]', 3, 5, "2026-01-05T08:00:00+00:00"),
    ("2026-01-06", "r", "mobility", "[]", '["cat-camel"]', None, None, "2026-01-06T08:00:00+00:00"),
    ("2026-01-06", "other", "strength", '["bridge"]', "[]", 2, None, "2026-01-06T09:00:00+00:00"),
]


def test_migration_turns_each_old_row_into_one_record_losslessly(tmp_path):
    home = old_home(tmp_path / "h", OLD_ROWS)
    store = Store.open(home)
    got = store.sessions()
    assert store.schema_version() == migrations.LATEST
    assert [(s.day.isoformat(), s.routine, s.stage, s.done, s.skipped, s.pain_during, s.effort) for s in got] == [
        ("2026-01-05", "r", "mobility", ("cat-camel", "bird-dog"), ("walk-easy",), 3, 5),
        ("2026-01-06", "r", "mobility", (), ("cat-camel",), None, None),
        ("2026-01-06", "other", "strength", ("bridge",), (), 2, None),
    ]
    assert got[0].exercises == (
        ExerciseRecord("cat-camel", "done"),
        ExerciseRecord("bird-dog", "done"),
        ExerciseRecord("walk-easy", "skipped", 0),
    )
    assert all(s.started is None for s in got)
    # several a day are now allowed for the same routine
    store.add_session(Session(date(2026, 1, 5), "r", "mobility", ("cat-camel",), (), 1))
    assert len(store.sessions(routine="r", since=date(2026, 1, 5), until=date(2026, 1, 5))) == 2
    store.close()


def test_an_old_export_with_one_session_a_day_still_imports(cli, home, tmp_path):
    doc = {
        "format": "backcare-export",
        "version": 1,
        "exported_at": "2026-01-07T08:00:00+00:00",
        "schema_version": 4,
        "backcare_version": "0.1.0",
        "checkins": [],
        "checkin_edits": [],
        "sessions": [
            {"date": d, "routine": r, "stage": st_, "done": json.loads(dn), "skipped": json.loads(sk)}
            | {"pain_during": p, "effort": e, "at": at}
            for d, r, st_, dn, sk, p, e, at in OLD_ROWS
        ],
        "stage_history": [],
        "safety_screens": [],
        "topics_read": [],
        "routines": [],
        "settings": {},
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 sessions" in result.stdout
    got = stored(home)
    assert [s.done for s in got] == [("cat-camel", "bird-dog"), (), ("bridge",)]
    # importing it again adds nothing; the same file into a migrated copy of the same data neither
    assert "Imported 0 check-ins, 0 sessions" in cli("import", str(path)).stdout
    migrated = old_home(tmp_path / "old", OLD_ROWS)
    again = Cli(migrated)("import", str(path))
    assert "Imported 0 check-ins, 0 sessions" in again.stdout and "3 already here" in again.stdout


def test_export_and_restore_keep_every_session_even_identical_ones(cli, home, tmp_path):
    for _ in range(2):  # two identical sessions within the same second
        assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    assert cli("session", "--done", "1", "--pain-during", "2", env=ENV).exit_code == 0
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out), env=ENV).exit_code == 0
    doc = json.loads(out.read_text())
    assert len(doc["sessions"]) == 3 and {"started", "exercises"} <= set(doc["sessions"][0])
    fresh = Cli(tmp_path / "fresh")
    result = fresh("import", str(out))
    assert result.exit_code == 0 and "3 sessions" in result.stdout, result.output
    strip = [s.as_dict() for s in stored(home)]
    assert [s.as_dict() for s in stored(tmp_path / "fresh")] == strip


def test_an_export_with_a_bad_exercise_record_is_refused_in_one_sentence(cli, home, tmp_path):
    assert cli("session", "--done", "all", "--pain-during", "3", env=ENV).exit_code == 0
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out), env=ENV).exit_code == 0
    doc = json.loads(out.read_text())
    doc["sessions"][0]["exercises"][0]["status"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = Cli(tmp_path / "other")("import", str(bad))
    assert result.exit_code == 1 and "status" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow  # five processes writing at once, like the concurrent check-in tests in test_store.py
def test_sessions_logged_at_the_same_time_are_all_kept(bc, home):
    assert bc("session", "--done", "1", "--pain-during", "1", env=ENV).returncode == 0  # creates the home
    env = {**os.environ, "BACKCARE_HOME": str(home), **ENV}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "backcare", "session", "--done", "all", "--pain-during", str(p)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in range(4)
    ]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    got = stored(home)
    assert len(got) == 5 and sorted(s.pain_during for s in got[1:]) == [0, 1, 2, 3]


exercise_records = st.lists(
    st.builds(
        ExerciseRecord,
        st.sampled_from(["cat-camel", "bird-dog", "bridge", "walk-easy"]),
        st.sampled_from(["done", "partly", "skipped"]),
        st.one_of(st.none(), st.integers(0, 99)),
        st.lists(st.sampled_from([("sets", 2), ("reps", 10), ("hold_seconds", 5), ("side", "each")]), unique=True).map(
            lambda pairs: tuple(sorted(pairs, key=lambda kv: DOSE_FIELDS.index(kv[0])))
        ),
    ),
    max_size=8,
    unique_by=lambda r: r.id,
)


@given(
    exercise_records,
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.just("2026-03-02T08:30:00+01:00")),
)
def test_a_session_record_reads_back_as_it_was_written(records, pain, started):
    s = Session.of(date(2026, 3, 2), "r", "mobility", tuple(records), pain, None, started)
    again = Session.from_dict(json.loads(json.dumps(s.as_dict())))
    assert again == s
    assert set(s.done) | set(s.skipped) == {r.id for r in records} and not set(s.done) & set(s.skipped)
