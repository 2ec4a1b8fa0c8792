"""The report's box at the top speaks to the clinician about the person, never to the reader as 'you', for
every safety state: not screened, a current red flag, an emergency sign not yet seen by a doctor, and history
answers waiting for a clearance."""

from __future__ import annotations

import re

import pytest
from test_report import parse

from backcare.domain.safety import QUESTIONS

SECOND_PERSON = re.compile(r"\b(you|your|you've|you're)\b", re.IGNORECASE)


def _alerts(cli, env: dict | None = None) -> str:
    result = cli("report", "--format", "html", "-o", "-", env=env)
    assert result.exit_code == 0, result.output
    return parse(result.stdout).text("alerts")


def _outside_the_questions(text: str) -> str:
    """The box without the questions it quotes (they are asked of the patient, so they say 'you')."""
    for q in QUESTIONS:
        text = text.replace(q.text, "<question>")
    return text


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([], "Not screened yet: backcare offers no exercises"),
        (["--yes-to", "night-pain"], "Answered 'yes' to: Is the pain severe and constant"),
        (["--yes-to", "saddle-numbness"], "possible cauda equina syndrome; backcare told the person to go to"),
        (["--yes-to", "past-cancer"], "History answers that need a clinician's check before exercise"),
    ],
)
def test_the_report_box_speaks_of_the_person(cli, answers, expected):
    if answers:
        assert cli("safety", *answers).exit_code == 0
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    alerts = _alerts(cli)
    assert expected in alerts
    assert not SECOND_PERSON.search(_outside_the_questions(alerts)), alerts


def test_an_emergency_sign_not_seen_by_a_doctor_reads_in_the_third_person(cli):
    before, today = {"BACKCARE_TODAY": "2026-11-20"}, {"BACKCARE_TODAY": "2026-11-22"}
    assert cli("safety", "--yes-to", "bladder-bowel", env=before).exit_code == 0
    result = cli("safety", "--none", "--seen-doctor", "no", env=today)
    assert result.exit_code == 0, result.output
    assert cli("checkin", "--pain", "4", "--stiffness", "3", env=today).exit_code == 0
    alerts = _alerts(cli, env=today)
    assert "On 2026-11-20 the person answered 'yes' to a sign that needs the emergency department" in alerts
    assert not SECOND_PERSON.search(_outside_the_questions(alerts)), alerts


def test_a_safety_stop_recorded_by_the_dashboard_reads_in_the_third_person_too(cli):
    """The day's stop keeps the notice the person was shown as its reasons ("You answered 'yes' to ..."); the
    box names the stop without repeating the person's words."""
    assert cli("safety", "--yes-to", "bladder-bowel").exit_code == 0
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    assert cli("today").exit_code == 0  # decides the day: a stop
    alerts = _alerts(cli)
    assert "Safety stop on " in alerts and "exercises were paused" in alerts
    assert not SECOND_PERSON.search(_outside_the_questions(alerts)), alerts
