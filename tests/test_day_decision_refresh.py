"""The day's decision kept in the stage history follows the safety answers given later that day: a stop the
dashboard recorded before the first screen must not stand in the clinician's report once the screen is all
'no', and a red flag answered after the dashboard must stop the day."""

from __future__ import annotations

import json

DAY = {"BACKCARE_TODAY": "2026-11-29"}


def day_events(cli) -> list[dict]:
    data = json.loads(cli("export", "-o", "-", env=DAY).stdout)
    return [e for e in data["stage_history"] if e["date"] == DAY["BACKCARE_TODAY"]]


def test_answering_the_screen_replaces_the_days_stop(cli):
    assert cli(env=DAY).exit_code == 0  # the dashboard before any screen: the day is a safety stop
    assert [e["decision"] for e in day_events(cli)][-1] == "stop"
    assert cli("safety", "--none", env=DAY).exit_code == 0
    assert "stop" not in [e["decision"] for e in day_events(cli)]
    page = cli("report", "--format", "md", "-o", "-", env=DAY).stdout
    assert "Safety stop on" not in page


def test_a_red_flag_answered_after_the_dashboard_stops_the_day(cli):
    assert cli("safety", "--none", env=DAY).exit_code == 0
    assert cli(env=DAY).exit_code == 0
    assert "stop" not in [e["decision"] for e in day_events(cli)]
    assert cli("safety", "--yes-to", "night-pain", env=DAY).exit_code == 0
    assert [e["decision"] for e in day_events(cli)][-1] == "stop"
