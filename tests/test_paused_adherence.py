"""Adherence plans no sessions for days when backcare offered no exercises for safety: a person paused by a red
flag for two weeks is not shown as having missed those weeks' sessions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import trends as tr

MONDAY = date(2026, 3, 2)


def on(n: int) -> dict:
    return {"BACKCARE_TODAY": (MONDAY + timedelta(days=n)).isoformat()}


def test_weeks_paused_for_safety_plan_no_sessions(cli):
    assert cli("safety", "--none", env=on(0)).exit_code == 0
    assert cli(env=on(0)).exit_code == 0
    assert cli("safety", "--yes-to", "night-pain", env=on(7)).exit_code == 0
    assert cli(env=on(7)).exit_code == 0  # the day's decision: a stop
    assert cli("safety", "--none", env=on(21)).exit_code == 0
    assert cli(env=on(21)).exit_code == 0  # exercises again
    data = cli.json("trend", "--days", "28", "--json", env=on(27))
    per_week = data["adherence"]["per_week"]
    weekly = [w["planned"] for w in data["adherence"]["weeks"]]
    assert weekly == [per_week, 0, 0, per_week], weekly
    assert data["adherence"]["planned"] == 2 * per_week
    page = cli("report", "--days", "28", "--format", "md", "-o", "-", env=on(27)).stdout
    assert f"0 / {4 * per_week}" not in page and f"/ {2 * per_week}" in page


def test_a_stop_that_still_stands_pauses_to_the_end():
    days = tr.paused_days([(MONDAY, "hold"), (MONDAY + timedelta(days=3), "stop")], MONDAY, MONDAY + timedelta(days=9))
    assert days == {MONDAY + timedelta(days=n) for n in range(3, 10)}


@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["hold", "stop", "advance", "step_back"])), max_size=12))
def test_paused_days_are_exactly_the_days_under_a_stop(raw):
    decisions = sorted(((MONDAY + timedelta(days=d), what) for d, what in raw), key=lambda x: x[0])
    start, end = MONDAY + timedelta(days=10), MONDAY + timedelta(days=50)
    paused = tr.paused_days(decisions, start, end)
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        standing = [what for d, what in decisions if d <= day]
        # a day is paused when the latest decision made on or before it is a stop (later ones that day win)
        assert (day in paused) == (bool(standing) and standing[-1] == "stop"), day
