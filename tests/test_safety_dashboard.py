"""Red-flag screen and the daily dashboard."""

from __future__ import annotations

from datetime import timedelta

from backcare import clock
from backcare.domain.safety import QUESTIONS
from backcare.store import Store


def test_questions_cover_the_required_red_flags():
    text = " ".join(q.text.lower() for q in QUESTIONS)
    for words in ("urine", "bowel", "saddle", "both legs", "fever", "weight", "cancer", "fall", "night"):
        assert words in text


def test_safety_none_records_all_clear(cli, home):
    result = cli("safety", "--none")
    assert result.exit_code == 0
    screen = Store.open(home).latest_screen()
    assert screen.day == clock.today() and not screen.any_yes
    assert set(screen.answers) == {q.id for q in QUESTIONS}
    assert cli.json("today", "--json")["safety"]["status"] == "clear"


def test_cauda_equina_yes_sends_to_emergency_department(cli, home):
    result = cli("safety", "--yes-to", "saddle-numbness")
    assert result.exit_code == 0
    assert "emergency department" in result.stdout
    assert "SEEK URGENT CARE" in result.stdout
    data = cli.json("today", "--json")
    assert data["safety"]["status"] == "red-flag"
    assert data["safety"]["flagged"] == ["saddle-numbness"]
    assert "emergency department" in data["safety"]["message"]
    assert "emergency department" in cli("today").stdout


def test_other_red_flag_says_urgent_doctor(cli):
    result = cli("safety", "--yes-to", "fever-unwell")
    assert "urgent" in result.stdout.lower() and "doctor" in result.stdout


def test_a_later_all_clear_lifts_the_red_flag(cli):
    cli("safety", "--yes-to", "trauma")
    cli("safety", "--none")
    assert cli.json("today", "--json")["safety"]["status"] == "clear"


def test_safety_without_terminal_needs_a_flag(cli):
    result = cli("safety")
    assert result.exit_code == 2
    assert "--none" in result.stderr


def test_unknown_question_id(cli):
    result = cli("safety", "--yes-to", "headache")
    assert result.exit_code == 2 and "safety --list" in result.stderr


def test_interactive_screen_reasks_and_records(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.safety.interactive", lambda: True)
    answers = "maybe\n" + "n\n" * 7 + "y\nn\n"
    result = cli("safety", input=answers)
    assert result.exit_code == 0, result.output
    screen = Store.open(home).latest_screen()
    assert screen.flagged == [QUESTIONS[7].id] == ["past-cancer"]
    assert "Answer y (yes) or n (no)" in result.stderr


def test_dashboard_json_keys_and_values(cli):
    cli("checkin", "-p", "2", "-s", "3", "--date", (clock.today() - timedelta(days=1)).isoformat())
    data = cli.json("today", "--json")
    for key in ("date", "checked_in", "pain", "stiffness", "streak", "safety"):
        assert key in data
    assert data["checked_in"] is False and data["pain"] is None and data["streak"] == 1
    assert data["safety"]["status"] == "not-screened"
    cli("checkin", "-p", "4", "-s", "5")
    data = cli.json("today", "--json")
    assert (data["checked_in"], data["pain"], data["stiffness"], data["streak"]) == (True, 4, 5, 2)
    assert [d["pain"] for d in data["last_7_days"]] == [None] * 5 + [2, 4]


def test_dashboard_text_reminds_and_hints(cli):
    out = cli("today").stdout
    assert "backcare safety" in out and "backcare checkin" in out
    assert cli("today").stdout == cli().stdout  # `backcare` alone is the dashboard


def test_dashboard_readable_at_40_columns_without_colour(cli):
    cli("checkin", "-p", "4", "-s", "5")
    result = cli("today", env={"COLUMNS": "40", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 40
