"""Pure check-in logic: validation, merging, streaks, dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import checkin as ck
from backcare.domain.dates import parse_day
from backcare.domain.streak import current_streak
from backcare.errors import InvalidInput

TODAY = date(2026, 11, 25)


@given(st.integers(0, 10))
def test_every_valid_score_parses_from_text_and_int(n):
    assert ck.parse_score(str(n), "pain") == n
    assert ck.parse_score(n, "pain") == n
    assert ck.parse_score(f" {n} ", "pain") == n


@given(st.integers().filter(lambda n: not 0 <= n <= 10))
def test_out_of_range_scores_are_refused(n):
    with pytest.raises(InvalidInput):
        ck.parse_score(str(n), "pain")


@given(st.text())
def test_any_text_is_refused_with_a_message_or_gives_a_score(text):
    try:
        value = ck.parse_score(text, "pain")
    except InvalidInput as exc:
        assert "pain" in exc.message and exc.exit_code == 2
    else:
        assert 0 <= value <= 10
        assert re.fullmatch(r"\s*[+-]?[0-9]+\s*", text)


def test_booleans_and_decimals_are_not_scores():
    for bad in (True, "4.5", "4,5", "", "ten"):
        with pytest.raises(InvalidInput):
            ck.parse_score(bad, "pain")


scores = st.integers(0, 10)
optional_scores = st.none() | scores


@given(scores, scores, optional_scores, optional_scores, scores, optional_scores)
def test_update_keeps_values_not_given_and_diff_lists_exactly_the_changes(p1, s1, sl1, st1, p2, sl2):
    first = ck.build(TODAY, previous=None, pain=p1, stiffness=s1, sleep=sl1, stress=st1)
    second = ck.build(TODAY, previous=first, pain=p2, stiffness=None, sleep=sl2)
    assert second.stiffness == s1 and second.stress == st1
    assert second.sleep == (sl2 if sl2 is not None else sl1)
    diff = {name: (a, b) for name, a, b in ck.changes(first, second)}
    assert ("pain" in diff) == (p1 != p2)
    for name, (a, b) in diff.items():
        assert a != b and getattr(first, name) == a and getattr(second, name) == b


def test_describe_changes_reads_naturally():
    a = ck.CheckIn(TODAY, 5, 4)
    b = ck.CheckIn(TODAY, 4, 4, tags=("gardening",))
    assert ck.describe_changes(ck.changes(a, b)) == "pain 5 -> 4, tags none -> gardening"


def test_new_checkin_needs_both_core_values():
    with pytest.raises(InvalidInput, match="stiffness"):
        ck.build(TODAY, previous=None, pain=3, stiffness=None)


def test_tags_are_normalised_and_validated():
    assert ck.parse_tags(["Long-Drive", "gardening,work", "long-drive"]) == ("long-drive", "gardening", "work")
    assert ck.parse_tags(None) is None
    for bad in (["two words"], ["émoji!"], ["x" * 41]):
        with pytest.raises(InvalidInput):
            ck.parse_tags(bad)


@pytest.mark.parametrize(
    "raw, expected",
    [(None, TODAY), ("today", TODAY), ("Yesterday", TODAY - timedelta(days=1)), ("2026-02-28", date(2026, 2, 28))],
)
def test_parse_day(raw, expected):
    assert parse_day(raw, now=TODAY) == expected


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "2026-11-26", "tomorrow", "25/11/2026", ""])
def test_parse_day_refuses(raw):
    with pytest.raises(InvalidInput):
        parse_day(raw, now=TODAY)


@given(st.sets(st.integers(0, 60)))
def test_streak_counts_back_from_today_or_yesterday(offsets):
    days = {TODAY - timedelta(days=o) for o in offsets}
    n = current_streak(days, TODAY)
    start = 0 if 0 in offsets else 1
    assert all(o in offsets for o in range(start, start + n))
    assert start + n not in offsets
    assert n <= len(days)


def test_streak_examples():
    assert current_streak([], TODAY) == 0
    assert current_streak([TODAY - timedelta(days=1), TODAY - timedelta(days=2)], TODAY) == 2
    assert current_streak([TODAY - timedelta(days=2)], TODAY) == 0
