"""The richer check-in: sleep and stress scales stated the same way everywhere, leg pain with its side, medicines
remembered for reuse, and recent tags offered by number."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.domain import checkin as ck
from backcare.domain import trends as tr
from backcare.errors import InvalidInput
from backcare.paths import DB_NAME
from backcare.store import Store
from tests.conftest import Cli

SLEEP = "0 = very poor, 10 = very good"
STRESS = "0 = none, 10 = extreme"


def stored(home):
    store = Store.open(home)
    try:
        return store.checkins()
    finally:
        store.close()


def at_terminal(cli, monkeypatch):
    monkeypatch.setattr("backcare.cli.checkin.interactive", lambda: True)
    assert cli("safety", "--none").exit_code == 0


def flat(text: str) -> str:
    """Output with its line wrapping undone."""
    return " ".join(text.split())


def days_ago(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


# -- sleep and stress: one direction in every output ------------------------------------------------


def test_scale_words_come_from_one_place():
    assert ck.scale("sleep") == SLEEP
    assert ck.scale("stress") == STRESS


def test_readme_states_the_same_scales():
    from pathlib import Path

    readme = flat((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8"))
    assert f"Sleep quality: {SLEEP}" in readme
    assert f"Stress: {STRESS}." in readme
    assert "Pain, stiffness and leg pain: 0 = none, 10 = worst imaginable." in readme


def test_help_states_what_sleep_and_stress_0_and_10_mean(cli):
    result = cli("checkin", "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"Sleep quality last night ({SLEEP})" in flat(result.stdout)
    assert f"Stress today ({STRESS})" in flat(result.stdout)


def test_prompt_states_sleep_as_10_very_good_and_never_10_worst_for_it(cli, home, monkeypatch):
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n8\n2\n\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert f"Sleep quality last night ({SLEEP}; optional)" in result.stderr
    assert f"Stress today ({STRESS}; optional)" in result.stderr
    # the only scale line before this change said "10 = worst imaginable" for every question
    assert "(0 = none, 10 = worst imaginable; Enter skips" not in result.stderr
    [c] = stored(home)
    assert (c.sleep, c.stress) == (8, 2)


def test_history_table_says_what_sleep_and_stress_mean(cli):
    cli("checkin", "-p", "3", "-s", "4", "--sleep", "8", "--stress", "2")
    result = cli("history", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"Sleep {SLEEP}; stress {STRESS}" in flat(result.stdout)  # (and any score added after them)


def test_dashboard_shows_todays_sleep_and_stress_with_their_direction(cli):
    cli("checkin", "-p", "3", "-s", "4", "--sleep", "8", "--stress", "2")
    result = cli(env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"Sleep 8 ({SLEEP}), stress 2 ({STRESS})." in result.stdout


def test_trend_shows_sleep_and_stress_with_their_direction(cli):
    for n, (sleep, stress) in enumerate([(8, 2), (6, 4), (None, 6)]):
        args = ["-p", "3", "-s", "4", "--date", days_ago(n)]
        args += ["--sleep", str(sleep)] if sleep is not None else []
        cli("checkin", *args, "--stress", str(stress))
    data = cli.json("trend", "--json")
    sleep, stress = data["daily"]["sleep"], data["daily"]["stress"]
    assert (sleep["days"], sleep["mean"], sleep["scale"]) == (2, 7.0, SLEEP)
    assert (stress["days"], stress["mean"], stress["scale"]) == (3, 4.0, STRESS)
    today = data["series"][-1]
    assert (today["sleep"], today["stress"]) == (8, 2)
    text = flat(cli("trend", env={"COLUMNS": "200"}).stdout)
    assert f"Sleep: recorded on 2 days, average 7.0, last 2 recorded 7.0 ({SLEEP})." in text
    assert f"Stress: recorded on 3 days, average 4.0, last 3 recorded 4.0 ({STRESS})." in text
    assert "Leg pain" not in text and "Medicines" not in text  # never recorded: not shown


def test_fhir_text_states_the_same_directions(cli):
    cli("checkin", "-p", "3", "-s", "4", "--sleep", "8", "--stress", "2", "--leg-pain", "5")
    bundle = cli.json("export", "--format", "fhir")
    texts = {e["resource"]["code"]["coding"][0]["code"]: e["resource"]["code"]["text"] for e in bundle["entry"]}
    assert SLEEP in texts["sleep-quality"]
    assert STRESS in texts["stress"]
    assert ck.scale("leg_pain") in texts["leg-pain"]


# -- leg pain ---------------------------------------------------------------------------------------


def test_leg_pain_and_side_are_stored_and_shown(cli, home):
    result = cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--leg-side", "Left")
    assert result.exit_code == 0, result.output
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (6, "left")
    assert "6 left" in cli("history", env={"COLUMNS": "200"}).stdout
    [row] = cli.json("history", "--json")
    assert (row["leg_pain"], row["leg_side"]) == (6, "left")
    data = cli.json("trend", "--json")
    leg = data["daily"]["leg_pain"]
    assert (leg["days"], leg["mean"], leg["scale"]) == (1, 6.0, ck.scale("leg_pain"))
    text = flat(cli("trend", env={"COLUMNS": "200"}).stdout)
    assert "Leg pain: recorded on 1 day, average 6.0" in text
    assert (data["series"][-1]["leg_pain"], data["series"][-1]["leg_side"]) == (6, "left")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--leg-side", "left"], "--leg-pain"),
        (["--leg-pain", "0", "--leg-side", "right"], "no side"),
        (["--leg-pain", "4", "--leg-side", "up"], "left, right or both"),
        (["--leg-pain", "11"], "0 to 10"),
    ],
)
def test_leg_usage_errors_exit_2_and_store_nothing(cli, home, args, words):
    result = cli("checkin", "-p", "3", "-s", "4", *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert stored(home) == []


def test_new_leg_pain_of_0_clears_the_side(cli, home):
    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--leg-side", "both")
    result = cli("checkin", "--leg-pain", "0", "--med", "ibuprofen")
    assert result.exit_code == 0
    assert "leg pain 6 -> 0, leg side 'both' -> none, medicines none -> ibuprofen." in result.stdout
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (0, None)


def test_interactive_asks_about_the_leg_after_a_yes(cli, home, monkeypatch):
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\ny\n7\nright\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Any pain down the leg today?" in result.stderr
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (7, "right")


def test_interactive_no_leg_pain_stores_none(cli, home, monkeypatch):
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\nn\n\n\n\n")
    assert result.exit_code == 0, result.output
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (None, None)


def test_interactive_asks_leg_pain_straight_away_after_recent_leg_pain(cli, home, monkeypatch):
    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "5", "--date", days_ago(2))
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\n2\n\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Any pain down the leg today?" not in result.stderr
    assert "Pain down the leg today (0 = none, 10 = worst imaginable)" in result.stderr
    assert stored(home)[-1].leg_pain == 2


@given(pain=st.integers(0, 10), side=st.sampled_from([None, "left", "right", "both", "LEFT", "up", ""]))
def test_parse_leg_rule(pain, side):
    try:
        got = ck.parse_leg(pain, side)
    except InvalidInput:
        assert side is not None and (pain == 0 or side.strip().lower() not in ck.LEG_SIDES)
    else:
        assert got == (pain, None if side is None else side.lower())
        assert got[1] is None or got[0] > 0


# -- medicines --------------------------------------------------------------------------------------


def test_medicines_are_stored_once_each_and_keep_their_first_spelling(cli, home):
    cli("checkin", "-p", "3", "-s", "4", "--med", "Ibuprofen 400mg", "--date", days_ago(1))
    result = cli("checkin", "-p", "3", "-s", "4", "--med", "ibuprofen  400MG", "--med", "IBUPROFEN 400mg")
    assert result.exit_code == 0, result.output
    assert [c.meds for c in stored(home)] == [("Ibuprofen 400mg",), ("Ibuprofen 400mg",)]
    data = cli.json("trend", "--json")
    meds = data["daily"]["medicines"]
    assert (meds["days"], meds["by_name"]) == (2, [{"name": "Ibuprofen 400mg", "days": 2}])
    text = flat(cli("trend", env={"COLUMNS": "200"}).stdout)
    assert "Medicines: on 2 of 2 check-in days (Ibuprofen 400mg on 2)." in text


def test_a_medicine_with_control_characters_is_refused(cli, home):
    result = cli("checkin", "-p", "3", "-s", "4", "--med", "ibu\x1b[2Jprofen")
    assert result.exit_code == 2
    assert "control characters" in result.stderr
    assert stored(home) == []


def test_an_import_with_control_characters_in_a_medicine_is_refused(cli, home, tmp_path):
    record = {"date": days_ago(0), "pain": 3, "stiffness": 4, "meds": ["pill\u202eevil"]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": "backcare-export", "version": 1, "checkins": [record]}))
    result = cli("import", str(path))
    # the import refuses what `checkin --med` refuses
    assert result.exit_code == 1 and "control characters" in result.output
    assert stored(home) == []


def test_interactive_offers_recent_medicines_and_tags_by_number(cli, home, monkeypatch):
    cli("checkin", "-p", "3", "-s", "4", "--med", "paracetamol 1g", "-t", "gardening", "--date", days_ago(2))
    cli("checkin", "-p", "3", "-s", "4", "--med", "ibuprofen 400mg", "-t", "desk", "--date", days_ago(1))
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\n\n2, naproxen 250mg\n1 2 long-drive\n\n")
    assert result.exit_code == 0, result.output
    assert "1) ibuprofen 400mg  2) paracetamol 1g" in result.stderr
    assert "1) desk  2) gardening" in result.stderr
    assert "pick numbers or type new ones" in result.stderr
    c = stored(home)[-1]
    assert c.meds == ("paracetamol 1g", "naproxen 250mg")
    assert c.tags == ("desk", "gardening", "long-drive")


def test_a_number_that_is_not_offered_is_asked_again(cli, home, monkeypatch):
    cli("checkin", "-p", "3", "-s", "4", "-t", "desk", "--date", days_ago(1))
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\n\n\n5\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "Pick a number from 1 to 1" in result.stderr
    assert stored(home)[-1].tags == ("desk",)


@given(
    offered=st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), unique=True, max_size=9),
    picks=st.lists(st.integers(1, 9), max_size=5),
)
def test_pick_by_number_names_the_offered_items(offered, picks):
    picks = [p for p in picks if p <= len(offered)]
    got = ck.pick(" ".join(map(str, picks)), offered, words=True)
    assert got == list(dict.fromkeys(offered[p - 1] for p in picks))


@given(st.lists(st.text(min_size=1, max_size=30), max_size=8))
def test_parse_meds_is_idempotent_and_unique_by_case(raw):
    try:
        meds = ck.parse_meds(raw)
    except InvalidInput:
        return
    if meds is None:
        return
    assert ck.parse_meds(list(meds)) == meds
    assert len({m.casefold() for m in meds}) == len(meds)


# -- exports and imports ------------------------------------------------------------------------------


def test_new_fields_round_trip_through_json_and_appear_in_csv_and_fhir(cli, home, tmp_path):
    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--leg-side", "right", "--med", "=cmd|x", "--med", "b")
    cli("checkin", "-p", "2", "-s", "2", "--date", days_ago(1))
    out = tmp_path / "all.json"
    assert cli("export", "-o", str(out)).exit_code == 0
    records = json.loads(out.read_text())["checkins"]
    assert (records[-1]["leg_pain"], records[-1]["leg_side"], records[-1]["meds"]) == (6, "right", ["=cmd|x", "b"])
    target = Cli(tmp_path / "other")
    result = target("import", str(out))
    assert result.exit_code == 0, result.output
    assert stored(tmp_path / "other") == stored(home)
    assert target("import", str(out)).exit_code == 0  # again: everything is the same, no conflicts
    assert "no conflicts" in target("import", str(out)).stdout

    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout, newline="")))
    assert (rows[-1]["leg_pain"], rows[-1]["leg_side"], rows[-1]["meds"]) == ("6", "right", "'=cmd|x;b")
    assert (rows[0]["leg_pain"], rows[0]["leg_side"], rows[0]["meds"]) == ("", "", "")

    bundle = cli.json("export", "--format", "fhir")
    [leg] = [e["resource"] for e in bundle["entry"] if e["resource"]["code"]["coding"][0]["code"] == "leg-pain"]
    assert leg["valueQuantity"]["value"] == 6 and leg["bodySite"] == {"text": "right leg"}
    assert leg["code"]["coding"][0]["system"] != "http://loinc.org"


def test_fhir_with_leg_pain_validates_against_r4b(cli):
    from fhir.resources.R4B.bundle import Bundle

    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--leg-side", "both")
    data = cli.json("export", "--format", "fhir")
    validate = getattr(Bundle, "model_validate", None) or Bundle.parse_obj
    assert len(validate(data).entry) == 3


def test_an_older_export_without_the_new_fields_still_imports(cli, home, tmp_path):
    old = {
        "format": "backcare-export",
        "version": 1,
        "checkins": [{"date": days_ago(1), "pain": 3, "stiffness": 4, "sleep": 7, "stress": 2, "tags": ["desk"]}],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side, c.meds, c.sleep) == (None, None, (), 7)
    assert "no conflicts" in cli("import", str(path)).stdout


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"leg_side": "left"}, "leg_side"),
        ({"leg_pain": 0, "leg_side": "left"}, "leg_side"),
        ({"leg_pain": 3, "leg_side": "up"}, "left, right or both"),
        ({"leg_pain": 12}, "leg_pain"),
        ({"meds": "ibuprofen"}, "meds must be a list"),
        ({"meds": ["a", "A"]}, "meds"),
    ],
)
def test_a_bad_new_field_in_an_import_exits_1_and_changes_nothing(cli, home, tmp_path, extra, words):
    cli("checkin", "-p", "2", "-s", "2", "--date", days_ago(3))
    record = {"date": days_ago(1), "pain": 3, "stiffness": 4, **extra}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "backcare-export", "version": 1, "checkins": [record]}))
    before = stored(home)
    result = cli("import", str(path))
    assert result.exit_code == 1, result.output
    assert words in result.output and "Traceback" not in result.output
    assert stored(home) == before


def test_a_database_from_before_keeps_its_check_ins(home):
    from backcare.store import migrations

    home.mkdir(parents=True)
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    migrations.apply(db, upto=migrations.LATEST - 1)
    db.execute(
        "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, recorded_at, updated_at)"
        " VALUES ('2026-01-05', 3, 4, 7, 2, 'fine', '[\"desk\"]', 'x', 'x')"
    )
    db.close()
    [c] = stored(home)
    assert (c.pain, c.sleep, c.tags, c.leg_pain, c.leg_side, c.meds) == (3, 7, ("desk",), None, None, ())


def test_leg_pain_and_medicine_days_count_only_what_was_recorded():
    day = clock.today()
    rows = [
        ck.CheckIn(day, 3, 3, sleep=6, leg_pain=0, meds=("a",)),
        ck.CheckIn(day + timedelta(days=1), 3, 3, stress=4, leg_pain=5, leg_side="left", meds=("a", "b")),
        ck.CheckIn(day + timedelta(days=2), 3, 3),
    ]
    leg = tr.score_summary(rows, "leg_pain")
    assert (leg.days, leg.mean) == (2, 2.5)
    assert leg.words.startswith("Leg pain: recorded on 2 days")
    assert tr.score_summary(rows[2:], "leg_pain").words.startswith("Leg pain: not recorded in this period (--leg-pain")
    meds = tr.medicine_days(rows)
    assert (meds.days, meds.checkins, meds.by_name) == (2, 3, [("a", 2), ("b", 1)])
    assert tr.medicine_days(rows[2:]).days == 0


LEG_ROUTINE = """format: backcare-routine/1
name: Sciatica plan
leg_symptoms: {flag}
stages:
  - id: gentle
    name: Gentle
    exercises:
      - {{id: cat-camel, sets: 2, reps: 10}}
