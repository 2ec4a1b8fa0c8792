"""The progression a physio controls, through the CLI with BACKCARE_TODAY moving the clock.

Each test reproduces one finding from trying backcare as a physio and as a patient over simulated weeks.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from backcare.store import Store

START = date(2026, 3, 2)


def on(n: int) -> dict:
    return {"BACKCARE_TODAY": (START + timedelta(days=n)).isoformat()}


def checkin(cli, n, pain, stiffness=3):
    result = cli("checkin", "-p", str(pain), "-s", str(stiffness), env=on(n))
    assert result.exit_code == 0, result.output


def session(cli, n, done="all", pain=3):
    result = cli("session", "--done", done, "--pain-during", str(pain), env=on(n))
    assert result.exit_code == 0, result.output
    return result.stdout


def today(cli, n) -> dict:
    return cli.json("today", "--json", env=on(n))["progression"]


def moves(cli, n):
    history = cli.json("routine", "why", "--json", env=on(n))["history"]
    return [(e["date"], e["decision"], e["stage"]) for e in history if e["decision"] in ("advance", "step_back")]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TWO_STAGES = """\
format: backcare-routine/1
name: Two stages
{progression}stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {{id: cat-camel}}
      - {{id: pelvic-tilt}}
      - {{id: knee-to-chest}}
{advance}  - id: strength
    name: Get stronger
    exercises:
      - {{id: glute-bridge}}
