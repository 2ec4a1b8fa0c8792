"""Routines, sessions and progression through the CLI, as a person and a physio use them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare.store import Store

REPO = Path(__file__).resolve().parents[1]
START = date(2026, 1, 5)


def on(n: int) -> dict:
    return {"BACKCARE_TODAY": (START + timedelta(days=n)).isoformat()}


def test_routine_show_json_shape(cli):
    cli("safety", "--none")
    data = cli.json("routine", "show", "--json")
    assert data["name"] == "Back on track (built-in)"
    assert data["stage"] == {"id": "mobility", "name": "Ease into movement"}
    first = data["exercises"][0]
    for key in ("id", "name", "sets", "reps", "hold_seconds", "side"):
        assert key in first
    knee = next(e for e in data["exercises"] if e["id"] == "knee-to-chest")
    assert (knee["reps"], knee["hold_seconds"], knee["side"]) == (3, 20, "each")


def test_routine_alone_shows_the_routine(cli):
    cli("safety", "--none")
    result = cli("routine")
    assert result.exit_code == 0, result.output
    assert "Cat-camel" in result.stdout and "backcare session" in result.stdout


def test_today_json_has_progression_and_topic(cli):
    cli("safety", "--none")
    data = cli.json("today", "--json")
    prog = data["progression"]
    assert prog["decision"] in ("hold", "advance", "step_back", "stop")
    assert prog["stage"]["id"] == "mobility" and prog["reasons"] and prog["exercises"]


def test_session_non_interactive_records_done_and_skipped(cli, home):
    cli("safety", "--none")
    result = cli("session", "--done", "cat-camel,pelvic-tilt", "--skip", "walk-easy", "--pain-during", "3")
    assert result.exit_code == 0, result.output
    [s] = Store.open(home).sessions()
    assert s.done == ("cat-camel", "pelvic-tilt") and "walk-easy" in s.skipped and s.pain_during == 3
    assert s.stage == "mobility"


def test_session_unknown_id_suggests(cli, home):
    cli("safety", "--none")
    result = cli("session", "--done", "cat-camle", "--pain-during", "2")
    assert result.exit_code == 2 and "cat-camel" in result.stderr
    assert Store.open(home).sessions() == []


def test_session_needs_pain_during_when_something_was_done(cli):
    cli("safety", "--none")
    assert cli("session", "--done", "all").exit_code == 2


def test_session_without_terminal_explains(cli):
    cli("safety", "--none")
    result = cli("session")
    assert result.exit_code == 2 and "--done" in result.stderr


def test_interactive_session_marks_and_keeps_on_ctrl_c(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    cli("safety", "--none")
    n = len(cli.json("routine", "show", "--json")["exercises"])
    answers = "d\ns\n" + "d\n" * (n - 2) + "4\n6\n"
    result = cli("session", "--no-timer", input=answers)
    assert result.exit_code == 0, result.output
    [s] = Store.open(home).sessions()
    assert len(s.done) == n - 1 and len(s.skipped) == 1 and (s.pain_during, s.effort) == (4, 6)


def test_red_flag_stops_the_session_and_routine(cli):
    cli("safety", "--yes-to", "bladder-bowel")
    data = cli.json("routine", "show", "--json")
    assert data["decision"] == "stop" and data["exercises"] == []
    result = cli("session", "--done", "all", "--pain-during", "2")
    assert result.exit_code == 1
    assert "SEEK URGENT CARE" in result.stdout and "emergency department" in result.stdout
    assert cli.json("today", "--json")["progression"]["decision"] == "stop"


def test_import_use_list_export_and_stage(cli, home, tmp_path):
    src = REPO / "examples" / "routines" / "desk-worker.yaml"
    result = cli("routine", "import", str(src))
    assert result.exit_code == 0, result.output
    rows = cli.json("routine", "list", "--json")
    active = [r for r in rows if r["active"]]
    assert len(active) == 1 and not active[0]["builtin"]
    name = active[0]["name"]
    # the copy survives the original moving away
    copy = tmp_path / "moved.yaml"
    copy.write_bytes(src.read_bytes())
    cli("routine", "import", str(copy), "--name", "second")
    assert cli("routine", "use", name).exit_code == 0
    assert cli.json("routine", "show", "--json")["name"] == name
    out = tmp_path / "out.yaml"
    assert cli("routine", "export", name, "-o", str(out)).exit_code == 0
    assert out.read_text() == src.read_text()
    stages = cli.json("routine", "show", "--json")["stages"]
    result = cli("routine", "stage", stages[-1]["id"], "--reason", "Physio review: ready for load")
    assert result.exit_code == 0
    why = cli.json("routine", "why", "--json")
    assert why["stage"]["id"] == stages[-1]["id"]
    assert any(e["manual"] and "Physio review" in " ".join(e["reasons"]) for e in why["history"])
    assert cli("routine", "stage", "nope").exit_code == 2
    assert cli("routine", "use", "no-such-routine").exit_code == 2


def test_reimporting_a_routine_keeps_stage_history(cli, tmp_path):
    src = REPO / "examples" / "routines" / "desk-worker.yaml"
    cli("routine", "import", str(src), "--name", "mine")
    stages = cli.json("routine", "show", "--json")["stages"]
    cli("routine", "stage", stages[1]["id"], "--reason", "test")
    assert cli("routine", "import", str(src), "--name", "mine").exit_code == 0
    assert cli.json("routine", "show", "--json")["stage"]["id"] == stages[1]["id"]


def test_import_of_a_broken_file_changes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: backcare-routine/1\nname: x\nstages:\n  - id: a\n    name: A\n"
        "    exercises:\n      - {id: cat-camel, side: no}\n"
    )
    result = cli("routine", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:7:" in result.stderr
    assert cli.json("routine", "list", "--json")[0]["active"]


@pytest.mark.slow  # six weeks of commands, one by one; the engine's rules are covered fast in test_progression.py
def test_six_week_journey_advances_steps_back_and_advances_again(cli, home):
    """Daily check-ins and sessions through the CLI for six weeks, with a flare in week 4."""
    assert cli("safety", "--none", env=on(0)).exit_code == 0
    stages_seen = []
    for n in range(42):
        env = on(n)
        pain = 8 if n == 24 else (4 if n < 10 else 3)
        args = ["checkin", "-p", str(pain), "-s", "3"]
        if n > 0:
            args += ["--settled", "yes"]
        assert cli(*args, env=env).exit_code == 0
        today = cli.json("today", "--json", env=env)
        stages_seen.append(today["progression"]["stage"]["id"])
        if (START + timedelta(days=n)).weekday() != 6:  # a rest day each week
            result = cli("session", "--done", "all", "--pain-during", "3", env=env)
            assert result.exit_code == 0, result.output
    history = cli.json("routine", "why", "--json", env=on(41))["history"]
    moves = [(e["decision"], e["stage"]) for e in history if e["decision"] in ("start", "advance", "step_back")]
    assert moves == [
        ("start", "mobility"),
        ("advance", "control"),
        ("advance", "strength"),
        ("step_back", "control"),
        ("advance", "strength"),
    ]
    assert stages_seen[0] == "mobility" and stages_seen[-1] == "strength"
    assert stages_seen[24] == "control"  # the flare day itself steps back
    flare = next(e for e in history if e["decision"] == "step_back")
    assert flare["date"] == (START + timedelta(days=24)).isoformat()
    assert any("8/10" in r for r in flare["reasons"])
    store = Store.open(home)
    assert {s.stage for s in store.sessions()} == {"mobility", "control", "strength"}


def test_exercise_library_listing(cli):
    rows = cli.json("routine", "exercises", "--json")
    assert len(rows) >= 30
    assert {r["category"] for r in rows} == {"mobility", "control", "strength", "release", "aerobic"}
    dead_bug = next(r for r in rows if r["id"] == "dead-bug")
    assert dead_bug["easier"] == "dead-bug-heel-slide" and dead_bug["harder"] == "dead-bug-straight-leg"
    strength = cli.json("routine", "exercises", "--category", "strength", "--json")
    assert strength and all(r["category"] == "strength" for r in strength)
    assert cli("routine", "exercises", "--category", "stretch").exit_code == 2


def test_the_routine_example_from_the_format_description_is_valid(cli):
    """The example physios see (a custom exercise with two steps) must pass check and import."""
    cli("safety", "--none")
    path = REPO / "tests" / "routines" / "issue-example.yaml"
    result = cli("routine", "check", str(path))
    assert result.exit_code == 0, result.stdout
    assert cli("routine", "import", str(path)).exit_code == 0
    data = cli.json("routine", "show", "--json")
    assert data["name"] == "Desk worker, recurrent low back pain"
    assert [e["id"] for e in data["exercises"]] == ["cat-camel", "knee-to-chest", "wall-slide"]


def test_session_accepts_any_known_exercise_and_refuses_typos(cli, home):
    cli("safety", "--none")
    result = cli("session", "--done", "cat-camel,bird-dog", "--skip", "dead-bug", "--pain-during", "3")
    assert result.exit_code == 0, result.output
    [s] = Store.open(home).sessions()
    assert s.done == ("cat-camel", "bird-dog")
    assert s.skipped[0] == "dead-bug" and "pelvic-tilt" in s.skipped  # the rest of today's plan: not done
    assert cli("session", "--done", "bird-dgo", "--pain-during", "3").exit_code == 2


def test_a_flare_at_the_first_stage_eases_every_exercise(cli):
    cli("safety", "--none", env=on(0))
    for n in range(3):  # a usual level needs 3 check-ins
        cli("checkin", "-p", "3", "-s", "3", env=on(n))
    normal = cli.json("routine", "show", "--json", env=on(0))["exercises"]
    cli("checkin", "-p", "9", "-s", "6", env=on(3))
    data = cli.json("routine", "show", "--json", env=on(3))
    assert data["decision"] == "step_back" and data["easier"]
    eased = data["exercises"]
    assert len(eased) == len(normal)
    for before, after in zip(normal, eased):
        if before["id"] == "diaphragmatic-breathing":  # breathing keeps its dose after a flare
            assert after == {**before, "lighter": False}
            continue
        assert after["easier_version_of"] == before["id"] or (
            after["lighter"]
            and after["id"] == before["id"]
            and after["sets"] * after["reps"] <= before["sets"] * before["reps"]
        )
    assert "(lighter)" in cli("today", env=on(3)).stdout
