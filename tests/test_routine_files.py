"""Routine files: the validator, the broken fixtures, the JSON Schema kept in step, the bundled and example
routines, and the `routine check|schema|new` commands.

Broken fixtures live in tests/routines/broken/*.yaml. Each starts with header comments:
    # expect: LINE:COL message fragment      (one line per expected problem, in order; the count must match)
    # schema: valid                          the JSON Schema accepts it (a cross-reference check it cannot express)
    # schema: n/a                            not readable YAML data, so the schema does not apply
Without a `# schema:` line the JSON Schema must reject the file too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backcare.cli.app import BackcareGroup
from backcare.cli.routine_files import check, new, schema
from backcare.content import (
    Problem,
    bundled_routine,
    bundled_routine_names,
    bundled_routine_text,
    check_routine_file,
    check_routine_text,
    checks,
    library,
    load_routine_file,
    load_routine_text,
    load_yaml,
    routine_schema,
    routine_schema_text,
    yamlsafe,
)
from backcare.content import exercises as library_module
from backcare.content import routines as routines_module
from backcare.domain.routine import CATEGORIES, SIDES, Dose, Routine
from backcare.errors import ContentError

ROOT = Path(__file__).resolve().parents[1]
BROKEN = sorted((ROOT / "tests" / "routines" / "broken").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples" / "routines").glob("*.yaml"))
BUNDLED = sorted((ROOT / "data" / "routines").glob("*.yaml"))
VALID_FILES = EXAMPLES + BUNDLED

EXPECT_RE = re.compile(r"^# expect: (\d+):(\d+) (.+)$", re.M)
SCHEMA_RE = re.compile(r"^# schema: (valid|n/a)\b", re.M)

MINIMAL = """\
format: backcare-routine/1
name: Minimal
stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {id: cat-camel}
"""


def problems_of(text: str) -> list[Problem]:
    routine, problems = check_routine_text(text, "r.yaml")
    assert (routine is None) == bool(problems)
    return problems


def messages(text: str) -> list[str]:
    return [f"{p.line}:{p.column} {p.message}" for p in problems_of(text)]


@pytest.fixture
def runner_app():
    app = typer.Typer(cls=BackcareGroup, pretty_exceptions_enable=False)
    app.command("check")(check)
    app.command("schema")(schema)
    app.command("new")(new)
    return app


@pytest.fixture
def run(runner_app):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(runner_app, list(args), input=input)

    return invoke


# ------------------------------------------------------------------ the broken fixtures


def test_there_are_enough_broken_fixtures():
    assert len(BROKEN) >= 30


@pytest.mark.parametrize("backend", [None, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_fixture_reports_exactly_the_expected_problems(path, backend, monkeypatch):
    monkeypatch.setattr(yamlsafe, "USE_LIBYAML", backend)
    expected = EXPECT_RE.findall(path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} has no '# expect:' header"
    routine, problems = check_routine_file(path)
    assert routine is None
    got = [f"{p.line}:{p.column} {p.message}" for p in problems]
    assert len(problems) == len(expected), got
    for problem, (line, column, fragment) in zip(problems, expected):
        assert (problem.line, problem.column) == (int(line), int(column)), got
        assert fragment in problem.message, got
        assert problem.path == str(path)
        assert str(problem) == f"{path}:{line}:{column}: {problem.message}"


def test_load_routine_text_raises_with_first_problem_and_count():
    text = MINIMAL.replace("{id: cat-camel}", "{id: cat-camel, sets: 0, reps: 0, side: no}")
    with pytest.raises(ContentError) as info:
        load_routine_text(text, "r.yaml")
    assert info.value.message == "r.yaml:7:31: sets must be from 1 to 10 (got 0) (and 2 more problems)"
    with pytest.raises(ContentError, match=r"\(and 1 more problem\)$"):
        load_routine_text(text.replace(", side: no", ""), "r.yaml")
    with pytest.raises(ContentError, match=r"^r.yaml:7:31: sets must be from 1 to 10 \(got 0\)$"):
        load_routine_text(text.replace(", side: no", "").replace(", reps: 0", ""), "r.yaml")


# ------------------------------------------------------------------ what a valid routine means


def test_default_routine_loads_into_three_stages():
    routine = load_routine_text(bundled_routine_text("default"), "default.yaml")
    assert isinstance(routine, Routine)
    assert [s.id for s in routine.stages] == ["mobility", "control", "strength"]
    assert 1 <= routine.per_week <= 14 and routine.topics
    assert all(stage.advance is not None for stage in routine.stages[:-1])
    assert routine.stages[-1].advance is None
    assert all(stage.exercises for stage in routine.stages)
    assert all(p.exercise in library() for stage in routine.stages for p in stage.exercises)
    assert bundled_routine("default") == routine
    assert "default" in bundled_routine_names()


def test_dose_falls_back_to_the_library_then_to_defaults():
    text = MINIMAL.replace(
        "{id: cat-camel}", "{id: knee-to-chest}\n      - {id: bird-dog, reps: 8}\n      - {id: cat-camel, side: left}"
    )
    routine = load_routine_text(text)
    doses = {p.exercise: p.dose for p in routine.stages[0].exercises}
    assert doses["knee-to-chest"] == library()["knee-to-chest"].dose == Dose(1, 3, 20, "each")
    assert doses["bird-dog"] == Dose(sets=3, reps=8, hold_seconds=5, side="each")
    assert doses["cat-camel"] == Dose(sets=1, reps=10, hold_seconds=None, side="left")


def test_custom_exercise_without_a_dose_defaults_to_one_set_of_one():
    text = MINIMAL + (
        "exercises:\n"
        "  - id: wall-slide\n    name: Wall slide\n    category: strength\n"
        "    steps: [Stand at a wall, Slide down a little, Slide back up]\n"
    )
    text = text.replace("{id: cat-camel}", "{id: wall-slide}\n      - {id: cat-camel}")
    routine = load_routine_text(text)
    assert routine.exercises[0].id == "wall-slide" and routine.exercises[0].category == "strength"
    assert routine.stages[0].exercises[0].dose == Dose(1, 1, None, "both")


@pytest.mark.parametrize(
    "hold, seconds",
    [
        ("20", 20),
        ("010", 10),
        ('"20s"', 20),
        ("1m", 60),
        ("1m30s", 90),
        ("90s", 90),
        ("10m", 600),
        ("600", 600),
        ("2.0", 2),
        ("9m59s", 599),
        ("1m0s", 60),
        ("30 sec", 30),
        ('"10 min"', 600),
        ("1m30", 90),
        ("1 min 30 sec", 90),
        ("2 minutes", 120),
    ],
)
def test_hold_forms(hold, seconds):
    routine = load_routine_text(MINIMAL.replace("{id: cat-camel}", f"{{id: cat-camel, hold: {hold}}}"))
    assert routine.stages[0].exercises[0].dose.hold_seconds == seconds


@pytest.mark.parametrize(
    "hold, fragment",
    [
        ("1:30", "must be seconds"),
        ("0", "from 1 second to 10 minutes (got 0 seconds)"),
        ("10m1s", "got 601 seconds"),
        ("1m75s", "must be seconds"),
        ("20 s", "must be seconds"),
        ("true", "got true"),
        ("-5", "got -5 seconds"),
        ("[20]", "got a list"),
        ("1h", "must be seconds"),
        ("1m30x", "must be seconds"),
        ("11 min", "got 660 seconds"),
        ("007s", "must be seconds"),
    ],
)
def test_hold_mistakes(hold, fragment):
    (problem,) = problems_of(MINIMAL.replace("{id: cat-camel}", f"{{id: cat-camel, hold: {hold}}}"))
    assert fragment in problem.message


def test_every_problem_is_found_in_one_pass():
    text = """\
