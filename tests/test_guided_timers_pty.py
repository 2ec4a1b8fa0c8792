"""Guided timers in a real terminal (a pty): holds one at a time with the prescribed rest, left then right,
a bell at the end of a hold and of a rest (none with --quiet), Enter skips only the current timer, p pauses,
q and Ctrl-D stop keeping what was marked. Timers run 100 times faster (BACKCARE_TIMER_SCALE)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_sessions_pty import CHOICE, CTRL_D, DAY, Terminal, sessions

pytestmark = pytest.mark.slow  # real timers on a pseudo-terminal: CI runs it, the fast loop leaves it out

pytest.importorskip("pty")

FAST = {"BACKCARE_TIMER_SCALE": "0.01"}
SLOW = {"BACKCARE_TIMER_SCALE": "1"}  # real time: only ever skipped or paused in these tests
ROUTINE = """\
format: backcare-routine/1
name: Timed
description: Go gently this week; stop if your leg tingles.
progression: {pain_limit: 3}
stages:
  - id: one
    name: One
    exercises:
      - {id: bird-dog, sets: 2, reps: 2, hold: 3, side: each, rest: 4, notes: Keep your hips level.}
      - {id: walk-easy, duration: 20 min}
"""


@pytest.fixture
def timed(home, bc, tmp_path) -> Path:
    path = tmp_path / "timed.yaml"
    path.write_text(ROUTINE)
    result = bc("routine", "import", str(path), env={"BACKCARE_TODAY": DAY})
    assert result.returncode == 0, result.stderr
    # exercises are offered once the safety questions are answered
    assert bc("safety", "--none", env={"BACKCARE_TODAY": DAY}).returncode == 0
    return home


def steps(text: str) -> list[str]:
    """The timer lines shown, in order."""
    return [line.strip() for line in text.splitlines() if line.strip().startswith(("Set ", "Rest "))]


def test_holds_count_down_one_at_a_time_left_then_right_with_rest(timed):
    t = Terminal(timed, "session", env=FAST)
    t.expect("Pain up to 3/10")
    t.expect("Go gently this week")
    t.expect("Keep your hips level.")
    t.answer("Press Enter to start the timer", b"\r")
    t.answer(CHOICE, b"q\r")
    assert t.finish() == 0
    shown = steps(t.before.decode(errors="replace"))
    holds = [s.split(":")[0] for s in shown if s.startswith("Set")]
    assert holds == [
        f"Set {s} of 2, {side} side, hold {r} of 2" for s in (1, 2) for side in ("left", "right") for r in (1, 2)
    ]
    rests = [s for s in shown if s.startswith("Rest")]
    assert len(rests) == len(holds) - 1 and all(r.endswith(": 4s") for r in rests)
    assert "Rest before set 2: 4s" in rests and "Rest before the right side: 4s" in rests
    assert t.before.count(b"\a") == len(holds) + len(rests)  # a bell after every hold and every rest


def test_quiet_has_no_bell(timed):
    t = Terminal(timed, "session", "--quiet", env=FAST)
    t.answer("Press Enter to start the timer", b"\r")
    t.answer(CHOICE, b"q\r")
    assert t.finish() == 0
    assert b"\a" not in t.before + t.seen


def test_enter_skips_only_the_current_timer(timed):
    t = Terminal(timed, "session", env=SLOW)
    t.answer("Press Enter to start the timer", b"\r")
    t.answer("hold 1 of 2: 3s", b"\r")
    t.expect("Rest before the next hold: 4s")
    assert "skipped" in t.text
    t.send(b"\r")
    t.expect("Set 1 of 2, left side, hold 2 of 2: 3s")
    assert "skipped" in t.text
    t.send(b"q")
    assert t.finish() == 0
    assert "nothing was logged" in t.text
    assert sessions(timed) == []


def test_p_pauses_until_any_key(timed):
    t = Terminal(timed, "session", env=SLOW)
    t.answer("Press Enter to start the timer", b"\r")
    t.answer("hold 1 of 2: 3s", b"p")
    t.answer("paused: press any key to go on", b"x")
    t.answer("going on", b"\r")
    t.answer("skipped", b"q")
    assert t.finish() == 0


def test_a_walk_counts_down_its_duration_in_minutes(timed):
    t = Terminal(timed, "session", env=FAST)
    t.answer("Press Enter to start the timer", b"\r")
    t.answer(CHOICE, b"d\r")
    t.expect("Press Enter to start the timer")
    card = t.text.split("[2/2]")[-1]
    assert "Easy walk" in card and "Dose: 20 min" in card and "hold" not in card
    t.send(b"\r")
    t.answer("Easy walk: 20 min", b"\r")
    t.answer(CHOICE, b"d\r")
    t.answer("Highest pain during the session", b"2\r")
    t.answer("Effort", b"\r")
    assert t.finish() == 0
    [s] = sessions(timed)
    assert [e.status for e in s.exercises] == ["done", "done"] and s.pain_during == 2


@pytest.mark.parametrize("key", [b"q", CTRL_D], ids=["q", "ctrl-d"])
def test_q_or_ctrl_d_during_a_timer_keeps_what_was_marked(timed, key):
    t = Terminal(timed, "session", env=FAST)
    t.answer("Press Enter to start the timer", b"\r")
    t.answer(CHOICE, b"1\r")  # one of the two sets
    t.answer("Press Enter to start the timer", b"\r")  # the walk: 20 minutes at 0.01 is 12 seconds
    t.answer("Easy walk: 20 min", key)
    if key == b"q":  # as q at a question: the pain question comes next
        t.answer("Highest pain during the session", b"2\r")
        t.answer("Effort", b"\r")
    else:  # as Ctrl-D anywhere: stop at once, keeping what was marked
        t.expect("Stopped. Keeping what you marked.")
    assert t.finish() == 0
    assert "Traceback" not in t.text and "Session saved" in t.text
    [s] = sessions(timed)
    assert [(e.status, e.sets_done) for e in s.exercises] == [("partly", 1), ("skipped", 0)]
    assert s.pain_during == (2 if key == b"q" else None)


def test_readable_at_40_columns_no_word_broken(timed):
    from backcare.content import library

    t = Terminal(timed, "session", "--no-timer", env={"COLUMNS": "40"})
    t.answer(CHOICE, b"q\r")
    assert t.finish() == 0
    shown = re.sub(r"\x1b\[[0-9;]*m", "", t.before.decode(errors="replace"))
    assert max(len(line) for line in shown.replace("\r", "").splitlines()) <= 40
    tokens = set(re.sub(r"[│╭╮╰╯─]", " ", shown).split())
    bird = library()["bird-dog"]
    words = " ".join([*bird.steps, *bird.cues, "Keep your hips level.", "Go gently this week;"]).split()
    assert [w for w in words if w not in tokens] == []
