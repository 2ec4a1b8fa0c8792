"""Streaks: the run of days, "N of the last 7 days", and after a missed day the exact command to fill it in."""

from __future__ import annotations

import re
import shlex
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backcare.domain.streak import backfill_day, current_streak, days_in_last
from backcare.render.dashboard import streak_line

TODAY = date(2026, 11, 27)


@given(st.sets(st.integers(-3, 40)))
def test_days_in_last_counts_the_window_only(offsets):
    days = [TODAY - timedelta(days=o) for o in offsets]
    n = days_in_last(days, TODAY)
    assert n == len([o for o in offsets if 0 <= o <= 6])
    assert 0 <= n <= 7
    assert n >= min(current_streak(days, TODAY), 6)  # a run ending today or yesterday is inside the window


@given(st.sets(st.integers(0, 40)))
def test_backfill_offered_exactly_when_yesterday_is_missing_after_earlier_days(offsets):
    days = [TODAY - timedelta(days=o) for o in offsets]
    offered = backfill_day(days, TODAY)
    wanted = 1 not in offsets and any(o > 1 for o in offsets)
    assert offered == (TODAY - timedelta(days=1) if wanted else None)
    if offered is not None:  # filling it in joins the runs on both sides
        before = current_streak(days, TODAY)
        after = current_streak([*days, offered], TODAY)
        assert after >= before + 1


def test_streak_line_words():
    assert streak_line(0, 0) == "Streak: start one today."
    assert streak_line(1, 5) == "Streak: 1 day in a row · 5 of the last 7 days."
    assert streak_line(0, 3) == "Streak: no current run · 3 of the last 7 days."


def test_dashboard_after_a_missed_day_offers_the_backfill_command(cli, today):
    assert cli("safety", "--none").exit_code == 0
    for back in range(2, 23):  # a 21-day run that ended the day before yesterday
        day = (today - timedelta(days=back)).isoformat()
        assert cli("checkin", "-p", "3", "-s", "3", "--date", day).exit_code == 0
    assert cli("checkin", "-p", "3", "-s", "3").exit_code == 0  # today done, yesterday missed

    data = cli.json("today", "--json")
    yesterday = (today - timedelta(days=1)).isoformat()
    assert (data["streak"], data["days_in_last_7"]) == (1, 6)
    assert data["backfill"] == {"date": yesterday, "command": f"backcare checkin --date {yesterday}"}
    shown = cli("today").stdout
    assert "Streak: 1 day in a row · 6 of the last 7 days." in shown
    assert f"Fill it in: backcare checkin --date {yesterday}" in shown

    # the command shown works as it is (values added, as a script without a terminal must)
    command = re.search(r"Fill it in: (backcare checkin --date \S+)", shown).group(1)
    argv = shlex.split(command)[1:]
    filled = cli(*argv, "--pain", "4", "--stiffness", "4")
    assert filled.exit_code == 0, filled.output
    after = cli.json("today", "--json")
    assert (after["streak"], after["days_in_last_7"], after["backfill"]) == (23, 7, None)
    assert "Fill it in" not in cli("today").stdout


def test_no_backfill_hint_for_a_new_person_or_an_unbroken_run(cli, today):
    assert cli.json("today", "--json")["backfill"] is None  # nothing before: nothing to fill in
    assert cli("checkin", "-p", "3", "-s", "3", "--date", (today - timedelta(days=1)).isoformat()).exit_code == 0
    data = cli.json("today", "--json")
    assert (data["streak"], data["days_in_last_7"], data["backfill"]) == (1, 1, None)
