"""The clinical scenarios shipped in examples/scenarios/, replayed with `backcare routine simulate`.

Each scenario is a course a physio would try before handing backcare out, with the answer the clinical review
asks for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backcare.domain.course import parse_course

# On several workers these tests share one (and so one replay of each scenario: see `replay`).
pytestmark = pytest.mark.xdist_group("scenarios")

SCENARIOS = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
ROUTINE = SCENARIOS / "routine.yaml"


# What `routine simulate --json` printed for each (routine, scenario): a replay reads only those two files (it never
# touches a home), so each pair is replayed once per run and every test parses its own copy of the rows.
_REPLAYED: dict[tuple[Path, str], str] = {}


def replay(cli, name: str, routine: Path = ROUTINE) -> list[dict]:
    key = (routine, name)
    if key not in _REPLAYED:
        result = cli("routine", "simulate", str(routine), str(SCENARIOS / name), "--json")
        assert result.exit_code == 0, result.output
        _REPLAYED[key] = result.stdout
    return json.loads(_REPLAYED[key])


def decisions(rows: list[dict], decision: str, start: str = "0000", end: str = "9999") -> list[str]:
    return [r["date"] for r in rows if r["decision"] == decision and start <= r["date"] <= end]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.csv")), ids=lambda p: p.name)
def test_every_scenario_parses_and_replays(cli, path):
    days, problems = parse_course(path.read_text(encoding="utf-8"))
    assert problems == [] and len(days) >= 7
    rows = replay(cli, path.name)
    assert rows[0]["date"] == days[0].day.isoformat() and rows[-1]["date"] == days[-1].day.isoformat()
    assert len(rows) == (days[-1].day - days[0].day).days + 1
    assert all(r["reasons"] for r in rows)


def test_the_readme_describes_every_scenario():
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    for path in SCENARIOS.glob("*.csv"):
        assert path.name in readme, path.name


# -- a non-final stage without an advance rule ---------------------------------------------------------------
def test_the_same_course_moves_on_through_a_routine_with_advance_rules(cli):
    rows = replay(cli, "no-advance.csv")
    assert decisions(rows, "advance")


def test_a_non_final_stage_without_advance_is_refused_with_its_place(cli):
    routine = SCENARIOS / "no-advance.yaml"
    result = cli("routine", "simulate", str(routine), str(SCENARIOS / "no-advance.csv"))
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(routine))}:\d+:\d+: .*advance", result.stderr, re.M), result.stderr
    assert "manual" in result.stderr


# -- a historical red flag, then a clinician's clearance -------------------------------------------------------
def test_a_history_item_allows_no_progression_before_the_clearance(cli):
    rows = replay(cli, "history-then-clearance.csv")
    assert decisions(rows, "advance", end="2026-03-11") == []


def test_after_the_clearance_exercises_and_progression_resume(cli):
    rows = replay(cli, "history-then-clearance.csv")
    after = [r for r in rows if r["date"] >= "2026-03-12"]
    assert all(r["decision"] != "stop" for r in after)
    assert decisions(rows, "advance", start="2026-03-12")


# -- an emergency answer ---------------------------------------------------------------------------------------
def test_an_emergency_answer_stops_until_a_later_clear_screen(cli):
    rows = replay(cli, "emergency-answer.csv")
    assert decisions(rows, "stop") == [f"2026-03-{d:02d}" for d in range(8, 15)]
    assert decisions(rows, "advance", end="2026-03-14") == []
    stopped = next(r for r in rows if r["date"] == "2026-03-08")
    assert any("No session" in n for n in stopped["notes"])


def test_an_emergency_stop_names_the_emergency_department(cli):
    rows = replay(cli, "emergency-answer.csv")
    for r in rows:
        if r["decision"] == "stop":
            assert "emergency department" in " ".join(r["reasons"]).lower(), r


# -- usual pain 7-8 --------------------------------------------------------------------------------------------
def test_usual_pain_of_7_to_8_is_not_a_flare_every_day(cli):
    rows = replay(cli, "usual-pain-7-8.csv")
    assert decisions(rows, "step_back") == []
    assert not any("Flare-up" in reason for r in rows for reason in r["reasons"])
    assert decisions(rows, "advance")


# -- a recurrence after recovery -------------------------------------------------------------------------------
def test_recovery_progresses_before_the_recurrence(cli):
    rows = replay(cli, "recurrence-after-recovery.csv")
    assert decisions(rows, "advance", end="2026-04-05")
    assert decisions(rows, "step_back", end="2026-04-05") == []


def test_a_recurrence_to_6_or_7_after_recovering_to_2_is_a_flare(cli):
    rows = replay(cli, "recurrence-after-recovery.csv")
    assert len(decisions(rows, "step_back", start="2026-04-06")) == 1


# -- a three-week gap ------------------------------------------------------------------------------------------
def test_the_course_advances_before_the_gap(cli):
    rows = replay(cli, "three-week-gap.csv")
    assert decisions(rows, "advance", end="2026-03-15") == ["2026-03-09"]


def test_no_advance_through_a_three_week_gap_or_on_return(cli):
    rows = replay(cli, "three-week-gap.csv")
    # the gap is 16 March - 5 April; back on 6 April, re-entry sessions on 6 and 7 April
    assert decisions(rows, "advance", start="2026-03-16", end="2026-04-07") == []


# -- stiffness rising ------------------------------------------------------------------------------------------
def test_rising_stiffness_holds_progression(cli):
    rows = replay(cli, "stiffness-rising.csv")
    assert decisions(rows, "advance") == []
    assert any("stiffness" in reason.lower() for r in rows for reason in r["reasons"])


# -- 1 of 6 exercises ------------------------------------------------------------------------------------------
def test_one_exercise_a_day_is_logged_as_one_of_six(cli):
    rows = replay(cli, "one-of-six-exercises.csv")
    assert any("1 of 6 exercises done" in n for n in rows[0]["notes"])


def test_one_of_six_exercises_is_not_enough_to_advance(cli):
    rows = replay(cli, "one-of-six-exercises.csv")
    assert decisions(rows, "advance") == []


# -- a settling flare 8-7-6 ------------------------------------------------------------------------------------
def test_the_flare_day_steps_back_with_the_flare_plan(cli):
    rows = replay(cli, "settling-flare.csv")
    flare = next(r for r in rows if r["date"] == "2026-03-16")
    assert flare["decision"] == "step_back"
    assert any("8/10" in reason for reason in flare["reasons"])
    assert any(reason.startswith("Flare-up plan") for reason in flare["reasons"])


def test_a_settling_flare_steps_back_once(cli):
    rows = replay(cli, "settling-flare.csv")
    assert decisions(rows, "step_back") == ["2026-03-16"]


# -- pain during a session of 9/10 -----------------------------------------------------------------------------
def test_pain_during_9_holds_progression(cli):
    rows = replay(cli, "pain-during-9.csv")
    assert decisions(rows, "advance", start="2026-03-12") == []
    assert any("9/10" in reason for r in rows[11:] for reason in r["reasons"])


def test_pain_during_9_advises_contacting_the_physio(cli):
    rows = replay(cli, "pain-during-9.csv")
    day = next(r for r in rows if r["date"] == "2026-03-12")
    assert any("physio" in note.lower() for note in day["notes"]), day["notes"]