format: backcare-routine/1
name: Many problems
per_week: 20
topics: [staying-activ]
stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {id: cat-camle, sets: 11}
      - {id: pelvic-tilt, side: no}
    advance: {days: 0}
  - id: control
    nam: Build control
    exercises:
      - {id: glute-bridge, hold: 1:30}
"""
    got = messages(text)
    assert got == [
        "3:11 per_week must be from 1 to 14 (got 20)",
        '4:10 unknown topic "staying-activ" (did you mean "staying-active"?)',
        '9:14 unknown exercise "cat-camle" (did you mean "cat-camel"?)',
        "9:31 sets must be from 1 to 10 (got 11)",
        '10:33 side must be one of both, each, left, right (got "no")',
        "11:21 days must be from 1 to 365 (got 0)",
        "12:5 stage \"control\" is missing 'name'",
        '13:5 unknown key "nam" (did you mean "name"?)',
        '15:34 hold must be seconds (like 20) or a duration like "45s", "1m" or "1m30s" (got "1:30")',
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys():
    (problem,) = problems_of(MINIMAL.replace("{id: cat-camel}", "{id: cat-camel, wobble: 5}"))
    assert (
        problem.message
        == 'unknown key "wobble" (allowed here: id, sets, reps, hold, duration, side, rest, rpe, tempo, load, notes)'
    )


def test_unknown_format_without_a_close_match():
    (problem,) = problems_of(MINIMAL.replace("backcare-routine/1", "'1'"))
    assert problem.message == 'unknown format "1" (this backcare reads backcare-routine/1)'
    (problem,) = problems_of(MINIMAL.replace("backcare-routine/1", "1"))
    assert problem.message == "format must be backcare-routine/1 (got 1)"


def test_topics_are_checked_against_the_education_file(monkeypatch):
    text = MINIMAL + "topics: [not-a-topic]\n"
    assert "unknown topic" in problems_of(text)[0].message
    # When the education file cannot be read, topic ids are only checked for their form.
    monkeypatch.setattr(routines_module, "topic_ids", lambda: None)
    assert problems_of(text) == []
    assert "lowercase id" in problems_of(MINIMAL + "topics: [Not A Topic]\n")[0].message


def test_every_topic_in_shipped_routines_exists():
    known = library_module.topic_ids()
    assert known, "data/education.yaml could not be read"
    for path in VALID_FILES:
        routine = load_routine_file(path)
        assert set(routine.topics) <= known


# ------------------------------------------------------------------ files


def test_check_routine_file_reports_unreadable_files_at_1_1(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert check_routine_file(missing) == (None, [Problem(str(missing), 1, 1, "no such file")])
    routine, problems = check_routine_file(tmp_path)
    assert routine is None and problems[0].message == "this is a folder, not a routine file"
    assert (problems[0].line, problems[0].column) == (1, 1)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind")
def test_check_routine_file_unreadable(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(MINIMAL)
    path.chmod(0)
    try:
        _, problems = check_routine_file(path)
    finally:
        path.chmod(0o600)
    assert problems == [Problem(str(path), 1, 1, "cannot read the file: permission denied")]


def test_bom_and_crlf_file_is_accepted(tmp_path):
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    routine, problems = check_routine_file(path)
    assert problems == [] and routine.name == "Minimal"


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Minimal", "Caf\xe9").encode("latin-1"))
    _, problems = check_routine_file(path)
    assert [(p.line, p.column) for p in problems] == [(2, 10)]
    assert "not UTF-8" in problems[0].message


def test_three_megabyte_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(MINIMAL.encode())
        handle.write(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    _, problems = check_routine_file(path)
    assert len(problems) == 1
    assert problems[0].message.startswith("the file is too large (3.0 MB; the limit is 2 MB)")


def test_alias_bomb_fixture_is_refused_at_the_first_anchor(yaml_work):
    _, problems = check_routine_file(ROOT / "tests" / "routines" / "broken" / "alias-bomb.yaml")
    assert yaml_work.parsers == 1 and yaml_work.events <= 10  # nothing past the first anchor is read
    assert "anchors" in problems[0].message


def test_deeply_nested_document_is_a_problem():
    text = MINIMAL + "description: " + "[" * 5000 + "]" * 5000 + "\n"
    (problem,) = problems_of(text)
    assert "nested more than 50 levels" in problem.message


# ------------------------------------------------------------------ the library and bundled data


def test_library_is_read_through_the_strict_loader():
    lib = library()
    count = len(lib)
    assert count >= 50
    assert lib["cat-camel"].category in CATEGORIES
    assert all(ex.dose.side in SIDES for ex in lib.values())
    assert lib["bird-dog"].dose == Dose(3, 6, 5, "each")
    assert lib["dead-bug"].easier == "dead-bug-heel-slide"
    lib.clear()  # a copy: the cached library is not changed
    assert len(library()) == count


def test_unknown_bundled_routine_name():
    with pytest.raises(ContentError, match='no built-in routine "defualt" \\(did you mean "default"\\?\\)'):
        bundled_routine_text("defualt")
    with pytest.raises(ContentError, match="built-in routines: default"):
        bundled_routine_text("../exercises")


def test_data_dir_falls_back_to_the_repository_in_a_development_install():
    from backcare.content.data import data_dir

    assert (data_dir() / "exercises.yaml").is_file()
    assert (data_dir() / "routine.schema.json").is_file()


# ------------------------------------------------------------------ the JSON Schema, in step with the validator


def _validator():
    import jsonschema  # a test dependency: missing, it fails the tests instead of skipping them

    schema = routine_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_schema_is_draft_07_with_descriptions_and_closed_objects():
    schema = routine_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert json.loads(routine_schema_text()) == schema

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, path
                for name, prop in node.get("properties", {}).items():
                    assert "description" in prop or "$ref" in prop, f"{path}.{name} has no description"
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "$")
    for name, definition in schema["definitions"].items():
        assert "description" in definition, name


def test_schema_limits_match_the_validator():
    s = routine_schema()
    d = s["definitions"]
    item = d["prescription"]["properties"]
    assert (item["sets"]["minimum"], item["sets"]["maximum"]) == library_module.SETS
    assert (item["reps"]["anyOf"][0]["minimum"], item["reps"]["anyOf"][0]["maximum"]) == library_module.REPS
    # the text form first, so an editor reports a bad duration as a duration problem
    assert (item["hold"]["anyOf"][1]["minimum"], item["hold"]["anyOf"][1]["maximum"]) == library_module.HOLD
    assert item["hold"]["anyOf"][0]["pattern"] == checks.HOLD_PATTERN
    assert item["duration"]["anyOf"][0]["pattern"] == checks.DURATION_PATTERN
    assert (item["duration"]["anyOf"][1]["minimum"], item["duration"]["anyOf"][1]["maximum"]) == library_module.DURATION
    assert (item["rest"]["anyOf"][1]["minimum"], item["rest"]["anyOf"][1]["maximum"]) == library_module.REST
    assert (item["rpe"]["minimum"], item["rpe"]["maximum"]) == library_module.RPE
    assert item["reps"]["anyOf"][1]["pattern"] == library_module.REPS_RANGE_PATTERN
    for key, limit in (("tempo", "TEMPO_MAX"), ("load", "LOAD_MAX"), ("notes", "NOTES_MAX")):
        assert item[key]["maxLength"] == getattr(library_module, limit)
    assert set(d["exercise"]["properties"]["dose"]["properties"]) == set(library_module.DOSE_KEYS)
    assert tuple(item["side"]["enum"]) == SIDES
    assert tuple(d["exercise"]["properties"]["category"]["enum"]) == CATEGORIES
    assert d["stage"]["properties"]["id"]["pattern"] == checks.ID_PATTERN
    assert set(s["properties"]) == set(routines_module.TOP_KEYS)
    assert set(d["stage"]["properties"]) == set(routines_module.STAGE_KEYS)
    assert set(item) == set(routines_module.ITEM_KEYS)
    assert set(d["advance"]["properties"]) == set(routines_module.ADVANCE_KEYS)
    prog = d["progression"]["properties"]
    assert tuple(prog) == routines_module.PROGRESSION_KEYS
    for key, (low, high) in routines_module.PROGRESSION_RANGES.items():
        assert (prog[key]["minimum"], prog[key]["maximum"]) == (low, high), key
    assert prog["min_session_share"]["pattern"] == routines_module.SHARE_PATTERN
    assert d["stage"]["properties"]["advance"]["anyOf"][1]["const"] == routines_module.ADVANCE_MANUAL
    assert set(d["exercise"]["properties"]) == set(library_module.EXERCISE_KEYS)
    assert tuple(d["exercise"]["required"]) == library_module.EXERCISE_REQUIRED
    assert tuple(s["required"]) == routines_module.TOP_REQUIRED
    assert (s["properties"]["per_week"]["minimum"], s["properties"]["per_week"]["maximum"]) == routines_module.PER_WEEK
    assert s["properties"]["format"]["const"] == "backcare-routine/1"


@pytest.mark.parametrize("path", BROKEN + VALID_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_schema_agrees_with_the_validator(path):
    validator = _validator()
    text = path.read_text(encoding="utf-8")
    mode = (SCHEMA_RE.search(text) or [None, None])[1]
    routine, _ = check_routine_file(path)
    data, yaml_problems = load_yaml(text, str(path))
    if mode == "n/a":
        assert routine is None and yaml_problems, "a '# schema: n/a' fixture must be unreadable YAML"
        return
    errors = [e.message for e in validator.iter_errors(data)]
    if routine is not None or mode == "valid":
        assert errors == [], f"the schema rejects {path.name} but backcare accepts it (or marks it valid)"
    else:
        assert errors, f"backcare rejects {path.name} but the schema accepts it"


# Validator messages for checks the JSON Schema cannot express (they need the library, the education topics,
# or comparing ids).
CROSS_REFERENCE = (
    "unknown exercise",
    "unknown topic",
    "duplicate stage id",
    "duplicate exercise id",
    "is already an exercise in the library",
    "is already in this stage",
    "cannot be the exercise itself",
    "duplicate key",
    "has no advance rule",  # which stage is the last one
    "must be at most 1",  # a fraction's two numbers compared
    "written backwards",  # a reps range's two numbers compared
    "same number twice",
    "is a timed activity",  # the exercise's own dose
    "give a duration or a hold, not both",
)

BASE = {
    "format": "backcare-routine/1",
    "name": "Base",
    "author": "A. Physio",
    "description": "Text.",
    "per_week": 5,
    "topics": ["staying-active"],
    "exercises": [
        {
            "id": "wall-slide",
            "name": "Wall slide",
            "category": "strength",
            "summary": "Slide down a wall.",
            "steps": ["Stand at a wall", "Slide down", "Slide up"],
            "cues": ["Breathe"],
            "mistakes": ["Rushing"],
            "dose": {"sets": 2, "reps": 5, "hold": 10, "side": "both"},
            "easier": None,
            "harder": "sit-to-stand",
            "equipment": ["wall"],
            "cautions": ["Stop if it hurts more"],
        }
    ],
    "stages": [
        {
            "id": "one",
            "name": "One",
            "exercises": [
                {"id": "cat-camel", "sets": 2, "reps": 10, "hold": "20s", "side": "each"},
                {"id": "wall-slide"},
            ],
            "advance": {"sessions": 6, "days": 10, "max_pain_during": 5},
        },
        {
            "id": "two",
            "name": "Two",
            "exercises": [
                {"id": "bird-dog", "hold": 5, "reps": "8-12", "rest": 60, "rpe": 6, "tempo": "3-1-1", "notes": "x"},
                {"id": "walk-easy", "duration": "10 min", "load": "light pack"},
            ],
        },
    ],
}

INTERESTING = st.one_of(
    st.sampled_from(
        [
            -1,
            0,
            1,
            2,
            5,
            10,
            11,
            14,
            15,
            40,
            99,
            100,
            101,
            365,
            366,
            600,
            601,
            2.0,
            2.5,
            True,
            False,
            None,
            "",
            " ",
            "no",
            "yes",
            "on",
            "1:30",
            "20s",
            "0s",
            "8-12",
            "12-8",
            "5-5",
            "10 min",
            "61 min",
            "30 sec",
            "1m30",
            "1m",
            "1m30s",
            "10m",
            "10m1s",
            "11m",
            "1m60s",
            "both",
            "each",
            "left",
            "right",
            "mobility",
            "control",
            "strength",
            "core",
            "cat-camel",
            "Cat Camel",
            "a" * 41,
            "x" * 81,
            "y" * 100,
            "backcare-routine/1",
            "backcare-routine/2",
            "staying-active",
            "wall-slide",
            [],
            ["a"],
            ["a", "a"],
            {},
            {"sets": 1},
            {"x": 1},
        ]
    ),
    st.integers(-1000, 1000),
    st.text(max_size=12),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


ALL_PATHS = [p for p in _paths(BASE) if p]


def _mutate(doc, path, op, value):
    import copy

    doc = copy.deepcopy(doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "add-key" and isinstance(parent, dict):
        parent[f"{last}x"] = value
    return doc


@pytest.mark.slow  # 300 schema validations; test_schema_agrees_with_the_validator is the fast check
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["replace", "delete", "add-key"]), INTERESTING),
        min_size=1,
        max_size=3,
    )
)
def test_schema_and_validator_agree_on_mutated_routines(mutations):
    validator = _validator()
    doc = BASE
    for path, op, value in mutations:
        try:
            doc = _mutate(doc, path, op, value)
        except (KeyError, IndexError, TypeError):
            pass  # the path no longer exists after an earlier mutation
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    routine, problems = check_routine_text(text, "m.yaml")
    data, yaml_problems = load_yaml(text, "m.yaml")
    assert yaml_problems == []
    schema_ok = not any(True for _ in validator.iter_errors(data))
    structural = [p for p in problems if not any(f in p.message for f in CROSS_REFERENCE)]
    if structural:
        assert not schema_ok, f"backcare: {[p.message for p in structural]}; the schema accepts:\n{text}"
    else:
        assert schema_ok, f"the schema rejects what backcare accepts:\n{text}\n" + "\n".join(
            e.message for e in validator.iter_errors(data)
        )


# ------------------------------------------------------------------ fuzzing: no exception escapes

YAMLISH = st.lists(
    st.sampled_from(
        [
            "format",
            "name",
            "stages",
            "exercises",
            "id",
            "sets",
            "reps",
            "hold",
            "side",
            "advance",
            "topics",
            ":",
            ": ",
            "-",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&a",
            "*a",
            "!!int",
            "!!python/name:x",
            "!",
            "?",
            "|",
            ">",
            "'",
            '"',
            "#",
            "---",
            "...",
            "\n",
            "\r\n",
            "\t",
            "  ",
            "    ",
            "no",
            "1:30",
            "010",
            "0x1",
            ".inf",
            "~",
            "null",
            "cat-camel",
            "backcare-routine/1",
            "%YAML 1.2\n",
            "<<",
            "\ufeff",
            "é",
            "\x00",
            "\x85",
            "\u2028",
            "9" * 5000,
        ]
    ),
    max_size=60,
).map("".join)


def _assert_only_problems(text):
    routine, problems = check_routine_text(text, "f.yaml")
    assert (routine is None) == bool(problems)
    for p in problems:
        assert isinstance(p, Problem) and p.line >= 1 and p.column >= 1 and p.message
        assert "\n" not in p.message


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_any_text(text):
    _assert_only_problems(text)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_fuzz_yaml_like_text(text):
    _assert_only_problems(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_bytes(raw):
    text, problems = yamlsafe.decode(raw, "b.yaml")
    if text is not None:
        _assert_only_problems(text)
    else:
        assert problems


KEYS = st.sampled_from(
    list(
        routines_module.TOP_KEYS
        + routines_module.STAGE_KEYS
        + routines_module.ITEM_KEYS
        + routines_module.ADVANCE_KEYS
        + library_module.EXERCISE_KEYS
    )
) | st.text(max_size=8)
SCALARS = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=20)
DOCS = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=30
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_fuzz_random_documents(doc):
    _assert_only_problems(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(routines_module.TOP_KEYS), DOCS, max_size=8))
def test_fuzz_routine_shaped_documents(doc):
    doc = {"format": "backcare-routine/1", **doc}
    _assert_only_problems(yaml.safe_dump(doc, allow_unicode=True, default_flow_style=True))


# ------------------------------------------------------------------ the commands


def test_check_passes_every_example_and_bundled_routine(run):
    assert len(EXAMPLES) >= 3
    result = run("check", *map(str, VALID_FILES))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(VALID_FILES)
    for path, line in zip(VALID_FILES, lines):
        assert re.fullmatch(rf"{re.escape(str(path))}: ok \(\d+ stages?, \d+ exercises?\)", line), line
    assert any(line.startswith(f"{ROOT / 'data' / 'routines' / 'default.yaml'}: ok (3 stages, ") for line in lines)


def test_examples_use_a_custom_exercise_and_the_modeline():
    assert any(load_routine_file(path).exercises for path in EXAMPLES)
    for path in EXAMPLES:
        assert path.read_text().startswith("# yaml-language-server: $schema=../../data/routine.schema.json\n")
        assert (path.parent / "../../data/routine.schema.json").resolve().is_file()
    for path in BUNDLED:
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../routine.schema.json"


def test_check_prints_every_problem_and_exits_1(run):
    broken = [str(p) for p in BROKEN[:3]]
    result = run("check", str(EXAMPLES[0]), *broken)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{EXAMPLES[0]}: ok (")
    for path in broken:
        assert any(re.match(rf"{re.escape(path)}:\d+:\d+: ", line) for line in lines), path


def test_check_missing_file(run, tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.output == f"{tmp_path / 'nope.yaml'}:1:1: no such file\n"


def test_check_reads_standard_input(run):
    result = run("check", "-", input=MINIMAL)
    assert result.exit_code == 0 and result.output == "<stdin>: ok (1 stage, 1 exercise)\n"
    result = run("check", "-", input=MINIMAL.replace("cat-camel", "cat-camle"))
    assert result.exit_code == 1
    assert result.output.startswith('<stdin>:7:14: unknown exercise "cat-camle"')


def test_check_needs_a_file(run):
    assert run("check").exit_code == 2


def test_schema_command_prints_the_shipped_schema(run):
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == routine_schema()


def test_new_writes_a_starter_that_passes_check_and_a_schema_beside_it(run, tmp_path):
    target = tmp_path / "desk-worker.yaml"
    result = run("new", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=routine.schema.json\n")
    assert json.loads((tmp_path / "routine.schema.json").read_text()) == routine_schema()
    routine = load_routine_file(target)
    assert routine.name == "Desk worker"
    assert routine.exercises, "the starter shows how to write a custom exercise"
    assert run("check", str(target)).exit_code == 0
    _validator().validate(load_yaml(text, "x")[0])


def test_new_refuses_to_overwrite_without_force(run, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("keep me\n")
    result = run("new", str(target))
    assert result.exit_code == 1
    assert "already exists: pass --force to overwrite it" in result.output
    assert target.read_text() == "keep me\n"
    result = run("new", str(target), "--force")
    assert result.exit_code == 0
    assert load_routine_file(target).name == "Mine"


def test_new_keeps_an_existing_schema_file_unless_forced(run, tmp_path):
    (tmp_path / "routine.schema.json").write_text("{}")
    result = run("new", str(tmp_path / "a.yaml"))
    assert result.exit_code == 0 and "Kept the existing" in result.output
    assert (tmp_path / "routine.schema.json").read_text() == "{}"
    assert run("new", str(tmp_path / "a.yaml"), "--force").exit_code == 0
    assert json.loads((tmp_path / "routine.schema.json").read_text()) == routine_schema()


def test_new_in_a_missing_folder(run, tmp_path):
    result = run("new", str(tmp_path / "no" / "such" / "r.yaml"))
    assert result.exit_code == 1 and "does not exist" in result.output


def test_starter_name_is_safe_yaml_for_odd_file_names(tmp_path):
    from backcare.content.starter import starter_name, starter_routine_text

    for stem in ["my: routine #1", "'quoted\"", "no", "010", "-", "x" * 200, "naïve_plan"]:
        routine = load_routine_text(starter_routine_text(starter_name(stem)))
        assert routine.name == starter_name(stem)[:80]


def test_routine_check_accepts_every_shipped_routine_file():
    """The real CLI checks the shipped files too."""
    from backcare.cli.app import app

    result = CliRunner().invoke(app, ["routine", "check", *map(str, VALID_FILES)])
    assert result.exit_code == 0, result.output


def test_importing_backcare_content_does_not_import_yaml():
    code = "import sys, backcare.content; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