"""


def test_a_routine_that_says_leg_symptoms_matter_gets_leg_pain_asked_every_day(cli, home, tmp_path, monkeypatch):
    path = tmp_path / "sciatica.yaml"
    path.write_text(LEG_ROUTINE.format(flag="true"))
    result = cli("routine", "import", str(path))
    assert result.exit_code == 0, result.output
    at_terminal(cli, monkeypatch)
    result = cli("checkin", input="4\n3\n\n\n3\nboth\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Any pain down the leg today?" not in result.stderr
    assert "Pain down the leg today (0 = none, 10 = worst imaginable)" in result.stderr
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (3, "both")


def test_leg_symptoms_in_a_routine_must_be_true_or_false(cli, tmp_path):
    path = tmp_path / "sciatica.yaml"
    path.write_text(LEG_ROUTINE.format(flag='"yes"'))
    result = cli("routine", "check", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:15: leg_symptoms must be true or false" in result.output


def test_an_older_export_merged_into_a_home_with_leg_pain_and_medicines_keeps_them(cli, home, tmp_path):
    day = days_ago(1)
    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "5", "--leg-side", "left", "--med", "ibuprofen", "-d", day)
    old = {"format": "backcare-export", "version": 1, "checkins": [{"date": day, "pain": 3, "stiffness": 4}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    for extra in ([], ["--replace"]):
        result = cli("import", str(path), *extra)
        assert result.exit_code == 0, result.output
        assert "no conflicts" in result.stdout
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side, c.meds) == (5, "left", ("ibuprofen",))


def screened_with_recent_tags_and_medicine(home):
    """A home screened on the terminal tests' day whose day before has tags desk and walk and a medicine."""
    from datetime import date

    from backcare.domain.safety import all_clear
    from tests.test_sessions_pty import DAY

    store = Store.open(home)
    try:
        store.record_screen(all_clear(date.fromisoformat(DAY)))
        day = date.fromisoformat(DAY) - timedelta(days=1)
        store.update_checkin(day, lambda _: ck.CheckIn(day, 3, 3, tags=("desk", "walk"), meds=("ibuprofen 400mg",)))
    finally:
        store.close()


