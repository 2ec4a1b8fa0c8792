"""The bundled exercise library (data/exercises.yaml): checked by backcare's own card rules, plus the house
style of the bundled cards (card length, reading level, YAML portability) and what the library must cover."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from backcare.content import exercises as cards
from backcare.content.checks import Checker
from backcare.content.yamlsafe import parse_bytes
from backcare.domain.routine import CATEGORIES, FLARE_DOSES, POSITIONS, SIDES, Dose, Exercise, lighter
from backcare.errors import ContentError
from tests import readability  # the same reading-level helper as the education topics

REPO = Path(__file__).resolve().parents[1]
LIBRARY_PATH = REPO / "data" / "exercises.yaml"
MIN_EXERCISES = 50
MIN_PER_CATEGORY = {"mobility": 8, "control": 8, "strength": 8, "release": 3, "aerobic": 3}
MAX_FK_GRADE = 6  # each card, read as a list of short items (the education topics are held to 8)


@pytest.fixture(scope="module")
def raw_text():
    return LIBRARY_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lib() -> dict[str, Exercise]:
    # backcare's own loader: raises with FILE:LINE:COL problems if any card breaks a rule.
    return cards.library()


def check_card(text: str) -> list[str]:
    """The problems backcare reports for one exercise card written as YAML (as in a routine file)."""
    root, problems = parse_bytes(text.encode(), "card.yaml")
    assert root is not None and not problems
    ck = Checker("card.yaml", problems)
    cards.read_exercise(ck, root, 1)
    return [str(p) for p in ck.sorted_problems()]


BASIC = """\
id: my-move
name: My move
category: {category}
steps: [Do it slowly]
"""


# --------------------------------------------------------------- structure


def test_the_bundled_library_passes_backcares_checks(lib):
    assert len(lib) >= MIN_EXERCISES
    for ex in lib.values():
        assert ex.category in CATEGORIES
        assert ex.position in POSITIONS, f"{ex.id}: no position"
        assert ex.dose.side in SIDES


def test_every_category_has_enough_cards(lib):
    assert set(MIN_PER_CATEGORY) == set(CATEGORIES)
    for category, least in MIN_PER_CATEGORY.items():
        count = sum(1 for e in lib.values() if e.category == category)
        assert count >= least, f"only {count} {category} exercises"


def test_a_bundled_card_without_a_position_is_refused():
    root, problems = parse_bytes(
        (
            BASIC.format(category="mobility") + "summary: x\ncues: [a]\nmistakes: [b]\ndose: {sets: 1, reps: 1}\n"
            "easier: null\nharder: null\nequipment: []\ncautions: [c]\n"
        ).encode(),
        "lib.yaml",
    )
    ck = Checker("lib.yaml", problems)
    cards.check_bundled_card(ck, root)
    assert [str(p) for p in ck.problems] == ["lib.yaml:1:1: exercise \"my-move\" is missing 'position'"]


def test_the_walks_are_aerobic_and_ball_release_is_release(lib):
    assert lib["walk-easy"].category == "aerobic"
    assert lib["walk-brisk"].category == "aerobic"
    assert lib["ball-release-wall"].category == "release"


# -------------------------------------------------------------- coverage


@pytest.mark.parametrize(
    "wanted",
    [
        "standing-back-extension",
        "prone-lying",
        "prone-on-elbows",
        "floor-to-waist-lift",
        "wall-squat",
        "lunge",
        "band-row",
        "foam-roller-glutes",
        "foam-roller-thoracic",
        "ball-release-wall",
        "ball-release-floor",
        "heat-pack",
        "sciatic-nerve-slider",
        "sciatic-nerve-tensioner",
        "pelvic-floor-squeeze",
        "cycling",
        "swimming",
        "tandem-stance",
        "single-leg-stand",
    ],
)
def test_the_library_has_what_physios_prescribe(lib, wanted):
    assert wanted in lib


def test_desk_workers_have_seated_and_standing_options(lib):
    desk = [e for e in lib.values() if "desk" in e.tags]
    assert {e.position for e in desk} >= {"sitting", "standing"}
    assert len(desk) >= 5


def test_pregnancy_options_include_pelvic_floor_and_side_lying(lib):
    pregnancy = [e for e in lib.values() if "pregnancy" in e.tags]
    assert "pelvic-floor-squeeze" in {e.id for e in pregnancy}
    assert any(e.position == "side-lying" for e in pregnancy)
    assert not [e.id for e in pregnancy if "flexion" in e.tags]


def test_pregnancy_options_done_lying_offer_the_side_or_sitting(lib):
    # Lying flat on the back for long is avoided after the first three months of pregnancy.
    for ex in lib.values():
        if "pregnancy" in ex.tags and ex.position == "lying":
            text = " ".join(ex.steps + ex.cautions).lower()
            assert "your side" in text and "sit" in text, ex.id


def test_balance_for_older_adults_is_done_beside_a_support(lib):
    for ex_id in ("tandem-stance", "single-leg-stand"):
        text = " ".join(lib[ex_id].steps + lib[ex_id].cautions).lower()
        assert "counter" in text or "sturdy" in text


def test_timed_activities_are_one_continuous_bout(lib):
    timed = [e for e in lib.values() if e.category == "aerobic"] + [lib["heat-pack"]]
    for ex in timed:
        assert ex.dose.duration_seconds == 600 and not ex.dose.hold_seconds, ex.id  # shown as "10 min"
        if ex.id == "walk-brisk":  # two walks a day
            assert ex.dose.describe() == "2 x 10 min"
            continue
        assert ex.dose.describe() == "10 min", ex.id


# ------------------------------------------------------ the cautions rule


def test_release_and_flexion_cards_in_the_library_name_their_risks(lib):
    for ex in lib.values():
        assert cards.missing_cautions(ex.category, ex.tags, ex.cautions) == [], ex.id
    flexion = {e.id for e in lib.values() if "flexion" in e.tags}
    assert {"knee-to-chest", "childs-pose", "cat-camel", "mcgill-curl-up"} <= flexion
    release = {e.id for e in lib.values() if e.category == "release"}
    assert {"ball-release-wall", "foam-roller-glutes", "foam-roller-thoracic", "heat-pack"} <= release


def test_a_release_card_without_cautions_is_refused_with_the_risks_to_name():
    problems = check_card(BASIC.format(category="release"))
    assert problems == [
        "card.yaml:1:1: a release exercise needs cautions that mention blood thinners, broken skin and a recent "
        "injury: add a line for each"
    ]


def test_a_flexion_card_must_name_osteoporosis_and_spinal_fracture():
    text = BASIC.format(category="mobility") + "tags: [flexion]\ncautions: [Stop if osteoporosis pain starts]\n"
    assert check_card(text) == [
        "card.yaml:6:11: a forward-bending (flexion) exercise needs cautions that mention a past spinal "
        "fracture: add a line for each"
    ]
    fixed = text.replace("Stop if osteoporosis pain starts", "Ask first with osteoporosis or a spinal fracture")
    assert check_card(fixed) == []


def test_a_card_with_a_good_release_caution_passes():
    text = BASIC.format(category="release") + (
        "cautions: ['Not with blood thinners, broken skin or a recent injury.']\nposition: standing\n"
    )
    assert check_card(text) == []


def test_position_tags_and_flare_dose_are_checked():
    text = BASIC.format(category="mobility") + "position: upside-down\ntags: [desk, sporty]\nflare_dose: none\n"
    assert check_card(text) == [
        "card.yaml:5:11: position must be one of lying, sitting, standing, kneeling, all-fours, side-lying "
        '(got "upside-down")',
        'card.yaml:6:14: each tag must be one of flexion, desk, pregnancy (got "sporty")',
        'card.yaml:7:13: flare_dose must be one of lighter, same (got "none")',
    ]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40)


@given(
    category=st.sampled_from(CATEGORIES),
    tags=st.lists(st.sampled_from(cards.TAGS), unique=True),
    cautions=st.lists(WORDS, max_size=3),
)
def test_missing_cautions_is_empty_exactly_when_each_risk_is_named(category, tags, cautions):
    missing = cards.missing_cautions(category, tuple(tags), tuple(cautions))
    wanted = [
        risk
        for rule in cards.caution_rules(category, tuple(tags))
        for risk, spellings in cards.CAUTION_RULES[rule]
        if not any(s in " ".join(cautions) for s in spellings)
    ]
    assert missing == wanted
    assert not cards.caution_rules(category, tuple(tags)) or category == "release" or "flexion" in tags
    # Naming every risk always satisfies the rule.
    every = tuple(cautions) + tuple(sp[0] for rule in cards.CAUTION_RULES.values() for _, sp in rule)
    assert cards.missing_cautions(category, tuple(tags), every) == []


def test_a_routine_files_own_release_exercise_follows_the_rule(cli, tmp_path):
    routine = tmp_path / "release.yaml"
    routine.write_text(
        "format: backcare-routine/1\n"
        "name: Release first\n"
        "exercises:\n"
        "  - id: roller-calf\n"
        "    name: Roller for the calf\n"
        "    category: release\n"
        "    steps: [Sit with the roller under your calf]\n"
        "    cautions: [Go gently]\n"
        "stages:\n"
        "  - id: one\n"
        "    name: One\n"
        "    exercises:\n"
        "      - {id: roller-calf, reps: 1, hold: 60}\n",
        encoding="utf-8",
    )
    result = cli("routine", "check", str(routine))
    assert result.exit_code == 1
    assert f"{routine}:8:15: a release exercise needs cautions that mention blood thinners" in result.output
    assert "Traceback" not in result.output
    routine.write_text(
        routine.read_text().replace("[Go gently]", "['Not on blood thinners, broken skin or a recent injury']")
    )
    assert cli("routine", "check", str(routine)).exit_code == 0


# ------------------------------------------------------ reviewed card fixes


def test_mcgill_curl_up_keeps_the_neck_still_rather_than_tucking_the_chin(lib):
    curl = lib["mcgill-curl-up"]
    text = " ".join(curl.steps + curl.cues).lower()
    assert "neck still" in text
    assert "chin tucked" not in text and "tuck your chin" not in text


def test_no_card_asks_for_fewer_reps_than_its_dose(lib):
    # A dose is the same reps in every set, so a card cannot tell the person to do fewer in later sets.
    for ex in lib.values():
        text = " ".join(ex.steps + ex.cues).lower()
        assert "fewer reps in each later set" not in text, ex.id
        assert not re.search(r"\b\d+, then \d+, then \d+\b", text), ex.id


def test_a_second_bout_is_in_the_dose_when_a_card_asks_for_one(lib):
    for ex in lib.values():
        if "second walk" in " ".join(ex.steps).lower():
            assert ex.dose.sets >= 2, ex.id


def test_no_card_calls_a_rounded_back_a_mistake(lib):
    # In line with the education topics: no single safe shape; lift in a comfortable, strong position.
    rounded = re.compile(r"\bround(ed|ing)? (your |the )?(lower )?back\b|\b(straight|flat) back\b|back (straight|flat)")
    for ex in lib.values():
        for line in ex.mistakes + ex.cues:
            assert not rounded.search(line.lower()), f"{ex.id}: {line}"
        for line in ex.steps:
            assert not re.search(r"(straight|flat) back|back (stays )?(straight|flat)", line.lower()), ex.id


def test_breathing_keeps_its_dose_after_a_flare(lib):
    breathing = lib["diaphragmatic-breathing"]
    assert breathing.flare_dose == "same"
    assert lighter(breathing.dose, breathing) == breathing.dose
    assert lighter(lib["cat-camel"].dose, lib["cat-camel"]) != lib["cat-camel"].dose


@given(
    sets=st.integers(1, 10),
    reps=st.integers(1, 100),
    hold=st.none() | st.integers(1, 600),
    side=st.sampled_from(SIDES),
    flare_dose=st.sampled_from(("lighter", "same")),
)
def test_lighter_follows_the_cards_flare_dose(sets, reps, hold, side, flare_dose):
    dose = Dose(sets, reps, hold, side)
    card = Exercise(id="x", name="X", category="control", flare_dose=flare_dose)
    assert lighter(dose, card) == (dose if flare_dose == "same" else lighter(dose))


def test_breathing_is_not_marked_lighter_on_a_flare_day(cli):
    def on(n: int) -> dict:
        return {"BACKCARE_TODAY": f"2026-03-{n + 2:02d}"}

    cli("safety", "--none", env=on(0))
    for n in range(3):
        cli("checkin", "-p", "3", "-s", "3", env=on(n))
    before = {e["id"]: e for e in cli.json("routine", "show", "--json", env=on(0))["exercises"]}
    cli("checkin", "-p", "9", "-s", "6", env=on(3))
    data = cli.json("routine", "show", "--json", env=on(3))
    assert data["easier"]
    after = {e["id"]: e for e in data["exercises"]}
    breathing = after["diaphragmatic-breathing"]
    assert not breathing["lighter"]
    assert breathing["dose"] == before["diaphragmatic-breathing"]["dose"]
    assert after["pelvic-tilt"]["lighter"]


# ------------------------------------------------ categories everywhere


@pytest.mark.parametrize("category", CATEGORIES)
def test_listing_by_any_category(cli, category):
    rows = cli.json("routine", "exercises", "--category", category, "--json")
    assert rows and all(r["category"] == category and r["position"] in POSITIONS for r in rows)


def test_an_unknown_category_lists_the_real_ones(cli):
    result = cli("routine", "exercises", "--category", "cardio")
    assert result.exit_code == 2
    assert "release" in result.output and "aerobic" in result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------ house style


# The house style's limits live in the package (cards.BUNDLED) and its loader enforces them; these tests show
# the limits are within what any card may be, and that the loader refuses a card that breaks one.


def test_the_bundled_house_style_is_within_what_any_exercise_may_be():
    bundled, custom = cards.BUNDLED, cards.CUSTOM
    assert bundled.summary_max <= custom.summary_max
    for field in ("steps", "cues", "mistakes", "cautions"):
        (lo, hi), (clo, chi) = getattr(bundled, field), getattr(custom, field)
        assert clo <= lo <= hi <= chi, field


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _first_card_alone(raw_text: str) -> dict:
    first = yaml.safe_load(raw_text)["exercises"][0]
    return dict(first, easier=None, harder=None)


def _parse_cards(*entries: dict):
    text = yaml.dump({"exercises": list(entries)}, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)
    return cards.parse(text, "exercises.yaml")


HOUSE_STYLE_BROKEN = {
    "summary of 100 characters": ("summary", "x" * 100),
    "two steps": ("steps", ["One.", "Two."]),
    "eight steps": ("steps", [f"Step {i}." for i in "abcdefgh"]),
    "five cues": ("cues", ["a", "b", "c", "d", "e"]),
    "five mistakes": ("mistakes", ["a", "b", "c", "d", "e"]),
}


@pytest.mark.parametrize("key, value", HOUSE_STYLE_BROKEN.values(), ids=HOUSE_STYLE_BROKEN.keys())
def test_the_loader_refuses_a_card_outside_the_house_style(raw_text, key, value):
    card = _first_card_alone(raw_text)
    assert _parse_cards(card)  # valid alone, until changed
    with pytest.raises(ContentError, match=r"exercises\.yaml:\d+:\d+") as refused:
        _parse_cards(dict(card, **{key: value}))
    assert "anchors" not in str(refused.value)
    # the same card passes as a physio's own exercise in a routine file
    text = yaml.dump({"exercises": [dict(card, **{key: value})]}, Dumper=_NoAliases, sort_keys=False)
    assert cards.parse(text, "mine.yaml", cards.CUSTOM)


def test_a_duplicate_card_id_is_refused(raw_text):
    card = _first_card_alone(raw_text)
    with pytest.raises(ContentError, match="duplicate exercise id"):
        _parse_cards(card, dict(card))


def test_steps_have_no_leading_numbers(lib):
    for ex in lib.values():
        for step in ex.steps:
            assert not re.match(r"^\s*\d+[.):]", step), f"{ex.id}: numbered step {step!r}"


def test_cards_read_at_grade_6_or_below(lib):
    for ex in lib.values():
        markdown = "\n".join(f"- {line}" for line in (ex.summary, *ex.steps, *ex.cues, *ex.mistakes, *ex.cautions))
        grade = readability.fk_grade(markdown)
        assert grade <= MAX_FK_GRADE, f"{ex.id}: Flesch-Kincaid grade {grade:.1f} > {MAX_FK_GRADE}"


def test_no_card_claims_a_cure(lib):
    for ex in lib.values():
        text = " ".join((ex.summary, *ex.steps, *ex.cues, *ex.mistakes, *ex.cautions)).lower()
        assert not re.search(r"\b(cures?|fix(es)? your back|guarantee)", text), ex.id


def test_release_cards_are_followed_by_movement(lib):
    for ex in lib.values():
        if ex.category == "release":
            assert re.search(r"follow", " ".join(ex.steps + ex.cautions).lower()), ex.id


# ----------------------------------------------------------- progression


def test_progressions_are_symmetric(lib):
    for ex in lib.values():
        if ex.harder is not None:
            assert lib[ex.harder].easier == ex.id, f"{ex.id}.harder is {ex.harder}"
        if ex.easier is not None:
            assert lib[ex.easier].harder == ex.id, f"{ex.id}.easier is {ex.easier}"


@pytest.mark.parametrize("field", ["harder", "easier"])
def test_progression_chains_have_no_cycles(lib, field):
    for start in lib.values():
        seen = {start.id}
        current = getattr(start, field)
        while current is not None:
            assert current not in seen, f"cycle in {field} chain from {start.id} at {current}"
            seen.add(current)
            current = getattr(lib[current], field)


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


def test_no_anchors_aliases_or_tabs(raw_text):
    assert "\t" not in raw_text, "tabs are not allowed"
    for event in yaml.parse(raw_text):
        assert not isinstance(event, yaml.AliasEvent), "aliases are not allowed"
        anchor = getattr(event, "anchor", None)
        assert anchor is None, f"anchor &{anchor} is not allowed"


def test_the_json_schema_offers_the_same_card_choices():
    import json

    schema = json.loads((REPO / "data" / "routine.schema.json").read_text(encoding="utf-8"))
    props = schema["definitions"]["exercise"]["properties"]
    assert tuple(props["category"]["enum"]) == CATEGORIES
    assert tuple(props["position"]["enum"]) == POSITIONS
    assert tuple(props["tags"]["items"]["enum"]) == cards.TAGS
    assert props["tags"]["maxItems"] == len(cards.TAGS)
    assert tuple(props["flare_dose"]["enum"]) == FLARE_DOSES
