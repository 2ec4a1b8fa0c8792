"""Outcome measures: the backcare-measure/1 format (checker, broken corpus, JSON Schema), the built-in PSFS and
confidence rating, scoring (hypothesis), and `backcare measure check|import|list|take|history` as a person uses
them, with what ends up stored, exported and imported.

Broken fixtures live in tests/measures/broken/*.yaml; each starts with `# expect: LINE:COL message fragment`
lines, one per expected problem, in order.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.content import yamlsafe
from backcare.content.measure_schema import current_schema, schema_text
from backcare.content.measures import bundled_measures, check_measure_file, check_measure_text, load_measure_text
from backcare.domain.measures import Band, Item, Measure, Subscale, change, score

ROOT = Path(__file__).resolve().parents[1]
BROKEN = sorted((ROOT / "tests" / "measures" / "broken").glob("*.yaml"))
EXAMPLE = ROOT / "examples" / "measures" / "clinic-sample.yaml"
BUNDLED = sorted((ROOT / "data" / "measures").glob("*.yaml"))
EXPECT_RE = re.compile(r"^# expect: (\d+):(\d+) (.+)$", re.M)
# What the JSON Schema cannot say (cross references, overlaps, repeats): the checker alone finds these.
SCHEMA_CANNOT = {"subscale-names-missing-item", "overlapping-bands", "duplicate-item-ids", "choice-repeats-value"}


def responses(home: Path) -> list[tuple]:
    db = sqlite3.connect(home / "backcare.db")
    try:
        return db.execute("SELECT measure, date, score FROM measure_responses ORDER BY measure, date").fetchall()
    finally:
        db.close()


# ------------------------------------------------------------------ the format


def test_there_is_a_broken_fixture_for_each_bad_input_rule():
    names = {p.stem for p in BROKEN}
    assert {"unknown-keys", "item-without-anchors", "subscale-names-missing-item", "overlapping-bands"} <= names
    assert "duplicate-item-ids" in names and len(BROKEN) >= 10


@pytest.mark.parametrize("backend", [None, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_measure_reports_every_problem_located(path, backend, monkeypatch):
    monkeypatch.setattr(yamlsafe, "USE_LIBYAML", backend)
    expected = EXPECT_RE.findall(path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} has no '# expect:' header"
    checked = check_measure_file(path)
    assert checked.measure is None
    got = [f"{p.line}:{p.column} {p.message}" for p in checked.problems]
    assert len(got) == len(expected), got
    for problem, (line, column, fragment) in zip(checked.problems, expected):
        assert (problem.line, problem.column) == (int(line), int(column)), got
        assert fragment in problem.message, got
        assert str(problem).startswith(f"{path}:{line}:{column}: ")


def test_the_shipped_schema_is_current():
    assert json.loads(schema_text()) == current_schema()


@pytest.mark.parametrize("path", BUNDLED + [EXAMPLE], ids=lambda p: p.stem)
def test_schema_and_checker_accept_the_bundled_and_example_measures(path):
    import jsonschema
    import yaml

    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), current_schema())
    assert check_measure_file(path).measure is not None


@pytest.mark.parametrize("path", [p for p in BROKEN if p.stem not in SCHEMA_CANNOT], ids=lambda p: p.stem)
def test_schema_rejects_the_broken_measures_it_can_describe(path):
    import jsonschema
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return
    if path.stem == "yaml-duplicate-key":  # PyYAML keeps the last value: not a schema matter
        return
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, current_schema())


def test_psfs_is_built_in_as_the_clinical_facts_say():
    measures = {m.id: m for m in bundled_measures()}
    psfs = measures["psfs"]
    assert psfs.named is not None and psfs.named.most == 5
    assert (psfs.named.rating.low, psfs.named.rating.high) == (0, 10)
    assert psfs.method == "mean" and psfs.important_change == 2 and psfs.higher_is_better
    assert "Stratford" in psfs.notice
    confidence = measures["confidence"]
    assert len(confidence.items) == 1 and confidence.items[0].high == 10
    assert "confident" in confidence.items[0].text and "despite the pain" in confidence.items[0].text


# ------------------------------------------------------------------ scoring (pure)


@st.composite
def measures_and_answers(draw):
    count = draw(st.integers(1, 8))
    items = []
    for n in range(count):
        kind = draw(st.sampled_from(["rating", "yesno", "choice"]))
        reverse = draw(st.booleans())
        if kind == "rating":
            low = draw(st.integers(-5, 5))
            high = draw(st.integers(low + 1, low + 10))
            items.append(Item(f"q{n}", "Q", "rating", low, high, "lo", "hi", (), reverse))
        elif kind == "yesno":
            items.append(Item(f"q{n}", "Q", "yesno", 0, 1, "no", "yes", (), reverse))
        else:
            values = draw(st.lists(st.integers(-3, 9), min_size=2, max_size=5, unique=True))
            items.append(Item(f"q{n}", "Q", "choice", 0, 1, "", "", tuple((v, str(v)) for v in values), reverse))
    method = draw(st.sampled_from(["sum", "mean"]))
    members = draw(st.lists(st.sampled_from([i.id for i in items]), min_size=1, unique=True))
    sub = Subscale("part", "Part", tuple(members), draw(st.sampled_from(["sum", "mean"])))
    cut = draw(st.integers(-20, 20))
    bands = (Band(-1000, cut, "low"), Band(cut + 0.001, 1000, "high"))
    measure = Measure("m", "M", "i", "n", tuple(items), None, method, (sub,), bands, 1, True)
    answers = tuple(draw(st.sampled_from(item.allowed())) for item in items)
    return measure, answers


@settings(max_examples=150, deadline=None)
@given(measures_and_answers())
def test_scores_follow_the_rules_for_reverse_items_subscales_and_bands(case):
    measure, answers = case
    result = score(measure, answers)
    counted = {}
    for item, answer in zip(measure.items, answers):
        low, high = min(item.allowed()), max(item.allowed())
        counted[item.id] = (low + high - answer) if item.reverse else answer
        assert low <= counted[item.id] <= high  # reversing stays on the scale
    values = list(counted.values())
    expected = sum(values) if measure.method == "sum" else round(sum(values) / len(values), 2)
    assert result.total == pytest.approx(expected)
    sub = measure.subscales[0]
    part = [counted[i] for i in sub.items]
    expected_sub = sum(part) if sub.method == "sum" else round(sum(part) / len(part), 2)
    assert result.subscales == {"part": pytest.approx(expected_sub)}
    assert result.band == ("low" if result.total <= measure.bands[0].high else "high")


@given(st.integers(-10, 20), st.integers(0, 10), st.integers(0, 10), st.booleans())
def test_reversing_twice_gives_the_answer_back(low, width, pick, reverse):
    item = Item("q", "Q", "rating", low, low + width + 1, "a", "b", (), True)
    answer = low + min(pick, width + 1)
    assert item.counted(item.counted(answer)) == answer


@given(st.floats(0, 10), st.floats(0, 10), st.sampled_from([1.0, 2.0, 2.5]), st.booleans())
def test_the_verdict_follows_the_measures_own_important_change_and_direction(first, latest, mic, higher):
    measure = Measure("m", "M", "i", "n", (), None, "mean", (), (), mic, higher)
    judged = change(measure, first, latest)
    gain = (latest - first) if higher else (first - latest)
    if gain >= mic + 0.01:
        assert judged.verdict == "better"
    elif gain <= -mic - 0.01:
        assert judged.verdict == "worse"
    elif abs(gain) < mic - 0.01:
        assert judged.verdict == "no important change"


def test_out_of_range_answers_are_refused_by_the_scorer():
    measure = load_measure_text(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="answer walk"):
        score(measure, (2, 0, 0, 0))
    with pytest.raises(ValueError, match="4 answers are needed"):
        score(measure, (1, 0))


def test_the_example_scores_with_its_reverse_item_subscale_and_band():
    measure = load_measure_text(EXAMPLE.read_text(encoding="utf-8"))
    result = score(measure, (1, 1, 2, 0))  # cope 0 counts as 4
    assert result.total == 8 and result.subscales == {"feelings": 6} and result.band == "high impact"


def test_psfs_activity_texts_and_limits():
    psfs = {m.id: m for m in bundled_measures()}["psfs"]
    assert score(psfs, (3, 4), ("Sitting", "Bending")).total == 3.5
    with pytest.raises(ValueError, match="1 to 5 activities"):
        score(psfs, (1,) * 6, tuple("abcdef"))


def test_a_measure_text_with_nothing_in_it_is_one_problem():
    checked = check_measure_text("", "m.yaml")
    assert checked.measure is None and str(checked.problems[0]).startswith("m.yaml:1:1: ")


# ------------------------------------------------------------------ as a person uses it


def test_measure_check_prints_every_problem_and_exits_1(cli):
    path = ROOT / "tests" / "measures" / "broken" / "many-problems.yaml"
    result = cli("measure", "check", str(path), str(EXAMPLE))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len([line for line in lines if line.startswith(f"{path}:")]) == len(EXPECT_RE.findall(path.read_text()))
    assert f"{EXAMPLE}: ok (clinic-sample: 4 items)" in lines
    assert "Traceback" not in result.output


def test_importing_a_broken_measure_imports_nothing(cli, home, tmp_path):
    cli("measure", "list")
    path = ROOT / "tests" / "measures" / "broken" / "overlapping-bands.yaml"
    result = cli("measure", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:17:7: the band" in result.stderr and "Nothing was imported." in result.stderr
    listed = cli.json("measure", "list", "--json")
    assert [m["id"] for m in listed] == ["confidence", "psfs"]


def test_import_list_take_and_history_of_a_clinics_measure(cli, home):
    result = cli("measure", "import", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "Imported measure clinic-sample" in result.stdout and "Free to use and adapt" in result.stdout
    listed = {m["id"]: m for m in cli.json("measure", "list", "--json")}
    assert listed["clinic-sample"]["every_days"] == 28 and listed["clinic-sample"]["better"] == "lower"
    result = cli("measure", "take", "clinic-sample", "--answers", "walk=1,sleep=1,worry=2,cope=0")
    assert result.exit_code == 0, result.output
    assert "Clinic sample questionnaire: 8, high impact." in result.stdout
    later = cli("measure", "take", "clinic-sample", "--answers", "0,0,1,3", env={"BACKCARE_TODAY": "2026-12-27"})
    assert later.exit_code == 0, later.output
    history = cli.json("measure", "history", "clinic-sample", "--json", env={"BACKCARE_TODAY": "2026-12-27"})
    assert [t["score"] for t in history[0]["takes"]] == [8, 2]
    assert history[0]["change"] == -6 and history[0]["verdict"] == "better"  # lower is better here
    assert history[0]["takes"][1]["subscales"] == {"feelings": 2} and history[0]["takes"][1]["band"] == "low impact"
    text = cli("measure", "history", env={"BACKCARE_TODAY": "2026-12-27"}).stdout
    assert "-6 since the first score: better (the important change is 2, lower is better)" in text


@pytest.mark.parametrize(
    "answers",
    ["walk=2,sleep=1,worry=2,cope=0", "1,1,3,0", "1,1,2,5", "1,1,2", "walk=1,walk=1,worry=2,cope=0", "x", "9=1"],
)
def test_bad_answers_exit_2_and_store_nothing(cli, home, answers):
    assert cli("measure", "import", str(EXAMPLE)).exit_code == 0
    result = cli("measure", "take", "clinic-sample", "--answers", answers)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert responses(home) == []


def test_psfs_names_activities_once_then_rates_the_same_ones(cli, home, today):
    first = cli("measure", "take", "psfs", "--answers", "1=3")
    assert first.exit_code == 2 and "Name the activities first" in first.stderr
    result = cli(
        "measure", "take", "psfs", "--activity", "Sitting for an hour", "--activity", "Tying shoes", "--answers", "3,4"
    )
    assert result.exit_code == 0, result.output
    assert "Patient-Specific Functional Scale: 3.5." in result.stdout
    again = cli(
        "measure", "take", "psfs", "--activity", "Running", "--answers", "5", env={"BACKCARE_TODAY": "2026-12-11"}
    )
    assert again.exit_code == 2 and "already named" in again.stderr
    later = cli("measure", "take", "psfs", "--answers", "1=6,2=5", env={"BACKCARE_TODAY": "2026-12-11"})
    assert later.exit_code == 0, later.output
    assert "+2 since the first score: better" in later.stdout
    assert responses(home) == [("psfs", today.isoformat(), 3.5), ("psfs", "2026-12-11", 5.5)]
    exported = cli.json("export", "--format", "json", env={"BACKCARE_TODAY": "2026-12-11"})
    texts = [[a["text"] for a in r["answers"]] for r in exported["measure_responses"]]
    assert texts == [["Sitting for an hour", "Tying shoes"]] * 2


def test_taking_without_answers_off_a_terminal_is_a_usage_error(cli, home):
    result = cli("measure", "take", "confidence")
    assert result.exit_code == 2 and "--answers" in result.stderr
    unknown = cli("measure", "take", "oswestry", "--answers", "1")
    assert unknown.exit_code == 2 and 'There is no measure "oswestry"' in unknown.stderr
    assert responses(home) == []


def test_retaking_the_same_day_replaces_that_days_answers(cli, home, today):
    assert cli("measure", "take", "confidence", "--answers", "4").exit_code == 0
    result = cli("measure", "take", "confidence", "--answers", "6")
    assert result.exit_code == 0 and "replaced" in result.stdout
    assert responses(home) == [("confidence", today.isoformat(), 6.0)]


def test_a_built_in_id_cannot_be_imported_over(cli, home, tmp_path):
    path = tmp_path / "psfs.yaml"
    path.write_text(EXAMPLE.read_text().replace("id: clinic-sample", "id: psfs"))
    result = cli("measure", "import", str(path))
    assert result.exit_code == 1 and "built-in measure" in result.stderr


def test_measures_and_responses_travel_through_export_and_import(cli, home, tmp_path):
    from tests.conftest import Cli

    assert cli("measure", "import", str(EXAMPLE)).exit_code == 0
    assert cli("measure", "take", "clinic-sample", "--answers", "1,0,1,2").exit_code == 0
    assert cli("measure", "take", "psfs", "--activity", "Lifting", "--answers", "4").exit_code == 0
    out = tmp_path / "export.json"
    assert cli("export", "--format", "json", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert [m["id"] for m in data["measures"]] == ["clinic-sample"]
    assert [r["measure"] for r in data["measure_responses"]] == ["clinic-sample", "psfs"]

    other = Cli(tmp_path / "other")
    result = other("import", str(out))
    assert result.exit_code == 0, result.output
    assert "1 measure" in result.stdout and "2 measure responses" in result.stdout
    assert other.json("measure", "history", "--json") == cli.json("measure", "history", "--json")
    assert {m["id"] for m in other.json("measure", "list", "--json")} == {"confidence", "psfs", "clinic-sample"}
    again = other("import", str(out))  # merging the same file again adds nothing
    assert again.exit_code == 0 and "0 measure responses" not in again.stdout
    assert responses(tmp_path / "other") == responses(home)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["measure_responses"][0].update(date="2099-01-01"), "measure_responses[0]"),
        (lambda d: d["measure_responses"][0]["answers"][0].update(value="7"), "whole number"),
        (lambda d: d["measures"][0].update(source="format: nothing\n"), "not a valid backcare-measure/1 file"),
        (lambda d: d["measures"][0].update(id="other"), "not 'other'"),
    ],
)
def test_a_bad_measure_record_in_an_import_is_refused_and_nothing_changes(cli, home, tmp_path, mutate, fragment):
    from tests.conftest import Cli

    assert cli("measure", "import", str(EXAMPLE)).exit_code == 0
    assert cli("measure", "take", "clinic-sample", "--answers", "1,0,1,2").exit_code == 0
    data = cli.json("export", "--format", "json")
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    other = Cli(tmp_path / "other")
    result = other("import", str(path))
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr and "Traceback" not in result.output
    assert other.json("measure", "history", "--json") == []


# ------------------------------------------------------------------ where the scores show up


def test_the_dashboard_shows_a_measure_when_it_is_due(cli, home):
    assert cli("measure", "take", "confidence", "--answers", "5").exit_code == 0
    assert cli.json("today", "--json")["measures_due"] == []
    assert "Outcome measure due" not in cli("today").stdout
    later = {"BACKCARE_TODAY": "2026-12-11"}  # 14 days on: the file's every_days
    assert cli.json("today", "--json", env=later)["measures_due"] == [
        {"id": "confidence", "title": "Confidence despite the pain", "last": "2026-11-27"}
    ]
    shown = cli("today", env=later).stdout
    assert "Outcome measure due: Confidence despite the pain (last taken 2026-11-27)." in shown
    assert "backcare measure take confidence" in shown
    assert cli.json("today", "--json", env={"BACKCARE_TODAY": "2026-12-10"})["measures_due"] == []


def two_psfs_takes(cli, latest: int) -> None:
    """Check-ins on 1 November and today, a PSFS of one activity rated 3 on 1 November, and `latest` today."""
    assert cli("checkin", "--pain", "5", "--stiffness", "4").exit_code == 0
    early = {"BACKCARE_TODAY": "2026-11-01"}
    assert cli("checkin", "--pain", "6", "--stiffness", "5", env=early).exit_code == 0
    assert cli("measure", "take", "psfs", "--activity", "Sitting", "--answers", "3", env=early).exit_code == 0
    assert cli("measure", "take", "psfs", "--answers", str(latest)).exit_code == 0


def test_trend_json_includes_the_scores_and_the_verdict(cli, home):
    two_psfs_takes(cli, 4)
    data = cli.json("trend", "--json")
    assert data["measures"] == [
        {
            "id": "psfs",
            "title": "Patient-Specific Functional Scale",
            "scores": [
                {"date": "2026-11-01", "score": 3.0, "band": None},
                {"date": "2026-11-27", "score": 4.0, "band": None},
            ],
            "change": 1.0,
            "important_change": 2.0,
            "better": "higher",
            "verdict": "no important change",
        }
    ]


def test_the_report_has_an_outcome_measures_section(cli, home, tmp_path):
    two_psfs_takes(cli, 6)
    assert cli("measure", "take", "confidence", "--answers", "7").exit_code == 0
    html = tmp_path / "r.html"
    assert cli("report", "--format", "html", "-o", str(html)).exit_code == 0
    text = html.read_text()
    section = text[text.index('<section id="measures">') : text.index('<section id="notes">')]
    assert "<h2>Outcome measures</h2>" in section
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows[1:]]
    assert cells == [
        ["Confidence despite the pain (MCID 2, higher is better)", "7", "27 Nov", "–", "–"],
        [
            "Patient-Specific Functional Scale (MCID 2, higher is better)",
            "6",
            "27 Nov",
            "+3.0",
            "improved",
        ],
    ]
    assert cli("report", "--format", "md", "-o", str(tmp_path / "r.md")).exit_code == 0
    md = (tmp_path / "r.md").read_text()
    assert "| Patient-Specific Functional Scale (MCID 2, higher is better) | 6 | 27 Nov | +3.0 | improved |" in md
    assert md.index("## Outcome measures") < md.index("## Notes")


def test_fhir_export_adds_a_questionnaire_response_and_a_score_observation(cli, home):
    from fhir.resources.R4B.bundle import Bundle

    assert cli("checkin", "--pain", "5", "--stiffness", "4").exit_code == 0
    assert cli("measure", "import", str(EXAMPLE)).exit_code == 0
    assert cli("measure", "take", "clinic-sample", "--answers", "1,1,2,0").exit_code == 0
    assert cli("measure", "take", "psfs", "--activity", "Sitting", "--answers", "3").exit_code == 0
    data = cli.json("export", "--format", "fhir")
    validate = getattr(Bundle, "model_validate", None) or Bundle.parse_obj
    validate(data)
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds.count("QuestionnaireResponse") == 2
    responses = [e for e in data["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    sample = next(e for e in responses if e["resource"]["questionnaire"].endswith("/clinic-sample"))
    assert [i["answer"][0]["valueInteger"] for i in sample["resource"]["item"]] == [1, 1, 2, 0]
    scores = [e for e in data["entry"] if e["resource"].get("derivedFrom")]
    assert len(scores) == 2
    sample_score = next(e for e in scores if e["resource"]["derivedFrom"][0]["reference"] == sample["fullUrl"])
    assert sample_score["resource"]["valueQuantity"]["value"] == 8
    assert sample_score["resource"]["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "12345-7",
        "display": "Clinic sample questionnaire score",
    }
    psfs = next(e for e in responses if e["resource"]["questionnaire"].endswith("/psfs"))
    assert psfs["resource"]["item"] == [{"linkId": "1", "text": "Sitting", "answer": [{"valueInteger": 3}]}]


def test_a_report_without_measures_taken_says_so(cli, home, tmp_path):
    assert cli("checkin", "--pain", "5", "--stiffness", "4").exit_code == 0
    html = tmp_path / "r.html"
    assert cli("report", "--format", "html", "-o", str(html)).exit_code == 0
    text = html.read_text()
    section = text[text.index('<section id="measures">') : text.index('<section id="notes">')]
    assert "No outcome measures recorded." in section


ROUTINE_WITH_MEASURES = """\
format: backcare-routine/1
name: With measures
measures:
  - {id: psfs}
  - {id: confidence, every_days: 7}
stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {id: cat-camel}
"""


def test_a_routine_can_say_which_measures_are_due_and_how_often(cli, home, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(ROUTINE_WITH_MEASURES)
    assert cli("routine", "import", str(path)).exit_code == 0
    due = cli.json("today", "--json")["measures_due"]
    assert [(d["id"], d["last"]) for d in due] == [("confidence", None), ("psfs", None)]
    assert "Outcome measure due: Patient-Specific Functional Scale (not taken yet)." in cli("today").stdout
    assert cli("measure", "take", "confidence", "--answers", "6").exit_code == 0
    assert cli("measure", "take", "psfs", "--activity", "Lifting", "--answers", "5").exit_code == 0
    assert cli.json("today", "--json")["measures_due"] == []
    week = cli.json("today", "--json", env={"BACKCARE_TODAY": "2026-12-04"})["measures_due"]
    assert [d["id"] for d in week] == ["confidence"]  # the routine's every_days: 7; psfs keeps the file's 14


def test_a_routine_listing_a_measure_twice_or_badly_is_located():
    from backcare.content.routines import check_routine_text

    text = ROUTINE_WITH_MEASURES.replace("{id: confidence, every_days: 7}", "{id: psfs, every_days: 0, often: 1}")
    routine, problems = check_routine_text(text, "r.yaml")
    assert routine is None
    assert [f"{p.line}:{p.column}" for p in problems] == ["5:10", "5:28", "5:31"]
    assert "listed twice" in problems[0].message and "every_days must be from 1 to 365" in problems[1].message
    assert 'unknown key "often"' in problems[2].message


def test_the_measure_format_documentation_example_checks_out():
    text = (ROOT / "docs" / "measure-format.md").read_text(encoding="utf-8")
    block = re.findall(r"```yaml\n(.*?)```", text, re.S)[0]
    checked = check_measure_text(block, "docs")
    assert checked.problems == [] and checked.measure.id == "clinic-sample"


@settings(max_examples=100, deadline=None)
@given(measures_and_answers(), st.randoms(use_true_random=False), st.booleans())
def test_answers_written_any_way_read_back_in_item_order(case, rnd, by_id):
    from backcare.services.measures import parse_answers

    measure, answers = case
    pairs = [
        (item.id if by_id else str(n), value) for n, (item, value) in enumerate(zip(measure.items, answers), start=1)
    ]
    rnd.shuffle(pairs)
    assert parse_answers(",".join(f"{k}={v}" for k, v in pairs), measure.items) == answers
    assert parse_answers(", ".join(str(v) for v in answers), measure.items) == answers


@settings(max_examples=100, deadline=None)
@given(measures_and_answers(), st.integers(0, 7), st.integers(-2000, 2000))
def test_an_answer_out_of_range_is_a_usage_error_naming_the_item(case, index, wrong):
    from backcare.errors import InvalidInput
    from backcare.services.measures import parse_answers

    measure, answers = case
    index %= len(answers)
    if wrong in measure.items[index].allowed():
        return
    bad = list(answers)
    bad[index] = wrong
    with pytest.raises(InvalidInput, match=f"item {index + 1} must be"):
        parse_answers(",".join(map(str, bad)), measure.items)


def test_measure_list_shows_each_measure_with_its_notice(cli, home):
    assert cli("measure", "import", str(EXAMPLE)).exit_code == 0
    text = cli("measure", "list").stdout
    assert "psfs           Patient-Specific Functional Scale (built in; every 14 days)" in text
    assert "Stratford" in text and "Free to use and adapt" in text
    assert "clinic-sample  Clinic sample questionnaire (imported from clinic-sample.yaml; every 28 days)" in text


def test_a_different_take_of_the_same_day_is_a_conflict_that_keeps_yours(cli, home, tmp_path, today):
    from tests.conftest import Cli

    assert cli("measure", "take", "confidence", "--answers", "4").exit_code == 0
    out = tmp_path / "export.json"
    assert cli("export", "--format", "json", "-o", str(out)).exit_code == 0
    other = Cli(tmp_path / "other")
    assert other("measure", "take", "confidence", "--answers", "8").exit_code == 0
    result = other("import", str(out))
    assert result.exit_code == 0, result.output
    assert f"Conflict: measure response confidence {today} differs in answers (kept yours)." in result.stdout
    assert responses(tmp_path / "other") == [("confidence", today.isoformat(), 8.0)]
    replaced = other("import", "--replace", str(out))  # with --replace the file's take wins
    assert replaced.exit_code == 0, replaced.output
    assert "replaced by the file's version" in replaced.stdout
    assert responses(tmp_path / "other") == [("confidence", today.isoformat(), 4.0)]


def test_the_pdf_report_carries_the_measure_scores(cli, home, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    two_psfs_takes(cli, 6)
    out = tmp_path / "r.pdf"
    assert cli("report", "--format", "pdf", "-o", str(out)).exit_code == 0
    text = " ".join((page.extract_text() or "") for page in pypdf.PdfReader(out).pages)
    words = " ".join(text.split())
    assert "Outcome measures" in words and "Patient-Specific Functional Scale" in words
    assert "+3.0 improved" in words
