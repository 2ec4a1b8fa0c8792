"""`session --done` does only the work it needs: the progression engine reads what it uses of each session (its
day, stage, pain during and how many exercises were done and skipped), and decides exactly as it does from whole
session records."""

from __future__ import annotations

import os
import re
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
from backcare.domain.progress import Session, StageEvent
from backcare.domain.routine import Advance, Dose, Prescription, Routine, Settings, Stage
from backcare.domain.safety import all_clear

D0 = date(2026, 1, 1)
R = "test"
EXERCISES = ("cat-camel", "bird-dog", "glute-bridge", "dead-bug", "side-plank", "walk-easy")


def _stage(sid: str, size: int, advance: Advance | None = None, own: Settings | None = None) -> Stage:
    return Stage(sid, sid.title(), tuple(Prescription(e, Dose(2, 10)) for e in EXERCISES[:size]), advance, own)


shares = st.sampled_from([(2, 3), (1, 2), (3, 4), (1, 1), (1, 6)])


@st.composite
def routines(draw) -> Routine:
    """Three stages of 1-6 exercises; any stage may have its own settings (share of a session that counts)."""
    stages = []
    for sid, advance in (("mobility", Advance(3, 5, 5)), ("control", Advance(2, 3, None)), ("strength", None)):
        own = (
            Settings(min_session_share=draw(shares), pain_limit=draw(st.integers(2, 7)))
            if draw(st.booleans())
            else None
        )
        stages.append(_stage(sid, draw(st.integers(1, 6)), advance, own))
    return Routine(R, tuple(stages), settings=Settings(min_session_share=draw(shares)))


# a stage the routine no longer has ("gone") is read as the engine reads it: by the session's own count
stage_ids = st.sampled_from(["mobility", "control", "strength", "gone"])


@st.composite
def sessions(draw, days: int = 40) -> list[Session]:
    out = []
    for n in sorted(draw(st.lists(st.integers(0, days - 1), max_size=30))):
        k, m = draw(st.integers(0, 6)), draw(st.integers(0, 6))
        done, skipped = EXERCISES[:k], EXERCISES[k : k + m]
        pain = draw(st.one_of(st.none(), st.integers(0, 10)))
        out.append(Session(D0 + timedelta(days=n), R, draw(stage_ids), done, skipped, pain, draw(st.integers(0, 10))))
    return out


def reference_counts(routine: Routine, session: Session) -> bool:
    """The rule as the engine stated it before it read tallies, one session at a time."""
    if session.pain_during is None:
        return False
    stage = routine.stage(session.stage)
    planned = len(session.done) + len(session.skipped)
    if stage is not None:
        planned = max(planned, len(stage.exercises))
    return routine.settings_for(session.stage).counts(len(session.done), planned)


@given(routines(), sessions())
def test_a_tally_counts_towards_moving_on_exactly_when_its_session_does(routine, found):
    for s in found:
        expected = reference_counts(routine, s)
        assert pg.session_counts(routine, s) == expected
        assert pg.session_counts(routine, pg.Tally.of(s)) == expected


@st.composite
def courses(draw):
    routine = draw(routines())
    found = draw(sessions())
    pains = draw(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=40, max_size=40))
    checkins = [CheckIn(D0 + timedelta(days=i), p, 3) for i, p in enumerate(pains) if p is not None]
    events = [StageEvent(R, D0, "mobility", "start")]
    current = draw(st.sampled_from(["mobility", "control", "strength"]))
    if current != "mobility":
        events.append(StageEvent(R, D0 + timedelta(days=1), current, "manual", manual=True))
    return routine, events, checkins, found, D0 + timedelta(days=draw(st.integers(1, 45)))


@settings(max_examples=300, deadline=None)
@given(courses())
def test_the_engine_decides_the_same_from_tallies_as_from_whole_sessions(course):
    routine, events, checkins, found, today = course
    whole = pg.decide(routine, events, checkins, found, all_clear(D0), today)
    assert pg.decide(routine, events, checkins, [pg.Tally.of(s) for s in found], all_clear(D0), today) == whole


# -- the store's read of them ----------------------------------------------------------------------------------
odd_ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def stored_sessions(draw) -> list[Session]:
    """Sessions of two routines, several on some days, with any ids (quotes, commas, brackets, accents)."""
    out = []
    for _ in range(draw(st.integers(0, 25))):
        day = D0 + timedelta(days=draw(st.integers(0, 9)))
        started = draw(st.one_of(st.none(), st.sampled_from(["T08:00:00+00:00", "T18:30:00+00:00"])))
        done = tuple(draw(st.lists(odd_ids, max_size=4)))
        skipped = tuple(draw(st.lists(odd_ids, max_size=3)))
        pain = draw(st.one_of(st.none(), st.integers(0, 10)))
        routine = draw(st.sampled_from([R, "desk worker"]))
        stage = draw(stage_ids)
        out.append(
            Session(day, routine, stage, done, skipped, pain, None, day.isoformat() + started if started else None)
        )
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored_sessions(), st.integers(1, 30))
def test_the_stores_tallies_are_the_stored_sessions_counted(found, last):
    from backcare.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "home")
        try:
            for s in found:
                store.add_session(s)
            for routine in (R, "desk worker", "no such routine"):
                whole = store.sessions(routine=routine, last=last)
                assert store.session_tallies(routine, last) == [pg.Tally.of(s) for s in whole]
        finally:
            store.close()