def test_a_check_in_at_a_real_terminal_offers_tags_and_medicines_by_number(home):
    """Through a pseudo-terminal, as a person types it."""
    from tests.test_sessions_pty import Terminal

    screened_with_recent_tags_and_medicine(home)
    t = Terminal(home, "checkin")
    t.answer("(0 = no pain, 10 = worst imaginable): ", b"4\r")
    t.answer("Stiffness (0 = none, 10 = worst imaginable): ", b"3\r")
    t.answer(f"Sleep quality last night ({SLEEP}; optional): ", b"9\r")
    t.answer(f"Stress today ({STRESS}; optional): ", b"1\r")
    t.answer("Any pain down the leg today? [y/n, Enter for no]: ", b"y\r")
    t.answer("Pain down the leg today (0 = none, 10 = worst imaginable): ", b"5\r")
    t.answer("Which leg: left, right or both? (Enter skips): ", b"left\r")
    t.expect("1) ibuprofen 400mg")
    t.answer("pick numbers or type new ones (optional): ", b"1\r")
    t.expect("1) desk  2) walk")
    t.answer("pick numbers or type new ones (optional): ", b"2 gardening\r")
    t.answer("A short note (optional): ", b"\r")
    assert t.finish() == 0, t.text
    c = stored(home)[-1]
    assert (c.pain, c.sleep, c.stress, c.leg_pain, c.leg_side) == (4, 9, 1, 5, "left")
    assert (c.meds, c.tags) == (("ibuprofen 400mg",), ("walk", "gardening"))
