"""The bundled exercise library (data/exercises.yaml).

The package's own validator (backcare.content.exercises.parse, with its BUNDLED limits) decides what is valid;
these tests run it on the shipped file and on broken copies, and add checks of their own that the validator
does not make: the library's size and balance, unnumbered steps, symmetric progressions without cycles, and
YAML that means the same to every reader.
"""

import re
from pathlib import Path

import pytest
import yaml

from backcare.content import exercises as validator
from backcare.domain.routine import CATEGORIES
from backcare.errors import ContentError

LIBRARY_PATH = Path(__file__).resolve().parents[1] / "data" / "exercises.yaml"
MIN_EXERCISES = 30
MIN_PER_CATEGORY = 8


@pytest.fixture(scope="module")
def raw_text():
    return LIBRARY_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def by_id(raw_text):
    return validator.parse(raw_text, "exercises.yaml")


@pytest.fixture(scope="module")
def exercises(by_id):
    return list(by_id.values())


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def dump(data) -> str:
    """YAML text without anchors (which the validator refuses): each mutation is then the only problem."""
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------- the validator on the shipped file


def test_the_shipped_library_passes_the_package_validator(raw_text, by_id):
    assert list(by_id) == [e["id"] for e in yaml.safe_load(raw_text)["exercises"]]
    assert validator.library() == by_id


def test_the_bundled_house_style_is_within_what_any_exercise_may_be():
    bundled, custom = validator.BUNDLED, validator.CUSTOM
    assert bundled.summary_max <= custom.summary_max
    for field in ("steps", "cues", "mistakes", "cautions"):
        (lo, hi), (clo, chi) = getattr(bundled, field), getattr(custom, field)
        assert clo <= lo <= hi <= chi, field
    assert set(custom.required) <= set(bundled.required) == set(validator.EXERCISE_KEYS)


def _set(key, value):
    def mutate(e):
        e[key] = value

    return mutate


def _drop(key):
    def mutate(e):
        del e[key]

    return mutate


def _dose(**changes):
    def mutate(e):
        e["dose"] = {k: v for k, v in {**e["dose"], **changes}.items() if v is not None}

    return mutate


BROKEN = {
    "missing key": _drop("cautions"),
    "unknown key": _set("tags", ["x"]),
    "id not kebab-case": _set("id", "Cat_Camel"),
    "unknown category": _set("category", "cardio"),
    "empty name": _set("name", "  "),
    "summary of 100 characters": _set("summary", "x" * 100),
    "two steps": _set("steps", ["One.", "Two."]),
    "eight steps": _set("steps", [f"Step {i}." for i in "abcdefgh"]),
    "five cues": _set("cues", ["a", "b", "c", "d", "e"]),
    "no mistakes": _set("mistakes", []),
    "four cautions": _set("cautions", ["a", "b", "c", "d"]),
    "a step that is not text": _set("steps", ["One.", ["Two."], "Three."]),
    "dose without reps": _dose(reps=None),
    "dose sets as bool": _dose(sets=True),
    "dose reps too high": _dose(reps=101),
    "dose hold too long": _dose(hold=601),
    "dose with an unknown side": _dose(side="up"),
    "easier is itself": lambda e: e.update(easier=e["id"]),
    "harder is unknown": _set("harder", "moonwalk"),
}


@pytest.mark.parametrize("mutate", BROKEN.values(), ids=BROKEN.keys())
def test_the_validator_refuses_a_broken_library(raw_text, mutate):
    first = dict(yaml.safe_load(raw_text)["exercises"][0], easier=None, harder=None)
    assert validator.parse(dump({"exercises": [first]}), "exercises.yaml")  # valid alone, until mutated
    data = {"exercises": [first]}
    mutate(first)
    with pytest.raises(ContentError, match=r"exercises\.yaml:\d+:\d+") as refused:
        validator.parse(dump(data), "exercises.yaml")
    assert "anchors" not in str(refused.value)


def test_a_duplicate_id_is_refused(raw_text):
    data = yaml.safe_load(raw_text)
    data["exercises"].append(dict(data["exercises"][0], easier=None, harder=None))
    with pytest.raises(ContentError, match="duplicate exercise id"):
        validator.parse(dump(data), "exercises.yaml")


def test_a_physios_own_exercise_may_be_shorter_than_the_house_style(raw_text):
    """Two steps and no cautions are fine in a routine file's custom exercise (CUSTOM limits)."""
    data = {"exercises": [{"id": "my-stretch", "name": "My stretch", "category": "mobility", "steps": ["A.", "B."]}]}
    text = dump(data)
    assert list(validator.parse(text, "mine.yaml", validator.CUSTOM)) == ["my-stretch"]
    with pytest.raises(ContentError):
        validator.parse(text, "mine.yaml")


# --------------------------------------------------------------- checks of its own


def test_library_size_and_category_balance(exercises):
    assert len(exercises) >= MIN_EXERCISES
    for category in sorted(CATEGORIES):
        count = sum(1 for e in exercises if e.category == category)
        assert count >= MIN_PER_CATEGORY, f"only {count} {category} exercises"


def test_steps_have_no_leading_numbers(exercises):
    for e in exercises:
        for step in e.steps:
            assert not re.match(r"^\s*\d+[.):]", step), f"{e.id}: numbered step {step!r}"


# ------------------------------------------------------------- progression


def test_progressions_are_symmetric(exercises, by_id):
    for e in exercises:
        if e.harder is not None:
            other = by_id[e.harder]
            assert other.easier == e.id, f"{e.id}.harder is {other.id} but {other.id}.easier is {other.easier!r}"
        if e.easier is not None:
            other = by_id[e.easier]
            assert other.harder == e.id, f"{e.id}.easier is {other.id} but {other.id}.harder is {other.harder!r}"


@pytest.mark.parametrize("field", ["harder", "easier"])
def test_progression_chains_have_no_cycles(exercises, by_id, field):
    for start in exercises:
        seen = {start.id}
        current = getattr(start, field)
        while current is not None:
            assert current not in seen, f"cycle in {field} chain from {start.id} at {current}"
            seen.add(current)
            current = getattr(by_id[current], field)


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