def test_the_days_decision_builds_no_session_record(cli, home, open_store, today, monkeypatch):
    # The decision reads 200 sessions on every `session --done` and dashboard: only their tallies are read.
    from backcare.services import routines
    from backcare.store.records import sessions as session_rows

    assert cli("safety", "--none").exit_code == 0
    for back in range(6, -1, -1):
        env = {"BACKCARE_TODAY": (today - timedelta(days=back)).isoformat()}
        assert cli("checkin", "-p", "3", "-s", "3", env=env).exit_code == 0
        assert cli("session", "--done", "all", "--pain-during", "2", env=env).exit_code == 0
    built = []
    real = session_rows.from_row
    monkeypatch.setattr(session_rows, "from_row", lambda *a, **k: built.append(1) or real(*a, **k))
    store = open_store(home)
    decided = routines.progress(store, today, record=False)
    assert built == []
    active = routines.active_routine(store)
    whole = store.sessions(routine=active.name, last=routines.SESSIONS_CONSIDERED)
    assert len(built) == len(whole) == 7
    history = store.stage_history(active.name)
    checks = store.checkins(since=today - timedelta(days=84), until=today)
    from backcare.services import safety

    again = pg.decide(active.routine, history, checks, whole, safety.gate(store, today), today)
    assert decided.decision == again


# -- today's exercises for a session logged in one line ------------------------------------------------------
ROUTINE_FILES = sorted((Path(__file__).parent / "routines" / "ok").glob("*.yaml"))


def _kept(exercise) -> tuple:
    """What a session record kept of one of today's exercises before the plan carried doses: its id and its
    dose as shown (sets, reps, hold, side and the dose's text), read from the exercise with its description."""
    dose = {"sets": exercise.sets, "reps": exercise.reps, "hold_seconds": exercise.hold_seconds}
    dose |= {"side": exercise.side, "text": exercise.dose}
    return exercise.id, tuple((k, v) for k, v in dose.items() if v is not None)


def _every_routine():
    from backcare.content import bundled_routine, check_routine_file

    found = [bundled_routine("default")]
    for path in ROUTINE_FILES:
        routine, problems = check_routine_file(path)
        assert routine is not None, problems
        found.append(routine)
    return found


def test_todays_doses_are_what_the_exercises_with_their_descriptions_give():
    from backcare.services import routines, sessions

    for routine in _every_routine():
        for stage in routine.stages:
            for easier in (False, True):
                doses = routines.todays_doses(routine, stage.id, easier)
                exercises = routines.todays_exercises(routine, stage.id, easier)
                assert [(i, sessions.prescribed(d)) for i, d in doses] == [_kept(e) for e in exercises]


@st.composite
def prescribed_routines(draw):
    """A routine of library exercises with any doses (an easier variant after a flare-up swaps an exercise for
    the library's easier one, with that one's dose; without one the dose is made lighter)."""
    from backcare.content import library

    ids = sorted(library())
    doses = st.builds(
        Dose,
        sets=st.integers(1, 6),
        reps=st.integers(1, 30),
        hold_seconds=st.one_of(st.none(), st.integers(1, 900)),
        side=st.sampled_from(["both", "each", "left", "right"]),
        reps_max=st.one_of(st.none(), st.integers(1, 40)),
        duration_seconds=st.one_of(st.none(), st.integers(30, 3600)),
        rpe=st.one_of(st.none(), st.integers(0, 10)),
    )
    stages = []
    for n in range(draw(st.integers(1, 3))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6))
        stages.append(Stage(f"s{n}", f"Stage {n}", tuple(Prescription(e, draw(doses)) for e in chosen)))
    return Routine(R, tuple(stages))


@settings(max_examples=150, deadline=None)
@given(prescribed_routines(), st.booleans(), st.integers(0, 3))
def test_todays_doses_match_the_exercises_for_any_prescription(routine, easier, n):
    from backcare.services import routines, sessions

    stage_id = routine.stages[min(n, len(routine.stages) - 1)].id if n < 3 else "no such stage"
    doses = routines.todays_doses(routine, stage_id, easier)
    exercises = routines.todays_exercises(routine, stage_id, easier)
    assert [(i, sessions.prescribed(d)) for i, d in doses] == [_kept(e) for e in exercises]


