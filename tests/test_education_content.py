"""Content checks for data/education.yaml (the education topics).

The structure and limits of a topic are the package's (backcare.content.education.parse): these tests run it
on the shipped file and on broken copies. On top, they make editorial checks the package does not: length in
words, plain language (Flesch-Kincaid grade 8 or below), one-sentence summaries, no claims of cures, the safety
wording the product relies on, the links to the exercise library, and YAML that means the same under 1.1 and 1.2.

Each editorial check is a small function that returns a list of problems, and is also run against
deliberately broken input (the ``test_checker_*`` tests) to show that it can fail.
"""

from __future__ import annotations

import copy
import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest
import yaml

from backcare.content import education as validator
from backcare.content.exercises import library
from backcare.errors import ContentError

ROOT = Path(__file__).resolve().parents[1]
EDUCATION = ROOT / "data" / "education.yaml"


def _load_readability():
    """Load tests/readability.py by path, whether or not tests/ is a package."""
    name = "backcare_tests_readability"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("readability.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


readability = _load_readability()

MYOFASCIAL_SERIES = [
    "what-is-fascia",
    "causes-of-restriction",
    "how-myofascial-pain-feels",
    "what-release-aims-for",
    "release-vs-massage",
    "when-release-helps",
    "release-plus-movement",
    "what-to-expect-in-treatment",
    "release-and-recovery-timelines",
    "limits-of-release",
    "when-to-book-assessment",
]
SELF_MANAGEMENT = [
    "staying-active",
    "hurt-vs-harm",
    "flare-up-plan",
    "pacing",
    "sitting-and-posture",
    "sleep",
    "stress-and-breathing",
    "heat-and-ball-release",
    "work-and-back-pain",
    "passive-aids",
    "red-flags",
    "how-your-routine-progresses",
]
REQUIRED_IDS = MYOFASCIAL_SERIES + SELF_MANAGEMENT

CLAIM_RE = re.compile(r"\b(?:cure|cures|cured|guarantee\w*)\b", re.IGNORECASE)
SENTENCE_BREAK_RE = re.compile(r"[.!?][\"')\]]*\s+\S")
HIGH_HEADING_RE = re.compile(r"^\s{0,3}#{1,2}(?:\s|$)", re.MULTILINE)

MIN_TOPICS = 22
MIN_WORDS, MAX_WORDS = 120, 350
MAX_FK_GRADE = 8.0


# --------------------------------------------------------------------------- loading


def load_education() -> dict:
    return yaml.safe_load(EDUCATION.read_text(encoding="utf-8"))


def _topics_for_parametrize() -> list[dict]:
    """Topics for test ids; an unreadable file gives none (and test_file_loads fails)."""
    try:
        data = load_education()
        topics = data.get("topics") if isinstance(data, dict) else None
        return [t for t in topics if isinstance(t, dict)] if isinstance(topics, list) else []
    except Exception:  # noqa: BLE001 - reported by test_file_loads
        return []


TOPICS = _topics_for_parametrize()
TOPIC_IDS = [str(t.get("id", f"topic-{i}")) for i, t in enumerate(TOPICS)]


def exercise_ids() -> frozenset[str]:
    """Ids of the bundled exercise library, as the package reads it."""
    return frozenset(library())


# --------------------------------------------------------------------------- checkers


def is_one_sentence(text: str) -> bool:
    text = text.strip()
    return bool(re.search(r"[.!?]$", text)) and not SENTENCE_BREAK_RE.search(text)


def topic_problems(topic: dict, known_exercises: frozenset[str]) -> list[str]:
    """Editorial problems with one topic the package's validator accepts (empty list: fine)."""
    problems: list[str] = []
    summary = topic.get("summary")
    if not isinstance(summary, str) or not is_one_sentence(summary):
        problems.append("summary must be exactly one sentence")

    body = topic.get("body")
    words = readability.word_count(body) if isinstance(body, str) else 0
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"body has {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    if isinstance(body, str) and HIGH_HEADING_RE.search(body):
        problems.append("body uses a heading above level 3")

    minutes = topic.get("minutes")
    if words and isinstance(minutes, int) and not math.ceil(words / 250) <= minutes <= math.ceil(words / 80):
        problems.append(f"minutes {minutes} does not fit a {words}-word body")

    related = topic.get("related_exercises") or []
    unknown = sorted(set(related) - known_exercises)
    if unknown:
        problems.append(f"unknown exercise ids {unknown}")
    if len(set(related)) != len(related):
        problems.append("related_exercises repeats an id")

    key_points = topic.get("key_points") or []
    texts = [summary, topic.get("title"), body, topic.get("try_this"), *key_points]
    for text in texts:
        if isinstance(text, str) and CLAIM_RE.search(text):
            problems.append(f"claim word {CLAIM_RE.search(text).group(0)!r} used")
    return problems


# YAML 1.2 core schema: plain scalars that are not strings.
_YAML12_NON_STRING = re.compile(
    r"""^(?:
        ~|null|Null|NULL
      | true|True|TRUE|false|False|FALSE
      | [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
      | [-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    )$""",
    re.VERBOSE,
)
_STR_TAG = "tag:yaml.org,2002:str"


def yaml_portability_problems(text: str) -> list[str]:
    """Ways the YAML text could mean different things to different readers.

    No tabs, no anchors or aliases, no duplicate keys, every plain scalar a
    string under both YAML 1.1 (PyYAML) and YAML 1.2 core, except ``minutes``
    values, which must be plain decimal integers. Topic bodies must be literal
    block scalars (``|``).
    """
    problems: list[str] = []
    if "\t" in text:
        problems.append("file contains a tab")
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                problems.append(f"alias at line {event.start_mark.line + 1}")
            elif getattr(event, "anchor", None):
                problems.append(f"anchor at line {event.start_mark.line + 1}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        return problems + [f"not valid YAML{where}"]
    if problems:
        return problems  # composing a file with aliases is what we refuse to do

    resolver = yaml.resolver.Resolver()

    def walk(node, key=None):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                if k.value in seen:
                    problems.append(f"duplicate key {k.value!r} at line {k.start_mark.line + 1}")
                seen.add(k.value)
                walk(k)
                walk(v, key=k.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode):
            line = node.start_mark.line + 1
            if key == "body" and node.style != "|":
                problems.append(f"body at line {line} is not a literal block scalar (|)")
            if node.style is not None:
                return  # quoted or block: a string in every YAML version
            if key == "minutes":
                if not re.fullmatch(r"[1-9][0-9]*", node.value):
                    problems.append(f"minutes at line {line} is not a plain decimal integer")
                return
            tag11 = resolver.resolve(yaml.ScalarNode, node.value, (True, False))
            if tag11 != _STR_TAG or _YAML12_NON_STRING.match(node.value):
                problems.append(f"plain scalar {node.value!r} at line {line} is not a string in YAML 1.1 or 1.2")

    walk(yaml.compose(text, Loader=yaml.SafeLoader))
    return problems


# --------------------------------------------------------------------------- the file


def test_file_passes_the_package_validator():
    topics = validator.parse(EDUCATION.read_bytes(), "education.yaml")
    assert [t.id for t in topics] == [t["id"] for t in load_education()["topics"]]
    assert validator.topics() == topics


def test_enough_topics_and_all_required_ids_present():
    ids = [t.get("id") for t in load_education()["topics"]]
    assert len(ids) >= MIN_TOPICS
    missing = [i for i in REQUIRED_IDS if i not in ids]
    assert not missing, f"missing topics: {missing}"


@pytest.mark.parametrize("topic", TOPICS, ids=TOPIC_IDS)
def test_topic_passes_the_editorial_checks(topic):
    problems = topic_problems(topic, exercise_ids())
    assert not problems, f"{topic.get('id')}: " + "; ".join(problems)


@pytest.mark.parametrize("topic", TOPICS, ids=TOPIC_IDS)
def test_body_reads_at_grade_8_or_below(topic):
    grade = readability.fk_grade(topic["body"])
    assert grade <= MAX_FK_GRADE, f"{topic['id']}: Flesch-Kincaid grade {grade:.1f} > {MAX_FK_GRADE}"


def test_yaml_means_the_same_under_1_1_and_1_2():
    problems = yaml_portability_problems(EDUCATION.read_text(encoding="utf-8"))
    assert not problems, "; ".join(problems)


def _topic(topic_id: str) -> dict:
    for t in load_education()["topics"]:
        if t.get("id") == topic_id:
            return t
    raise AssertionError(f"no topic {topic_id!r}")


def test_red_flags_send_people_to_emergency_care():
    body = _topic("red-flags")["body"].lower()
    assert "emergency" in body
    # The cauda equina warning signs are spelled out in plain words.
    assert "urine" in body or "bladder" in body
    for sign in ("bowel", "numb", "both legs"):
        assert sign in body, f"red-flags body does not mention {sign!r}"


@pytest.mark.parametrize("topic_id", ["flare-up-plan", "how-your-routine-progresses"])
def test_pain_guidance_states_the_routines_pain_limit(topic_id):
    # The limit is the routine's (5/10 unless the physio set another), filled in when the topic is shown.
    body = _topic(topic_id)["body"]
    assert "{pain_limit}/10" in body and "5/10" not in body


def test_course_order_puts_safety_first_and_assessment_last():
    ids = [t["id"] for t in load_education()["topics"]]
    assert ids[0] == "staying-active"
    assert ids[-1] == "when-to-book-assessment"
    red = ids.index("red-flags")
    later = [i for i in MYOFASCIAL_SERIES + ["heat-and-ball-release"] if ids.index(i) < red]
    assert not later, f"read before red-flags: {later}"
    series = [ids.index(i) for i in MYOFASCIAL_SERIES]
    assert series == sorted(series), "the myofascial series is out of order"


def test_most_exercises_are_linked_from_a_topic():
    known = exercise_ids()
    used = {e for t in load_education()["topics"] for e in t.get("related_exercises") or []}
    unused = sorted(known - used)
    assert len(used & known) >= 0.8 * len(known), f"exercises not linked from any topic: {unused}"


# --------------------------------------------------------------------------- readability helper


def test_readability_gives_a_low_grade_for_simple_text():
    simple = "The cat sat on the mat. We went for a walk. It was fun. Then we had tea."
    assert readability.fk_grade(simple) < 3


def test_readability_gives_a_high_grade_for_dense_academic_text():
    dense = (
        "Multidimensional biopsychosocial conceptualisations of persistent musculoskeletal "
        "nociception necessitate comprehensive interdisciplinary rehabilitation methodologies, "
        "particularly regarding neurophysiological sensitisation and maladaptive cognitive "
        "representations of spinal vulnerability."
    )
    assert readability.fk_grade(dense) > 14


def test_readability_counts_syllables_plausibly():
    expected = {
        "back": 1,
        "walked": 1,
        "started": 2,
        "make": 1,
        "gentle": 2,
        "people": 2,
        "exercise": 3,
        "connective": 3,
        "relaxation": 4,
    }
    got = {w: readability.count_syllables(w) for w in expected}
    assert got == expected


def test_readability_strips_markdown_and_counts_list_items_as_sentences():
    md = "## Heading\n\n**Bold** words here.\n\n- one item\n- two items\n"
    plain = readability.strip_markdown(md)
    assert "*" not in plain and "#" not in plain and "-" not in plain
    assert readability.word_count(md) == 8
    assert readability.sentence_count(plain) == 4


# --------------------------------------------------------------------------- the checkers can fail


def _good_topic() -> dict:
    return {
        "id": "sample-topic",
        "title": "A sample topic",
        "summary": "This is one short sentence.",
        "minutes": 2,
        "body": "We walk a bit each day. It helps a lot.\n\n" * 15,
        "key_points": ["One point.", "Two points."],
        "try_this": "Take a short walk.",
        "related_exercises": ["walk-easy"],
        "sources": ["NICE guideline NG59: Low back pain and sciatica in over 16s (2016, updated 2020)."],
    }


def _parse_one(topic: dict) -> tuple:
    return validator.parse(yaml.safe_dump({"topics": [topic]}, sort_keys=False), "education.yaml")


def test_checker_accepts_a_good_topic():
    assert len(_parse_one(_good_topic())) == 1
    assert topic_problems(_good_topic(), exercise_ids()) == []


def _set(key, value):
    def mutate(t):
        t[key] = value

    return mutate


def _drop(key):
    def mutate(t):
        del t[key]

    return mutate


REFUSED = {
    "missing key": _drop("try_this"),
    "unknown key": _set("tags", ["x"]),
    "id not kebab-case": _set("id", "Sample_Topic"),
    "title of 61 characters": _set("title", "x" * 61),
    "minutes zero": _set("minutes", 0),
    "minutes six": _set("minutes", 6),
    "minutes as text": _set("minutes", "2"),
    "minutes as bool": _set("minutes", True),
    "one key point": _set("key_points", ["Only one."]),
    "five key points": _set("key_points", ["a", "b", "c", "d", "e"]),
    "empty try_this": _set("try_this", "  "),
    "related not a list": _set("related_exercises", "walk-easy"),
    "no sources": _set("sources", []),
    "short source": _set("sources", ["NICE 2016"]),
}


@pytest.mark.parametrize("mutate", REFUSED.values(), ids=REFUSED.keys())
def test_the_package_validator_refuses_broken_topics(mutate):
    topic = copy.deepcopy(_good_topic())
    mutate(topic)
    with pytest.raises(ContentError, match=r"education\.yaml:\d+:\d+"):
        _parse_one(topic)


BROKEN = {
    "two-sentence summary": _set("summary", "One sentence. Two sentences."),
    "summary without full stop": _set("summary", "No end mark"),
    "minutes far too long for the body": _set("minutes", 5),
    "body too short": _set("body", "Too short. " * 10),
    "body too long": _set("body", "Far too long. " * 200),
    "level 2 heading": _set("body", "## Big heading\n\n" + "We walk a bit each day. " * 30),
    "unknown exercise": _set("related_exercises", ["moonwalk"]),
    "repeated exercise": _set("related_exercises", ["walk-easy", "walk-easy"]),
    "cure claim": _set("body", "This will cure your back. " * 30),
    "guarantee claim": _set("try_this", "Guaranteed relief today."),
}


@pytest.mark.parametrize("mutate", BROKEN.values(), ids=BROKEN.keys())
def test_checker_flags_broken_topics(mutate):
    topic = copy.deepcopy(_good_topic())
    mutate(topic)
    assert len(_parse_one(topic)) == 1  # the package accepts it: only the editorial check refuses it
    assert topic_problems(topic, exercise_ids())


def test_checker_flags_a_hard_to_read_body():
    hard = (
        "Multidimensional biopsychosocial conceptualisations necessitate comprehensive "
        "interdisciplinary rehabilitation methodologies. "
    ) * 12
    assert readability.fk_grade(hard) > MAX_FK_GRADE


GOOD_YAML = 'topics:\n  - id: a-topic\n    minutes: 2\n    title: "no"\n    body: |\n      Text.\n'
BROKEN_YAML = {
    "tab": GOOD_YAML.replace("    title", "\ttitle"),
    "anchor and alias": "a: &x hello\nb: *x\n",
    "duplicate key": GOOD_YAML + "    minutes: 3\n",
    "yaml 1.1 boolean": GOOD_YAML.replace('"no"', "no"),
    "yaml 1.1 sexagesimal": GOOD_YAML.replace('"no"', "1:30"),
    "yaml 1.2 octal": GOOD_YAML.replace('"no"', "0o17"),
    "leading-zero minutes": GOOD_YAML.replace("minutes: 2", "minutes: 010"),
    "folded body": GOOD_YAML.replace("body: |", "body: >"),
}


def test_yaml_checker_accepts_good_yaml():
    assert yaml_portability_problems(GOOD_YAML) == []


@pytest.mark.parametrize("text", BROKEN_YAML.values(), ids=BROKEN_YAML.keys())
def test_yaml_checker_flags_ambiguous_yaml(text):
    assert yaml_portability_problems(text)