"""


# -- finding 1: a non-final stage without `advance` ------------------------------------------
def test_check_refuses_a_middle_stage_without_advance_and_names_the_place(cli, tmp_path):
    path = write(tmp_path, "r.yaml", TWO_STAGES.format(progression="", advance=""))
    result = cli("routine", "check", str(path))
    assert result.exit_code == 1
    assert f'{path}:4:5: stage "mobility" is not the last stage but has no advance rule' in result.stdout
    assert "advance: manual" in result.stdout
    assert cli("routine", "import", str(path)).exit_code == 1


def test_advance_manual_passes_check_and_waits_for_the_physio(cli, tmp_path):
    path = write(tmp_path, "r.yaml", TWO_STAGES.format(progression="", advance="    advance: manual\n"))
    assert cli("routine", "check", str(path)).exit_code == 0
    assert cli("routine", "import", str(path)).exit_code == 0
    cli("safety", "--none", env=on(0))
    for n in range(20):
        checkin(cli, n, 2)
        session(cli, n)
    prog = today(cli, 20)
    assert prog["decision"] == "hold" and prog["stage"]["id"] == "mobility"
    text = " ".join(prog["reasons"])
    assert "last stage" not in text and "backcare routine stage strength" in text
    assert cli("routine", "stage", "strength", "--reason", "Physio review", env=on(20)).exit_code == 0
    assert today(cli, 20)["stage"]["id"] == "strength"


def test_a_stored_routine_from_before_the_rule_still_works_and_never_says_last_stage(cli, home):
    text = TWO_STAGES.format(progression="", advance="")
    store = Store.open(home)
    store.save_routine("old", text, None)  # imported by an older backcare, before the check existed
    store.set_setting("active_routine", "old")
    store.close()
    cli("safety", "--none", env=on(0))
    checkin(cli, 0, 2)
    prog = today(cli, 0)
    assert prog["stage"]["id"] == "mobility"
    assert not any("last stage" in r for r in prog["reasons"])


def test_check_warns_about_an_unused_rule_and_a_pain_limit_above_5_but_exits_0(cli, tmp_path):
    text = (
        TWO_STAGES.format(
            progression="progression:\n  pain_limit: 6\n", advance="    advance: {sessions: 5, days: 7}\n"
        )
        + "    advance: {sessions: 3}\n"
    )
    path = write(tmp_path, "w.yaml", text)
    result = cli("routine", "check", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:4:15: warning: a pain limit of 6/10 is above the 5/10")
    assert lines[1] == f'{path}:17:14: warning: stage "strength" is the last stage, so its advance rule is never used'
    assert lines[2] == f"{path}: ok (2 stages, 4 exercises, 2 warnings)"


# -- finding 5: usual pain, recurrences, and the physio's pain limit --------------------------
def test_usual_pain_of_7_to_8_is_not_a_flare_every_day(cli):
    cli("safety", "--none", env=on(0))
    for n in range(21):
        result = cli("checkin", "-p", str(7 + n % 2), "-s", "3", env=on(n))
        if n > 3:  # once the usual level is known, an 8 is not a "high-pain day" for this person
            assert "flare-up plan" not in result.stdout
        prog = today(cli, n)
        assert prog["decision"] != "step_back" and not prog["flare"], (n, prog["reasons"])


def test_a_9_after_days_at_3_points_to_the_flare_up_plan(cli):
    for n in range(4):
        checkin(cli, n, 3)
    assert "flare-up plan" in cli("checkin", "-p", "9", "-s", "5", env=on(4)).stdout


def test_a_recurrence_to_6_and_7_after_weeks_at_2_is_seen(cli):
    cli("safety", "--none", env=on(0))
    for n in range(30):
        checkin(cli, n, 7 if n < 5 else 2)
    checkin(cli, 30, 6)
    checkin(cli, 31, 7)
    prog = today(cli, 31)
    assert prog["flare"] and prog["decision"] == "step_back"
    assert any("usual level" in r for r in prog["reasons"])


def test_the_physios_pain_limit_of_6_is_the_one_stated_everywhere(cli, tmp_path):
    text = TWO_STAGES.format(
        progression="progression:\n  pain_limit: 6\n", advance="    advance: {sessions: 3, days: 3}\n"
    )
    assert cli("routine", "import", str(write(tmp_path, "six.yaml", text))).exit_code == 0
    cli("safety", "--none", env=on(0))
    for n in range(4):
        checkin(cli, n, 3)
    out = session(cli, 0, pain=6)
    assert "above" not in out  # 6/10 is within the physio's limit
    out = session(cli, 1, pain=7)
    assert "above 6/10" in out and "5/10" not in out
    session(cli, 2, pain=7)
    prog = today(cli, 2)
    assert prog["decision"] == "step_back"
    assert any("above 6/10 in two sessions running" in r for r in prog["reasons"])
    assert cli.json("routine", "show", "--json", env=on(2))["pain_limit"] == 6
    topic = cli("learn", "flare-up-plan", env=on(2)).stdout
    assert "6/10" in topic and "5/10" not in topic and "{pain_limit}" not in topic


def test_topics_state_5_of_10_with_the_built_in_routine(cli):
    topic = cli("learn", "how-your-routine-progresses").stdout
    assert "5/10" in topic and "{pain_limit}" not in topic


# -- finding 6: back after a three-week gap ----------------------------------------------------
def test_no_advance_on_the_day_of_return_after_a_three_week_gap(cli):
    cli("safety", "--none", env=on(0))
    for n in range(5):
        checkin(cli, n, 3)
        session(cli, n)
    assert today(cli, 4)["decision"] == "hold"  # 4 of 7 days
    checkin(cli, 26, 5)
    session(cli, 26)
    prog = today(cli, 26)
    assert prog["decision"] == "hold" and prog["stage"]["id"] == "mobility"
    assert any("break" in r for r in prog["reasons"])
    checkin(cli, 27, 3)
    session(cli, 27)
    assert today(cli, 27)["decision"] == "hold"  # one re-entry session done before today
    checkin(cli, 28, 3)
    assert today(cli, 28)["decision"] == "advance"


def test_no_advance_without_a_recent_checkin(cli):
    cli("safety", "--none", env=on(0))
    checkin(cli, 0, 3)
    for n in range(8):
        session(cli, n)
    prog = today(cli, 8)
    assert prog["decision"] == "hold" and any("No check-in since" in r for r in prog["reasons"])


# -- finding 7: stiffness rising week on week -------------------------------------------------
def test_stiffness_rising_from_2_to_7_holds(cli):
    cli("safety", "--none", env=on(0))
    for n in range(12):
        checkin(cli, n, 3, stiffness=2 if n < 5 else 7)
    for n in range(7, 12):
        session(cli, n)
    prog = today(cli, 11)
    assert prog["decision"] == "hold"
    assert any("average stiffness this week" in r for r in prog["reasons"])


# -- finding 8: a walk out of six exercises ---------------------------------------------------
def test_only_the_walk_is_not_a_session(cli):
    cli("safety", "--none", env=on(0))
    outputs = []
    for n in range(9):
        checkin(cli, n, 3)
        outputs.append(session(cli, n, done="walk-easy", pain=2))
    prog = today(cli, 8)
    assert prog["decision"] == "hold" and prog["stage"]["id"] == "mobility"
    assert any("0 of 5 session days" in r for r in prog["reasons"])
    assert all("1 of 6 exercises done" in out and "this one does not" in out for out in outputs)


# -- finding 9: one flare, one step back; the day's decision is kept --------------------------
def test_a_settling_flare_steps_back_once_and_a_reread_keeps_the_plan(cli):
    cli("safety", "--none", env=on(0))
    for n in range(10):
        checkin(cli, n, 3)
        if n < 8:
            session(cli, n)
        today(cli, n)
    assert moves(cli, 9) == [((START + timedelta(days=7)).isoformat(), "advance", "control")]
    for n, pain in ((10, 8), (11, 7), (12, 6)):
        checkin(cli, n, pain)
        first = cli("today", "--json", env=on(n)).stdout
        again = cli("today", "--json", env=on(n)).stdout
        assert json.loads(first)["progression"] == json.loads(again)["progression"]
        prog = json.loads(again)["progression"]
        assert prog["stage"]["id"] == "mobility" and prog["flare"]
        assert any("Flare-up plan" in r for r in prog["reasons"])
        assert prog["decision"] == ("step_back" if n == 10 else "hold")
        assert "Flare-up plan" in cli("today", env=on(n)).stdout
    steps = [m for m in moves(cli, 12) if m[1] == "step_back"]
    assert steps == [((START + timedelta(days=10)).isoformat(), "step_back", "mobility")]


def test_reading_the_day_again_writes_nothing_and_a_later_checkin_replaces_the_days_entry(cli, home):
    cli("safety", "--none", env=on(0))
    for n in range(8):
        checkin(cli, n, 3)
        if n < 7:
            session(cli, n)
    assert today(cli, 7)["decision"] == "advance"
    store = Store.open(home)
    rows = store.counts()["stage_history"]
    for _ in range(3):
        assert today(cli, 7)["decision"] == "advance"
        cli("routine", "why", env=on(7))
    assert store.counts()["stage_history"] == rows
    # the same evening the check-in is changed to 9/10, a flare-up: the day's advance is replaced, not added to
    checkin(cli, 7, 9)
    prog = today(cli, 7)
    assert prog["decision"] == "step_back" and prog["flare"]
    day8 = [e for e in store.stage_history() if e.day == START + timedelta(days=7) and not e.manual]
    assert [e.decision for e in day8] == ["step_back"]
    store.close()


def test_the_guided_session_header_states_the_routines_pain_limit(cli, tmp_path, monkeypatch):
    text = TWO_STAGES.format(progression="progression:\n  pain_limit: 4\n", advance="    advance: manual\n")
    assert cli("routine", "import", str(write(tmp_path, "four.yaml", text))).exit_code == 0
    cli("safety", "--none", env=on(0))
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    result = cli("session", "--no-timer", input="d\nd\nd\n3\n\n", env=on(0))
    assert result.exit_code == 0, result.output
    assert "Pain up to 4/10 during the exercises" in result.stdout and "5/10" not in result.stdout
