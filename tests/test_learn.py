"""`backcare learn`: the course list, opening topics, search, `learn next`, and the topic of the day."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.content import education as loader
from backcare.domain import education as edu
from backcare.domain.education import Topic
from backcare.errors import ContentError
from backcare.services import education as service
from backcare.store import Store

DAY = "2026-03-02"
TODAY = {"BACKCARE_TODAY": DAY}
LIST_KEYS = {"id", "title", "summary", "minutes", "read"}
TOPIC_KEYS = {"id", "title", "summary", "minutes", "body", "key_points", "try_this", "related_exercises", "sources"}


def course() -> tuple[Topic, ...]:
    return service.topics()


def course_ids() -> list[str]:
    return [t.id for t in course()]


def read_in(home) -> dict[str, date]:
    store = Store.open(home)
    try:
        return store.topics_read()
    finally:
        store.close()


def mark(home, *ids: str, day: date = date(2026, 3, 1)) -> None:
    store = Store.open(home)
    try:
        for tid in ids:
            store.mark_read(tid, day)
    finally:
        store.close()


# --------------------------------------------------------------------------- the bundled topics


def test_topics_load_in_course_order_once_per_process():
    topics = course()
    assert len(topics) == 23
    assert topics[0].id == "staying-active" and topics[-1].id == "when-to-book-assessment"
    assert service.topics() is topics  # loaded once per process
    assert loader.topics() == topics  # the same content as a direct read of the file
    t = topics[0]
    assert isinstance(t.key_points, tuple) and isinstance(t.sources, tuple) and t.minutes >= 1
    with pytest.raises(Exception):
        t.title = "changed"  # frozen


GOOD_TOPIC = """\
  - id: {id}
    title: "A title"
    summary: "One sentence."
    minutes: 2
    body: |
      Some **Markdown** text.
    key_points: ["One.", "Two."]
    try_this: "Do one thing."
    related_exercises: [cat-camel]
    sources: ["A source that is long enough."]
