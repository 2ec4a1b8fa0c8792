"""`backcare measure take` in a real terminal (a pty): the person names their activities, a wrong answer is
asked again, and the score is stored; Ctrl-C stores nothing."""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_sessions_pty import CTRL_C, DAY, Terminal

pytest.importorskip("pty")  # POSIX only
pytestmark = pytest.mark.slow  # backcare on a pseudo-terminal: CI runs it, the fast loop leaves it out


def stored(home):
    db = sqlite3.connect(home / "backcare.db")
    try:
        return db.execute("SELECT measure, date, answers, score FROM measure_responses").fetchall()
    finally:
        db.close()


def test_psfs_at_a_terminal_names_activities_then_rates_them(home):
    t = Terminal(home, "measure", "take", "psfs")
    t.expect("Stratford")  # the notice is shown with the measure
    t.answer("(1 of up to 5; Enter when done)", b"Sitting for an hour\r")
    t.answer("(2 of up to 5; Enter when done)", b"Tying shoes\r")
    t.answer("(3 of up to 5; Enter when done)", b"\r")
    t.answer("1. Sitting for an hour [0-10 (0 = unable to do it, 10 = as well as before)]", b"11\r")
    t.answer("Please try again", b"4\r")
    t.answer("2. Tying shoes", b"7\r")
    assert t.finish() == 0
    assert "Patient-Specific Functional Scale: 5.5." in t.text
    [(measure, day, answers, score)] = stored(home)
    assert (measure, day, score) == ("psfs", DAY, 5.5)
    assert '"Sitting for an hour"' in answers and '"value": 7' in answers


def test_ctrl_c_while_taking_a_measure_stores_nothing(home):
    t = Terminal(home, "measure", "take", "confidence")
    t.expect("How confident are you")
    t.send(CTRL_C)
    assert t.finish() != 0
    assert stored(home) == []