def test_a_session_logged_in_one_line_reads_the_exercise_library_only_to_check_a_typed_id(cli, home, monkeypatch):
    # `--done all` (or N) records today's ids and doses, which the routine holds; the library (every exercise
    # backcare knows, with its description) is read only to accept an extra exercise or explain a typo.
    import backcare.content

    assert cli("safety", "--none").exit_code == 0
    reads = []
    real = backcare.content.library
    monkeypatch.setattr(backcare.content, "library", lambda: reads.append(1) or real())
    out = cli("session", "--done", "all", "--pain-during", "2", "--effort", "5")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Session saved for ") and reads == []
    out = cli("session", "--done", "2", "--pain-during", "2")
    assert out.exit_code == 0 and reads == []
    out = cli("session", "--done", "cat-camel,bird-dog", "--pain-during", "2")
    assert out.exit_code == 0, out.output
    assert reads  # bird-dog is not one of today's first-stage exercises: an extra, checked against the library
    reads.clear()
    out = cli("session", "--done", "cat-camle", "--pain-during", "2")
    assert out.exit_code == 2 and "Did you mean 'cat-camel'?" in out.output and reads


# -- what `session --done` loads (a separate process under -X importtime, the content cache warm) ------------
_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|( *)(\S+)$")


def _imported(home: Path, *args: str) -> set[str]:
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", *args], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    names = {m.group(2) for line in out.stderr.splitlines() if (m := _LINE.match(line))}
    assert names, "no import log: -X importtime was not honoured"
    return names


@pytest.mark.slow
def test_session_done_loads_no_exercise_descriptions(tmp_path):
    # A session logged in one line records the ids and doses of today's exercises, which the routine holds: the
    # classes of exercises with their descriptions (steps, cues, cautions) are for the guided session, the
    # dashboard and `routine show`.
    home = tmp_path / "h"
    for args in (("safety", "--none"), ("checkin", "--pain", "3", "--stiffness", "4"), ("today",)):
        assert (
            subprocess.run(
                [sys.executable, "-m", "backcare", *args],
                env={**os.environ, "BACKCARE_HOME": str(home)},
                capture_output=True,
            ).returncode
            == 0
        )
    mods = _imported(home, "session", "--done", "all", "--pain-during", "2", "--effort", "5")
    assert "backcare.domain.progression" in mods  # the day's decision is still made
    assert "backcare.domain.exercise_entry" not in mods


# -- the session's lists written and read without json ---------------------------------------------------------
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**30), 10**30), st.text(), st.sampled_from(["", "a b"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=5),
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_the_stores_writer_gives_jsons_text(value):
    import json

    from backcare.store.records import base

    assert base.dumps(value) == json.dumps(value)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(), max_size=6), st.booleans())
def test_the_stores_list_reader_gives_what_json_reads(items, ascii_only):
    import json

    from backcare.store.records import base

    assert base.ids(json.dumps(items, ensure_ascii=ascii_only)) == tuple(items)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(alphabet='[]", \\ab\n\u00e9', max_size=20),
        st.lists(st.one_of(st.text(max_size=6), st.integers(), st.none()), max_size=4).map(
            lambda v: __import__("json").dumps(v)
        ),
    )
)
def test_a_list_read_without_json_is_exactly_what_json_reads(text):
    # The short way reads only the exact shape json writes; anything else (numbers, escapes, another spacing,
    # broken text) is left to json, which reads it or fails as it always did.
    import json

    from backcare.store.records import base

    plain = base._plain_strings(text)
    if plain is not None:
        assert tuple(json.loads(text)) == plain


def test_a_session_is_written_and_read_for_the_engine_without_json(tmp_path):
    # The daily `session --done` writes one record and the engine reads 200: json (about 1.2 ms to import) is
    # needed only for what needs escaping (a physio's free-text dose detail, an id with a quote).
    script = f"""
import sys
from datetime import date
from pathlib import Path
from backcare.domain.progress import ExerciseRecord, Session
from backcare.store import Store
store = Store.open(Path({str(tmp_path / "h")!r}))
records = (
    ExerciseRecord("cat-camel", "done", 2, (("sets", 2), ("reps", 10), ("side", "both"), ("text", "2 x 10"))),
    ExerciseRecord("walk-brisk", "skipped", 0, (("sets", 1), ("reps", 1), ("text", "20 min"))),
)
for n in range(3):
    store.add_session(Session.of(date(2026, 11, 20 + n), "r", "mobility", records, 2, 5, "2026-11-20T08:00:00+00:00"))
tallies = store.session_tallies("r", 200)
assert [(t.n_done, t.n_skipped) for t in tallies] == [(1, 1)] * 3, tallies
assert "json" not in sys.modules, "json was imported"
"""
    from backcare.store import Store

    Store.open(tmp_path / "h").close()  # made (the schema steps use json), as every home is before a session
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    store = Store.open(tmp_path / "h")
    try:
        found = store.sessions(routine="r")
        assert [s.records[0].dose for s in found] == [
            (("sets", 2), ("reps", 10), ("side", "both"), ("text", "2 x 10"))
        ] * 3
    finally:
        store.close()


def test_the_days_decision_reads_the_stage_history_once(cli, home, open_store, today, monkeypatch):
    # The active routine's start day and the engine's position both come from the stage history: one read.
    from backcare.services import sessions
    from backcare.store import Store

    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 0
    reads = []
    real = Store.stage_history
    monkeypatch.setattr(Store, "stage_history", lambda self, *a, **k: reads.append(a) or real(self, *a, **k))
    plan = sessions.plan(open_store(home), today)
    assert len(reads) == 1 and plan.ids and not plan.stopped