"""


def test_loader_parses_topics_in_file_order():
    text = "topics:\n" + GOOD_TOPIC.format(id="b-topic") + GOOD_TOPIC.format(id="a-topic")
    topics = loader.parse(text, "edu.yaml")
    assert [t.id for t in topics] == ["b-topic", "a-topic"]
    assert topics[0].body == "Some **Markdown** text." and topics[0].related_exercises == ("cat-camel",)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("topics:\n" + GOOD_TOPIC.format(id="a") + GOOD_TOPIC.format(id="a"), "edu.yaml:12:", "duplicate topic id"),
        ("topics:\n" + GOOD_TOPIC.format(id="a").replace("    minutes: 2\n", ""), "edu.yaml:2:", "missing 'minutes'"),
        ("topics:\n" + GOOD_TOPIC.format(id="a").replace("minutes: 2", "minutes: two"), "edu.yaml:5:", "minutes"),
        ("topics:\n" + GOOD_TOPIC.format(id="a") + "    colour: red\n", "edu.yaml:12:", "unknown key"),
        ("topics:\n" + GOOD_TOPIC.format(id="Not_An_Id"), "edu.yaml:2:", "id must be"),
        ("topics: [\n", "edu.yaml:", ""),
        ("lessons: []\n", "edu.yaml:1:", "missing 'topics'"),
        ("", "edu.yaml:1:", "empty"),
    ],
)
def test_loader_reports_file_and_line(text, where, words):
    with pytest.raises(ContentError) as info:
        loader.parse(text, "edu.yaml")
    assert where in info.value.message and words in info.value.message


# --------------------------------------------------------------------------- learn (the list)


def test_list_shows_course_order_with_read_marks_and_next(cli, home):
    result = cli("learn", env=TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "0 of 23 read" in out
    titles = [t.title for t in course()]
    positions = [out.index(title.split(":")[0][:20]) for title in titles]
    assert positions == sorted(positions)
    first_line = next(line for line in out.splitlines() if "Keep moving, gently" in line)
    assert edu.RED_FLAGS not in first_line and first_line.lstrip().startswith("▶")

    mark(home, "staying-active", "red-flags")
    out = cli("learn", env=TODAY).stdout
    assert "2 of 23 read" in out
    lines = out.splitlines()
    ids = ("staying-active", "hurt-vs-harm", "red-flags", "pacing")
    line_for = {tid: next(line for line in lines if tid in line) for tid in ids}
    assert line_for["staying-active"].startswith("✓")
    assert line_for["red-flags"].startswith("✓")
    assert line_for["hurt-vs-harm"].startswith("▶")  # the next unread one
    assert not line_for["pacing"].startswith(("✓", "▶"))


def test_list_json_shape(cli, home):
    mark(home, "sleep")
    data = cli.json("learn", "--json", env=TODAY)
    assert [d["id"] for d in data] == course_ids()
    assert all(set(d) == LIST_KEYS for d in data)
    assert {d["id"] for d in data if d["read"]} == {"sleep"}
    assert all(isinstance(d["minutes"], int) for d in data)


# --------------------------------------------------------------------------- learn TOPIC


def test_open_by_id_renders_sections_and_marks_read(cli, home):
    result = cli("learn", "sleep", env=TODAY)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for part in ("Sleep and your back", "Key points", "Try this today", "Sources", "Marked as read"):
        assert part in out
    assert "**" not in out  # Markdown rendered, not shown raw
    assert read_in(home) == {"sleep": date(2026, 3, 2)}


def test_reopening_keeps_the_first_read_date(cli, home):
    cli("learn", "sleep", env=TODAY)
    result = cli("learn", "sleep", env={"BACKCARE_TODAY": "2026-03-09"})
    assert "You first read this on 2026-03-02" in result.stdout
    assert read_in(home) == {"sleep": date(2026, 3, 2)}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("red", "red-flags"),  # unique id prefix
        ("flare", "flare-up-plan"),
        ("PACING", "pacing"),  # ids are matched without regard to case
        ("what is fasia", "what-is-fascia"),  # a misspelt title
        ("Warning signs that need a doctor", "red-flags"),  # the exact title
        ("belts braces", "passive-aids"),
    ],
)
def test_open_by_prefix_or_fuzzy_title(cli, home, typed, expected):
    data = cli.json("learn", typed, "--json", env=TODAY)
    assert data["id"] == expected
    assert expected in read_in(home)


def test_open_with_unquoted_words(cli, home):
    data = cli.json("learn", "keep", "moving", "--json", env=TODAY)
    assert data["id"] == "staying-active"


def test_open_json_has_every_field_and_read(cli, home):
    data = cli.json("learn", "pacing", "--json", env=TODAY)
    assert set(data) == TOPIC_KEYS | {"read", "first_read"}
    assert data["read"] is True and data["first_read"] == DAY
    assert isinstance(data["key_points"], list) and data["sources"]
    assert data["body"].startswith("Many people")


def test_unknown_topic_exit_2_with_closest_matches(cli, home):
    result = cli("learn", "mattress", env=TODAY)  # not a title, but the sleep topic is about it
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1
    assert "sleep (Sleep and your back)" in err
    assert read_in(home) == {}


def test_ambiguous_prefix_suggests_the_candidates(cli, home):
    result = cli("learn", "release-", env=TODAY)
    assert result.exit_code == 2
    assert "more than one topic" in result.stderr
    assert "release-vs-massage (" in result.stderr and "release-plus-movement (" in result.stderr


def test_nonsense_topic_still_gets_one_clear_sentence(cli):
    result = cli("learn", "qqqqqqq")
    assert result.exit_code == 2
    assert 'no topic called "qqqqqqq"' in result.stderr
    assert "backcare learn" in result.stderr


# --------------------------------------------------------------------------- learn next


def test_learn_next_moves_through_the_course(cli, home):
    ids = course_ids()
    first = cli.json("learn", "next", "--json", env=TODAY)
    assert first["id"] == ids[0]
    second = cli("learn", "next", env=TODAY)
    assert second.exit_code == 0
    assert course()[1].title in second.stdout
    cli("learn", ids[2], env=TODAY)  # read out of order: `next` skips it
    assert cli.json("learn", "next", "--json", env=TODAY)["id"] == ids[3]
    assert set(read_in(home)) == set(ids[:4])


def test_learn_next_when_everything_is_read(cli, home):
    mark(home, *course_ids())
    result = cli("learn", "next", env=TODAY)
    assert result.exit_code == 0
    assert "read all 23 topics" in result.stdout and "backcare learn TOPIC" in result.stdout
    assert cli.json("learn", "next", "--json", env=TODAY) is None
    assert "23 of 23 read" in cli("learn").stdout


# --------------------------------------------------------------------------- learn --search


def test_search_ranks_title_hits_above_body_only_hits(cli):
    data = cli.json("learn", "--search", "sleep", "--json")
    ids = [d["id"] for d in data]
    assert ids[0] == "sleep"
    assert "what-is-fascia" in ids  # mentions sleep only in its body
    assert ids.index("sleep") < ids.index("what-is-fascia")
    scores = [d["score"] for d in data]
    assert scores == sorted(scores, reverse=True)
    assert all(set(d) == LIST_KEYS | {"score"} for d in data)


def test_search_text_and_unquoted_words(cli):
    result = cli("learn", "--search", "ball", "release")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert "ball release" in lines[0]
    assert "Heat and ball release at home" in result.stdout
    assert result.stdout.index("Heat and ball release") < result.stdout.index("The limits of release")


def test_search_without_matches_exits_1(cli):
    result = cli("learn", "--search", "xylophone")
    assert result.exit_code == 1
    assert "xylophone" in result.stderr and result.stdout == ""
    result = cli("learn", "-s", "xylophone", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert cli("learn", "--search", "the and of").exit_code == 1  # stop words alone match nothing


def test_search_needs_words(cli):
    assert cli("learn", "--search", "  ").exit_code == 2


# --------------------------------------------------------------------------- narrow, colourless output


@pytest.mark.parametrize(
    "args",
    [
        ("learn",),
        ("learn", "release-and-recovery-timelines"),
        ("learn", "red-flags"),
        ("learn", "-s", "release"),
        ("learn", "next"),
    ],
)
def test_readable_at_40_columns_without_colour(cli, home, args):
    mark(home, "staying-active")
    result = cli(*args, env={"COLUMNS": "40", "NO_COLOR": "1", **TODAY})
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 40


def test_learn_json_imports_no_rich(tmp_path):
    probe = (
        "import sys\nfrom backcare.cli import main\n"
        "sys.argv = ['backcare', 'learn', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.__stderr__.write('RICH=' + str('rich' in sys.modules))\n"
    )
    env = {**os.environ, "BACKCARE_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert "RICH=False" in out.stderr
    assert len(json.loads(out.stdout)) == 23


# --------------------------------------------------------------------------- services for the dashboard and sessions


def test_topic_for_today_service(home, open_store):
    store = open_store(home)
    today = date(2026, 3, 2)
    pick = service.topic_for_today(store, today)
    assert isinstance(pick, service.TopicSummary)
    assert pick.id == "staying-active" and pick.read is False
    assert pick.as_dict() == {
        "id": pick.id,
        "title": pick.title,
        "summary": pick.summary,
        "minutes": pick.minutes,
        "read": False,
    }
    store.mark_read("staying-active", today)
    assert service.topic_for_today(store, today).id == "staying-active"  # one new topic a day
    assert service.topic_for_today(store, today).read is True
    assert service.topic_for_today(store, today + timedelta(days=1)).id == "hurt-vs-harm"
    assert service.topic_for_today(store, today, flare=True).id == "flare-up-plan"
    assert service.topic_for_today(store, today, red_flag=True, flare=True).id == "red-flags"
    tomorrow = today + timedelta(days=1)
    routine_first = ("heat-and-ball-release", "nope")
    assert service.topic_for_today(store, tomorrow, first=routine_first).id == "heat-and-ball-release"
    for tid in course_ids():
        store.mark_read(tid, today - timedelta(days=3))
    assert service.topic_for_today(store, tomorrow) is None


def test_related_topic_service():
    assert service.related_topic("cat-camel") == service.RelatedTopic("staying-active", "Keep moving, gently")
    assert service.related_topic("ball-release-wall").id in course_ids()
    assert service.related_topic("no-such-exercise") is None


def test_services_return_typed_values(home, open_store, today):
    store = open_store(home)
    listing = service.listing(store)
    assert isinstance(listing, service.Listing) and listing.read_count == 0
    assert all(isinstance(t, service.TopicSummary) for t in listing.topics)
    opened = service.open_topic(store, listing.next, today)
    assert isinstance(opened, service.OpenedTopic)
    assert (opened.topic.id, opened.first_read, opened.first_time) == (listing.next, today, True)
    again = service.open_topic(store, listing.next, today)
    assert again.first_time is False and again.first_read == today
    assert service.listing(store).read_count == 1
    hits = service.search(store, "sleep")
    assert hits and all(isinstance(h, service.SearchHit) and h.score > 0 for h in hits)
    assert hits[0].as_dict()["score"] == hits[0].score


# --------------------------------------------------------------------------- domain: synthetic topics


def topic(
    tid: str,
    title: str = "",
    body: str = "Plain words.",
    key_points: tuple[str, ...] = ("A point.", "B point."),
    summary: str = "One sentence.",
    related: tuple[str, ...] = (),
) -> Topic:
    return Topic(
        tid,
        title or tid.replace("-", " ").title(),
        summary,
        2,
        body,
        key_points,
        "Do a thing.",
        related,
        ("A source that is long enough.",),
    )


SYNTH = tuple(topic(f"t{i}") for i in range(8)) + (topic(edu.FLARE_UP), topic(edu.RED_FLAGS))
SYNTH_IDS = [t.id for t in SYNTH]


@st.composite
def situations(draw):
    today = date(2026, 3, 10)
    read_ids = draw(st.lists(st.sampled_from(SYNTH_IDS), unique=True))
    days = st.integers(min_value=-30, max_value=0).map(lambda n: today + timedelta(days=n))
    read = {tid: draw(days) for tid in read_ids}
    first = tuple(draw(st.lists(st.sampled_from(SYNTH_IDS + ["unknown-topic"]), max_size=4)))
    return read, today, first


@settings(max_examples=300, deadline=None)
@given(situations(), st.booleans(), st.booleans())
def test_topic_of_the_day_properties(situation, flare, red_flag):
    read, today, first = situation
    pick = edu.topic_of_the_day(SYNTH, read, today, first=first, flare=flare, red_flag=red_flag)
    if red_flag:
        assert pick.id == edu.RED_FLAGS  # a red flag always wins
        return
    if flare:
        assert pick.id == edu.FLARE_UP  # a flare-up beats the course order
        return
    order = edu.ordered(SYNTH, first)
    read_today = [t for t in order if read.get(t.id) == today]
    if read_today:
        assert pick == read_today[0]  # at most one new topic a day
        return
    if pick is None:
        assert set(read) == set(SYNTH_IDS)  # nothing left to read
        return
    assert pick.id not in read  # never a read topic otherwise
    earlier = order[: order.index(pick)]
    assert all(t.id in read for t in earlier)  # the first unread in order
    known_first = [tid for tid in first if tid in SYNTH_IDS]
    if pick.id not in known_first:
        assert all(tid in read for tid in known_first)  # the `first` list is honoured before the course


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SYNTH_IDS), unique=True, max_size=4))
def test_reading_the_topic_of_the_day_daily_walks_the_course_one_a_day(first):
    read: dict[str, date] = {}
    day = date(2026, 1, 1)
    seen = []
    for _ in range(len(SYNTH) + 2):
        pick = edu.topic_of_the_day(SYNTH, read, day, first=tuple(first))
        if pick is None:
            break
        # reading it twice the same day does not move on
        read.setdefault(pick.id, day)
        assert edu.topic_of_the_day(SYNTH, read, day, first=tuple(first)) == pick
        seen.append(pick.id)
        day += timedelta(days=1)
    assert seen == [t.id for t in edu.ordered(SYNTH, first)]


def test_topic_of_the_day_examples():
    today = date(2026, 3, 10)
    yesterday = today - timedelta(days=1)
    assert edu.topic_of_the_day(SYNTH, {}, today).id == "t0"
    assert edu.topic_of_the_day(SYNTH, {"t0": yesterday}, today).id == "t1"
    assert edu.topic_of_the_day(SYNTH, {"t0": today}, today).id == "t0"
    assert edu.topic_of_the_day(SYNTH, {}, today, first=("t5", "t3")).id == "t5"
    assert edu.topic_of_the_day(SYNTH, {"t5": yesterday}, today, first=("t5", "t3")).id == "t3"
    everything = {tid: yesterday for tid in SYNTH_IDS}
    assert edu.topic_of_the_day(SYNTH, everything, today) is None
    assert edu.topic_of_the_day(SYNTH, everything, today, red_flag=True).id == edu.RED_FLAGS
    assert edu.topic_of_the_day(SYNTH, everything, today, flare=True).id == edu.FLARE_UP


def test_topic_of_the_day_on_the_real_course():
    today = date(2026, 3, 10)
    assert edu.topic_of_the_day(course(), {}, today, red_flag=True).id == "red-flags"
    assert edu.topic_of_the_day(course(), {}, today, flare=True).id == "flare-up-plan"
    assert edu.topic_of_the_day(course(), {}, today, first=("heat-and-ball-release",)).id == "heat-and-ball-release"


# --------------------------------------------------------------------------- domain: search and lookup


def test_stem_and_tokens():
    assert edu.tokens("Stretches, Backs and the body's fascia!") == ["stretche", "back", "and", "the", "body", "fascia"]
    assert edu.stem("stress") == "stress" and edu.stem("legs") == "leg" and edu.stem("bus") == "bus"
    assert edu.query_terms("How do I sleep with sleep") == ["sleep"]
    assert edu.variant("stretch", "stretching") and edu.variant("sit", "sitting") and edu.variant("move", "moving")
    assert not edu.variant("rest", "restriction")


WORD = st.sampled_from(["walk", "heat", "ball", "sleep", "stretch", "posture", "pillow", "breath"])


@settings(max_examples=200, deadline=None)
@given(WORD, st.integers(min_value=1, max_value=40))
def test_a_title_hit_beats_any_number_of_body_only_hits(word, repeats):
    in_title = topic("in-title", title=f"All about {word}")
    in_body = topic("in-body", title="Something else", body=f"The {word}. " * repeats)
    ranked = edu.search([in_body, in_title], word)
    assert [t.id for t, _ in ranked] == ["in-title", "in-body"]


@settings(max_examples=200, deadline=None)
@given(WORD, st.integers(min_value=1, max_value=40))
def test_a_key_point_hit_beats_any_number_of_body_only_hits(word, repeats):
    in_points = topic("in-points", title="Other", key_points=(f"Try {word} daily.", "Second."))
    in_body = topic("in-body", title="Something else", body=f"The {word}. " * repeats)
    ranked = edu.search([in_body, in_points], word)
    assert [t.id for t, _ in ranked][0] == "in-points"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_search_never_fails_and_returns_positive_scores_best_first(query):
    hits = edu.search(course(), query)
    scores = [s for _, s in hits]
    assert all(s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_search_prefers_topics_matching_every_word():
    both = topic("both", body="Heat and a ball.")
    one = topic("one", body="Heat heat heat heat.")
    assert [t.id for t, _ in edu.search([one, both], "heat ball")][0] == "both"


def test_search_stop_words_alone_match_nothing():
    assert edu.search(course(), "the of and") == []


def test_find_examples():
    topics = course()
    assert edu.find(topics, "sleep").topic.id == "sleep"
    assert edu.find(topics, "hurt").topic.id == "hurt-vs-harm"
    assert edu.find(topics, "  Sleep  ").topic.id == "sleep"
    assert edu.find(topics, "limits of relase").topic.id == "limits-of-release"
    assert edu.find(topics, "fascia").topic.id == "what-is-fascia"  # a whole word of one title
    found = edu.find(topics, "what")
    assert found.topic is None and found.ambiguous
    assert all(t.id.startswith("what") for t in found.suggestions)
    unknown = edu.find(topics, "zzzzzz")
    assert unknown.topic is None and not unknown.ambiguous


def test_related_topic_is_first_in_course_order():
    topics = (topic("a", related=("x",)), topic("b", related=("x", "y")))
    assert edu.related_topic(topics, "x").id == "a"
    assert edu.related_topic(topics, "y").id == "b"
    assert edu.related_topic(topics, "z") is None
