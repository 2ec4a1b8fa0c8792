"""The trend window fits the person's data, and sleep and stress are shown with careful associations against pain:
a 20-day diary is shown as 20 days (adherence from its start, never empty weeks before it); sleep and stress are
summarised; an association needs enough days on both sides and is never called a cause."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from journey import ROUTINE, fill

from backcare.domain import trends as tr
from backcare.domain.checkin import CheckIn
from backcare.store import Store

END = date(2026, 11, 26)
TODAY = {"BACKCARE_TODAY": END.isoformat()}


# -- the default window ------------------------------------------------------------------------
@given(st.integers(0, 400), st.integers(1, 400))
def test_default_start_is_the_later_of_the_window_and_the_first_checkin(first_back, days):
    first = END - timedelta(days=first_back)
    start = tr.default_start(first, END, days)
    assert start == max(first, END - timedelta(days=days - 1))
    assert tr.default_start(None, END, days) == END - timedelta(days=days - 1)
    assert tr.default_start(END + timedelta(days=1), END, days) == END - timedelta(days=days - 1)


def test_a_twenty_day_diary_is_shown_from_its_first_checkin(cli, home):
    fill(home, 20, end=END, seed=3)
    store = Store.open(home)
    try:
        rows, sessions = store.checkins(), store.sessions()
        started = store.stage_history(ROUTINE)[0].day
    finally:
        store.close()
    first = rows[0].day
    data = cli.json("trend", "--json", env=TODAY)
    assert (data["from"], data["to"], data["days"]) == (first.isoformat(), END.isoformat(), 20)
    assert data["from_first_checkin"] is True
    assert len(data["series"]) == 20 and data["series"][0]["date"] == first.isoformat()
    # weeks and adherence count from the first check-in: no empty week before it
    first_week = f"{first.isocalendar()[0]}-W{first.isocalendar()[1]:02d}"
    assert data["weeks"][0]["week"] == first_week
    assert all(w["checkins"] > 0 for w in data["weeks"])
    plan_from = max(first, started)
    planned = 0
    for w in data["weeks"]:
        monday = date.fromisoformat(w["start"])
        days = [monday + timedelta(days=k) for k in range(7)]
        n = len([d for d in days if plan_from <= d <= END])
        assert w["planned"] == math.floor(5 * n / 7 + 0.5)
        planned += w["planned"]
    assert data["adherence"]["planned"] == planned > 0
    done = {s.day for s in sessions if s.done}
    assert data["adherence"]["done"] == len(done)

    text = cli("trend", env=TODAY).stdout
    assert f"Since your first check-in on {first.day} {first:%b %Y} (20 days)." in text
    assert "20 days" in text and "90 days" not in text


def test_asking_for_days_or_all_keeps_its_window(cli, home):
    fill(home, 20, end=END, seed=3)
    asked = cli.json("trend", "--json", "--days", "90", env=TODAY)
    assert (asked["days"], asked["from_first_checkin"]) == (90, False)
    assert cli.json("trend", "--json", "--all", env=TODAY)["days"] == 20


def test_a_long_diary_keeps_the_last_90_days(cli, home):
    fill(home, 120, end=END, seed=2)
    data = cli.json("trend", "--json", env=TODAY)
    assert (data["days"], data["from"], data["from_first_checkin"]) == (
        90,
        (END - timedelta(days=89)).isoformat(),
        False,
    )


# -- sleep, stress and associations ------------------------------------------------------------
score = st.one_of(st.none(), st.integers(0, 10))
checkin_rows = st.lists(st.tuples(st.integers(0, 10), score, score), max_size=40)


def _checkins(rows) -> list[CheckIn]:
    return [CheckIn(END - timedelta(days=len(rows) - i), p, 3, sl, stress) for i, (p, sl, stress) in enumerate(rows)]


@given(checkin_rows)
def test_score_summary_matches_a_direct_count(rows):
    checkins = _checkins(rows)
    for k, name in ((1, "sleep"), (2, "stress")):
        values = [r[k] for r in rows if r[k] is not None]
        summary = tr.score_summary(checkins, name)
        assert summary.days == len(values)
        if values:
            assert summary.mean == pytest.approx(sum(values) / len(values))
            assert summary.recent == pytest.approx(sum(values[-7:]) / len(values[-7:]))
        else:
            assert summary.mean is None and "not recorded" in summary.words


@given(checkin_rows, st.integers(1, 8))
def test_score_associations_need_enough_days_on_both_sides(rows, min_days):
    checkins = _checkins(rows)
    found = {a.name: a for a in tr.score_associations(checkins, min_days=min_days)}
    for k, name in ((1, "sleep"), (2, "stress")):
        high = [r[0] for r in rows if r[k] is not None and r[k] >= tr.HIGH_MIN]
        low = [r[0] for r in rows if r[k] is not None and r[k] <= tr.LOW_MAX]
        if len(high) >= min_days and len(low) >= min_days:
            a = found[name]
            assert (a.high_days, a.low_days) == (len(high), len(low))
            assert a.high_pain == pytest.approx(sum(high) / len(high))
            assert a.low_pain == pytest.approx(sum(low) / len(low))
            clear = abs(round(float(f"{a.high_pain:.1f}") - float(f"{a.low_pain:.1f}"), 1)) >= 1
            assert ("association, not a cause" in a.words) == clear
            assert ("no clear association" in a.words) == (not clear)
        else:
            assert name not in found
    diffs = [abs(a.difference) for a in found.values()]
    assert diffs == sorted(diffs, reverse=True)


def test_four_days_on_one_side_is_not_enough():
    rows = [(2, 8, None)] * 10 + [(6, 2, None)] * 4
    assert tr.score_associations(_checkins(rows)) == []
    rows.append((6, 1, None))
    [a] = tr.score_associations(_checkins(rows))
    assert (a.name, a.high_days, a.low_days, a.high_pain, a.low_pain) == ("sleep", 10, 5, 2, 6)
    assert a.words == (
        "On days with good sleep (6-10) your pain averaged 2.0 (10 days) vs 6.0 with poor sleep (0-4) (5 days); "
        "this shows an association, not a cause."
    )


def test_trend_shows_sleep_stress_and_associations_with_the_rule(cli, home):
    store = Store.open(home)
    try:
        for i in range(30):  # poor sleep every third day, stress rising and falling
            day = END - timedelta(days=i)
            sleep = 2 + i % 3 if i % 3 == 0 else 7 + i % 2
            c = CheckIn(
                day, 6 if sleep <= 4 else 3, 3, sleep if i % 5 else None, (i * 7) % 11, None, ("walk",) * (i % 2)
            )
            store.update_checkin(day, lambda _prev, c=c: c)
        rows = store.checkins()
    finally:
        store.close()
    data = cli.json("trend", "--json", env=TODAY)
    sleep = [c.sleep for c in rows if c.sleep is not None]
    assert data["daily"]["sleep"]["days"] == len(sleep)
    assert data["daily"]["sleep"]["mean"] == pytest.approx(sum(sleep) / len(sleep), abs=0.005)
    assert data["daily"]["sleep"]["scale"] == "0 = very poor, 10 = very good"
    assert data["daily"]["stress"]["scale"] == "0 = none, 10 = extreme"
    assert data["associations"]["rule"] == tr.ASSOCIATION_RULE
    assert "at least 5 days on each side" in tr.ASSOCIATION_RULE and "not what causes what" in tr.ASSOCIATION_RULE
    by_name = {a["score"]: a for a in data["associations"]["scores"]}
    low = [c.pain for c in rows if c.sleep is not None and c.sleep <= 4]
    high = [c.pain for c in rows if c.sleep is not None and c.sleep >= 6]
    assert len(low) >= 5 and len(high) >= 5
    assert by_name["sleep"]["low_days"] == len(low)
    assert by_name["sleep"]["low_pain"] == pytest.approx(sum(low) / len(low), abs=0.005)
    assert data["associations"]["tags"] == data["tags"]

    text = cli("trend", env=TODAY).stdout
    assert "Sleep and stress" in text
    flat = " ".join(text.split())
    assert by_name["sleep"]["words"] in flat
    assert " ".join(tr.ASSOCIATION_RULE.split()) in flat
