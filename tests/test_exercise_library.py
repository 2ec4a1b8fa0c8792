"""Validation tests for the backcare exercise library (data/exercises.yaml)."""

import re
from pathlib import Path

import pytest
import yaml

LIBRARY_PATH = Path(__file__).resolve().parents[1] / "data" / "exercises.yaml"

ALLOWED_KEYS = {
    "id",
    "name",
    "category",
    "summary",
    "steps",
    "cues",
    "mistakes",
    "dose",
    "easier",
    "harder",
    "equipment",
    "cautions",
}
CATEGORIES = {"mobility", "control", "strength"}
DOSE_KEYS = {"sets", "reps", "hold", "duration", "side"}  # duration: a timed activity, instead of reps and hold
DOSE_INT_RANGES = {"sets": (1, 10), "reps": (1, 100), "hold": (1, 600)}
SIDES = {"both", "each", "left", "right"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_EXERCISES = 30
MIN_PER_CATEGORY = 8


@pytest.fixture(scope="module")
def raw_text():
    return LIBRARY_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def library(raw_text):
    return yaml.safe_load(raw_text)


@pytest.fixture(scope="module")
def exercises(library):
    assert isinstance(library, dict), "top level must be a mapping"
    items = library.get("exercises")
    assert isinstance(items, list), "'exercises' must be a list"
    assert all(isinstance(e, dict) for e in items), "each exercise must be a mapping"
    return items


@pytest.fixture(scope="module")
def by_id(exercises):
    return {e["id"]: e for e in exercises}


def _is_int(value):
    # bool is a subclass of int in Python; reject it explicitly.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_nonempty_str(value):
    return isinstance(value, str) and value.strip() != ""


# --------------------------------------------------------------- structure


def test_top_level_key_is_exactly_exercises(library):
    assert isinstance(library, dict)
    assert set(library) == {"exercises"}


def test_every_entry_has_exactly_the_allowed_keys(exercises):
    for e in exercises:
        keys = set(e)
        missing = ALLOWED_KEYS - keys
        unknown = keys - ALLOWED_KEYS
        assert not missing, f"{e.get('id')}: missing keys {sorted(missing)}"
        assert not unknown, f"{e.get('id')}: unknown keys {sorted(unknown)}"


def test_ids_are_kebab_case_strings(exercises):
    for e in exercises:
        assert isinstance(e["id"], str), f"id {e['id']!r} is not a string"
        assert ID_RE.match(e["id"]), f"id {e['id']!r} is not kebab-case"


def test_ids_are_unique(exercises):
    ids = [e["id"] for e in exercises]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"


def test_categories_are_valid(exercises):
    for e in exercises:
        assert e["category"] in CATEGORIES, f"{e['id']}: bad category {e['category']!r}"


def test_library_size_and_category_balance(exercises):
    assert len(exercises) >= MIN_EXERCISES
    for category in sorted(CATEGORIES):
        count = sum(1 for e in exercises if e["category"] == category)
        assert count >= MIN_PER_CATEGORY, f"only {count} {category} exercises"


# ----------------------------------------------------------------- content


def test_name_and_summary_are_nonempty_strings(exercises):
    for e in exercises:
        assert _is_nonempty_str(e["name"]), f"{e['id']}: bad name"
        assert _is_nonempty_str(e["summary"]), f"{e['id']}: bad summary"


def test_summary_under_100_characters(exercises):
    for e in exercises:
        assert len(e["summary"]) < 100, f"{e['id']}: summary is {len(e['summary'])} chars"


def test_steps_are_3_to_7_nonempty_strings(exercises):
    for e in exercises:
        steps = e["steps"]
        assert isinstance(steps, list), f"{e['id']}: steps must be a list"
        assert 3 <= len(steps) <= 7, f"{e['id']}: {len(steps)} steps"
        for step in steps:
            assert _is_nonempty_str(step), f"{e['id']}: bad step {step!r}"


def test_steps_have_no_leading_numbers(exercises):
    for e in exercises:
        for step in e["steps"]:
            assert not re.match(r"^\s*\d+[.):]", step), f"{e['id']}: numbered step {step!r}"


@pytest.mark.parametrize("field, max_len", [("cues", 4), ("mistakes", 4), ("cautions", 3)])
def test_text_lists_are_nonempty_lists_of_strings(exercises, field, max_len):
    for e in exercises:
        items = e[field]
        assert isinstance(items, list), f"{e['id']}: {field} must be a list"
        assert 1 <= len(items) <= max_len, f"{e['id']}: {len(items)} {field}"
        for item in items:
            assert _is_nonempty_str(item), f"{e['id']}: bad {field} item {item!r}"


def test_equipment_is_a_list_of_strings(exercises):
    for e in exercises:
        equipment = e["equipment"]
        assert isinstance(equipment, list), f"{e['id']}: equipment must be a list"
        for item in equipment:
            assert _is_nonempty_str(item), f"{e['id']}: bad equipment {item!r}"


# -------------------------------------------------------------------- dose


def test_dose_keys_and_ranges(exercises):
    for e in exercises:
        dose = e["dose"]
        assert isinstance(dose, dict), f"{e['id']}: dose must be a mapping"
        unknown = set(dose) - DOSE_KEYS
        assert not unknown, f"{e['id']}: unknown dose keys {sorted(unknown)}"
        timed = "duration" in dose
        assert "sets" in dose and ("reps" in dose) != timed, f"{e['id']}: dose needs sets, and reps or a duration"
        assert not (timed and "hold" in dose), f"{e['id']}: a timed activity has no hold"
        for key, (low, high) in DOSE_INT_RANGES.items():
            if key in dose:
                value = dose[key]
                assert _is_int(value), f"{e['id']}: dose.{key} must be an int, got {value!r}"
                assert low <= value <= high, f"{e['id']}: dose.{key}={value} out of range"
        if "side" in dose:
            assert dose["side"] in SIDES, f"{e['id']}: bad dose.side {dose['side']!r}"


def test_int_check_rejects_bool():
    # Guard for the helper itself: YAML 1.1 turns "yes"/"on" into True.
    assert not _is_int(True)
    assert not _is_int(False)
    assert not _is_int("10")
    assert _is_int(10)


# ------------------------------------------------------------- progression


def test_easier_and_harder_resolve_to_existing_ids(exercises, by_id):
    for e in exercises:
        for field in ("easier", "harder"):
            target = e[field]
            if target is None:
                continue
            assert isinstance(target, str), f"{e['id']}: {field} must be an id or null"
            assert target in by_id, f"{e['id']}: {field} points to unknown id {target!r}"


def test_no_exercise_is_its_own_progression(exercises):
    for e in exercises:
        assert e["easier"] != e["id"], f"{e['id']}: easier points to itself"
        assert e["harder"] != e["id"], f"{e['id']}: harder points to itself"


def test_progressions_are_symmetric(exercises, by_id):
    for e in exercises:
        if e["harder"] is not None:
            other = by_id[e["harder"]]
            assert other["easier"] == e["id"], (
                f"{e['id']}.harder is {other['id']} but {other['id']}.easier is {other['easier']!r}"
            )
        if e["easier"] is not None:
            other = by_id[e["easier"]]
            assert other["harder"] == e["id"], (
                f"{e['id']}.easier is {other['id']} but {other['id']}.harder is {other['harder']!r}"
            )


@pytest.mark.parametrize("field", ["harder", "easier"])
def test_progression_chains_have_no_cycles(exercises, by_id, field):
    for start in exercises:
        seen = {start["id"]}
        current = start[field]
        while current is not None:
            assert current not in seen, f"cycle in {field} chain from {start['id']} at {current}"
            seen.add(current)
            current = by_id[current][field]


# ------------------------------------------------------- YAML portability


def _scalar_nodes(node):
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _scalar_nodes(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalar_nodes(key)
            yield from _scalar_nodes(value)


def test_every_string_field_is_a_str(exercises):
    # Catches YAML 1.1 surprises such as an unquoted "no", "on" or "1:30".
    string_fields = ("id", "name", "category", "summary")
    list_fields = ("steps", "cues", "mistakes", "cautions", "equipment")
    for e in exercises:
        for field in string_fields:
            assert isinstance(e[field], str), f"{e.get('id')}: {field}={e[field]!r} is not a str"
        for field in list_fields:
            for item in e[field]:
                assert isinstance(item, str), f"{e['id']}: {field} item {item!r} is not a str"
        for field in ("easier", "harder"):
            assert e[field] is None or isinstance(e[field], str)
        if "side" in e["dose"]:
            assert isinstance(e["dose"]["side"], str)


def test_scalars_mean_the_same_in_yaml_1_1_and_1_2(raw_text):
    # Implicitly typed scalars must be ones that YAML 1.1 and 1.2 agree on:
    # plain decimal ints and the word null. No bools, floats, timestamps,
    # octal or sexagesimal numbers.
    root = yaml.compose(raw_text)
    for node in _scalar_nodes(root):
        if node.style is not None:  # quoted or block scalar -> always a string
            continue
        where = f"line {node.start_mark.line + 1}: {node.value!r}"
        if node.tag == "tag:yaml.org,2002:int":
            assert re.fullmatch(r"0|[1-9][0-9]*", node.value), f"non-portable int at {where}"
        elif node.tag == "tag:yaml.org,2002:null":
            assert node.value == "null", f"write null explicitly at {where}"
        else:
            assert node.tag == "tag:yaml.org,2002:str", f"non-portable scalar {node.tag} at {where}"


def test_no_anchors_aliases_or_tabs(raw_text):
    assert "\t" not in raw_text, "tabs are not allowed"
    for event in yaml.parse(raw_text):
        assert not isinstance(event, yaml.AliasEvent), "aliases are not allowed"
        anchor = getattr(event, "anchor", None)
        assert anchor is None, f"anchor &{anchor} is not allowed"
