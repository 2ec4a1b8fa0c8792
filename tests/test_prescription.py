"""Prescriptions a physio writes: reps ranges, timed activities, rest, effort, tempo, load and notes; clinical
words used as keys; the schema's generated parts; and how a dose is shown everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.content import check_routine_text, library, lint_routine_text, load_routine_text
from backcare.content.checks import DURATION_PATTERN, HOLD_PATTERN, duration_seconds
from backcare.content.schema import current_schema, routine_schema
from backcare.domain.routine import Dose, lighter

HEAD = """\
format: backcare-routine/1
name: Test
description: Go gently this week.
stages:
  - id: one
    name: One
    exercises:
"""


def routine(*items: str):
    return load_routine_text(HEAD + "".join(f"      - {item}\n" for item in items), "r.yaml")


def problems(*items: str) -> list[str]:
    _, found = check_routine_text(HEAD + "".join(f"      - {item}\n" for item in items), "r.yaml")
    return [p.message for p in found]


def dose(item: str) -> Dose:
    return routine(item).stages[0].exercises[0].dose


# ------------------------------------------------------------------ the finding, reproduced


def test_everyday_prescriptions_can_be_written():
    walk = dose("{id: walk-easy, duration: 20 min}")
    assert walk.duration_seconds == 1200 and walk.describe() == "20 min"
    bridge = dose("{id: glute-bridge, sets: 3, reps: 8-12, rest: 60, rpe: 7, tempo: 3-1-1, load: 2 x 16 kg}")
    assert (bridge.reps, bridge.reps_max, bridge.rest_seconds, bridge.rpe) == (8, 12, 60, 7)
    assert "3 x 8-12 reps" in bridge.describe()
    assert "effort 7/10" in bridge.describe() and "rest 1m" in bridge.describe()
    assert "tempo 3-1-1" in bridge.describe() and "2 x 16 kg" in bridge.describe()
    noted = dose("{id: bird-dog, notes: Keep your hips level.}")
    assert noted.notes == "Keep your hips level."


def test_rest_is_never_read_as_reps():
    plank = dose("{id: side-plank, sets: 3, rest: 60}") if "side-plank" in library() else None
    if plank is None:
        plank = dose("{id: bird-dog, sets: 3, rest: 60}")
    assert plank.rest_seconds == 60 and plank.reps != 60
    assert "x 60" not in plank.describe()
    for word, field in (
        ("pause", "'rest'"),
        ("recovery", "'rest'"),
        ("intensity", "'rpe'"),
        ("weight", "'load'"),
        ("kg", "'load'"),
        ("speed", "'tempo'"),
        ("frequency", "'per_week'"),
        ("time", "'duration'"),
        ("minutes", "'duration'"),
        ("comment", "'notes'"),
    ):
        (message,) = problems(f"{{id: bird-dog, {word}: 5}}")
        assert field in message, (word, message)
        assert 'did you mean "reps"' not in message


def test_did_you_mean_only_above_a_similarity_floor():
    (message,) = problems("{id: bird-dog, tempest: 5}")  # like "tempo", but not a typo of it
    assert "did you mean" not in message and "allowed here" in message
    (message,) = problems("{id: bird-dog, hodl: 5}")
    assert 'did you mean "hold"' in message


@pytest.mark.parametrize(
    "item, fragment",
    [
        ("{id: bird-dog, rest: 11m}", "rest must be from 0 seconds to 10 minutes"),
        ("{id: bird-dog, rpe: 11}", "rpe must be from 0 to 10 (got 11)"),
        ("{id: bird-dog, reps: 12-8}", "written backwards: write 8-12"),
        ("{id: bird-dog, reps: 8-8}", "same number twice"),
        ("{id: walk-brisk, duration: 20 min, reps: 10}", "timed activity with a duration, not reps"),
        ("{id: walk-easy, duration: 61 min}", "duration must be from 1 second to 60 minutes"),
        ("{id: walk-easy, duration: 10 min, hold: 20}", "a duration or a hold, not both"),
        ("{id: cat-camel, hold: 20m}", "for a walk or other timed activity use duration"),
    ],
)
def test_prescriptions_that_do_not_make_sense_are_located_errors(item, fragment):
    _, found = check_routine_text(HEAD + f"      - {item}\n", "r.yaml")
    assert len(found) == 1 and fragment in found[0].message
    assert (found[0].line, found[0].column) != (1, 1)


def test_side_both_on_a_one_side_exercise_is_a_warning():
    each = [ex for ex in library().values() if ex.dose.side == "each"][0]
    checked = lint_routine_text(HEAD + f"      - {{id: {each.id}, side: both}}\n", "r.yaml")
    assert checked.routine is not None
    assert any("one side at a time" in w.message for w in checked.warnings)


def test_reps_on_a_timed_activity_without_a_duration_is_a_warning_and_means_what_it_always_did():
    checked = lint_routine_text(HEAD + "      - {id: walk-brisk, reps: 3}\n", "r.yaml")
    assert checked.routine is not None
    assert any("reps here means that many bouts" in w.message for w in checked.warnings)
    walk = checked.routine.stages[0].exercises[0].dose
    assert (walk.reps, walk.hold_seconds, walk.duration_seconds) == (3, 600, None)
    several = dose("{id: walk-easy, reps: 2, hold: 5m}")  # valid before: two 5-minute bouts
    assert (several.reps, several.hold_seconds, several.duration_seconds) == (2, 300, None)


def test_older_files_keep_working_a_walk_as_one_long_hold():
    walk = dose("{id: walk-brisk, reps: 1, hold: 10m}")
    assert walk.duration_seconds == 600 and walk.hold_seconds is None
    assert walk.describe() == "2 x 10 min" and "hold" not in walk.describe()


def test_library_walks_are_timed_activities():
    for ex in library().values():
        if "walk" in ex.id:
            assert ex.dose.duration_seconds and not ex.dose.hold_seconds, ex.id
            assert "hold" not in ex.dose.describe()


# ------------------------------------------------------------------ the pure logic underneath


@given(st.integers(1, 3600))
def test_duration_spellings_agree_with_the_schema_pattern(seconds):
    minutes, secs = divmod(seconds, 60)
    forms = [f"{seconds}s", f"{seconds} sec"]
    if minutes:
        forms += [
            f"{minutes}m{secs}s" if secs else f"{minutes}m",
            f"{minutes}m{secs:02d}" if secs else f"{minutes} min",
        ]
    for text in forms:
        assert duration_seconds(text) == seconds, text
        assert re.match(DURATION_PATTERN, text), text
        assert bool(re.match(HOLD_PATTERN, text)) == (seconds <= 600 and not (minutes == 10 and secs)), text


@given(
    st.integers(1, 10),
    st.integers(1, 99),
    st.integers(0, 10),
    st.one_of(st.none(), st.integers(1, 600)),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_lighter_keeps_a_dose_valid_and_never_heavier(sets, reps, extra, hold, rpe):
    high = min(100, reps + extra) if extra else None
    d = Dose(sets=sets, reps=reps, reps_max=high, hold_seconds=hold, rpe=rpe, rest_seconds=30, notes="x")
    easy = lighter(d)
    assert 1 <= easy.sets <= d.sets and 1 <= easy.reps <= d.reps
    assert easy.reps_max is None or easy.reps < easy.reps_max <= d.reps_max
    assert easy.rest_seconds == 30 and easy.notes == "x"
    assert easy.rpe is None or easy.rpe <= rpe


@given(st.integers(1, 3600))
def test_a_timed_activity_is_shown_in_minutes_never_as_a_hold(seconds):
    text = Dose(duration_seconds=seconds).describe()
    assert "hold" not in text and ("min" in text or "s" in text)


# ------------------------------------------------------------------ the schema


def test_schema_is_current_with_the_library_and_topics():
    assert routine_schema() == current_schema(), "run write_schema() in backcare.content.schema"
    item = routine_schema()["definitions"]["prescription"]["properties"]
    assert item["id"]["examples"] == list(library())
    assert "staying-active" in routine_schema()["properties"]["topics"]["items"]["examples"]
    assert "pattern" in item["hold"]["anyOf"][0]  # a bad duration is reported as a duration problem


# ------------------------------------------------------------------ what a user sees


def test_notes_and_doses_are_shown_by_routine_show_and_the_plan(cli, tmp_path):
    cli("safety", "--none")  # exercises are offered once the safety questions are answered
    path = tmp_path / "r.yaml"
    path.write_text(
        HEAD
        + "      - {id: bird-dog, sets: 2, reps: 8-12, rest: 45, notes: Keep your hips level.}\n"
        + "      - {id: walk-easy, duration: 20 min, rpe: 4}\n"
    )
    assert cli("routine", "import", str(path)).exit_code == 0
    shown = cli("routine", "show", env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    assert "2 x 8-12 reps" in text and "rest 45s" in text and "Keep your hips level." in text
    assert "20 min, effort 4/10" in text
    data = cli.json("routine", "show", "--json")
    [bird, walk] = data["exercises"]
    assert bird["notes"] == "Keep your hips level." and bird["reps_max"] == 12 and bird["rest_seconds"] == 45
    assert walk["duration_seconds"] == 1200 and walk["rpe"] == 4
    assert json.dumps(data)


def test_starter_file_shows_the_new_fields():
    from backcare.content.starter import starter_routine_text

    text = starter_routine_text()
    for field in ("duration:", "rest:", "rpe:", "tempo:", "load:", "notes:", "8-12"):
        assert field in text, field
    assert load_routine_text(text, "starter.yaml")


# ------------------------------------------------------------------ files written before these fields

ROOT = Path(__file__).resolve().parents[1]
OK = sorted((ROOT / "tests" / "routines" / "ok").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples" / "routines").glob("*.yaml"))


def test_there_are_older_routine_files_to_check():
    assert len(OK) >= 4


@pytest.mark.parametrize("path", OK + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_routine_file_keeps_working(path):
    from backcare.content import lint_routine_file, load_yaml

    checked = lint_routine_file(path)
    assert checked.problems == [] and checked.routine is not None
    assert not [w for w in checked.warnings if "one side at a time" in w.message]
    lib = library()
    for stage in checked.routine.stages:
        for item in stage.exercises:
            text = item.dose.describe()
            if item.exercise in lib and lib[item.exercise].dose.duration_seconds:
                assert item.dose.duration_seconds and "hold" not in text, (item.exercise, text)
    jsonschema = pytest.importorskip("jsonschema")
    data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    assert list(jsonschema.Draft7Validator(routine_schema()).iter_errors(data)) == []


def test_examples_use_the_new_fields_where_a_physio_would():
    text = "".join(p.read_text(encoding="utf-8") for p in EXAMPLES)
    for field in ("duration:", "rest:", "rpe:", "tempo:", "load:", "notes:"):
        assert field in text, field
    assert re.search(r"reps: \d+-\d+", text)
    assert not re.search(r"walk-\w+, (reps: 1, )?hold:", text)


def test_today_shows_the_physios_notes(cli, tmp_path):
    cli("safety", "--none")  # exercises are offered once the safety questions are answered
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + "      - {id: bird-dog, notes: Keep your hips level.}\n")
    assert cli("routine", "import", str(path)).exit_code == 0
    shown = cli("today", env={"COLUMNS": "60"})
    assert shown.exit_code == 0
    assert "Keep your hips level." in " ".join(shown.output.split())
    data = cli.json("today", "--json")
    assert data["progression"]["exercises"][0]["notes"] == "Keep your hips level."


def test_notes_are_shown_as_written_not_as_markup(cli, tmp_path):
    cli("safety", "--none")  # exercises are offered once the safety questions are answered
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + '      - {id: bird-dog, notes: "[bold]Keep[/bold] your hips level."}\n')
    assert cli("routine", "import", str(path)).exit_code == 0
    shown = cli("routine", "show", env={"COLUMNS": "200"})
    assert "[bold]Keep[/bold] your hips level." in shown.output


@pytest.mark.parametrize("written", ["8-12", '"8-12"', "'8-12'"])
def test_a_reps_range_may_be_quoted_or_not(written):
    assert (dose(f"{{id: bird-dog, reps: {written}}}").reps_max) == 12
