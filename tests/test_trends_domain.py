"""The trend statistics as pure functions: examples, and properties checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import trends as tr
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session

D0 = date(2026, 3, 2)  # a Monday


def ck(offset: int, pain: int, stiffness: int | None = None, tags: tuple[str, ...] = ()) -> CheckIn:
    return CheckIn(D0 + timedelta(days=offset), pain, pain if stiffness is None else stiffness, tags=tags)


scores = st.integers(min_value=0, max_value=10)
maybe_scores = st.lists(st.one_of(st.none(), scores), min_size=0, max_size=120)
tenths_values = st.integers(min_value=0, max_value=100)


def naive_trailing(values, window=7):
    out = []
    for i in range(len(values)):
        present = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(present) / len(present) if present else None)
    return out


# -- 7-day trailing mean ---------------------------------------------------------------------------
def test_trailing_mean_example_ignores_missing_days():
    values = [4, None, 6, *[None] * 7, 2]
    got = tr.trailing_mean(values)
    assert got[:7] == [4, 4, 5, 5, 5, 5, 5]
    assert got[7] == got[8] == 6  # days 1..7 and 2..8: only the 6
    assert got[9] is None  # days 3..9: nothing recorded, so no mean (not 0)
    assert got[10] == 2


@given(maybe_scores)
def test_trailing_mean_matches_the_definition(values):
    assert tr.trailing_mean(values) == pytest.approx(naive_trailing(values))


@given(st.integers(0, 10), st.lists(st.booleans(), min_size=1, max_size=100))
def test_mean_of_a_constant_series_is_that_constant(value, present):
    values = [value if p else None for p in present]
    for got, window in zip(tr.trailing_mean(values), naive_trailing(values)):
        assert got == (None if window is None else value)


@given(maybe_scores)
def test_means_stay_within_the_window_min_and_max(values):
    for i, got in enumerate(tr.trailing_mean(values)):
        present = [v for v in values[max(0, i - 6) : i + 1] if v is not None]
        if present:
            assert min(present) <= got <= max(present)
        else:
            assert got is None


@given(maybe_scores)
def test_series_gaps_stay_gaps_never_zeros(values):
    start = D0
    checkins = [ck(i, v) for i, v in enumerate(values) if v is not None]
    end = start + timedelta(days=max(len(values) - 1, 0))
    days = tr.series(checkins, start, end)
    assert len(days) == (end - start).days + 1
    for i, d in enumerate(days):
        expected = values[i] if i < len(values) else None
        assert d.pain == expected and d.stiffness == expected
        assert d.day == start + timedelta(days=i)
        if d.pain_7d is None:
            assert all(v is None for v in values[max(0, i - 6) : i + 1])


def test_series_uses_the_six_days_before_the_start_for_the_first_means():
    checkins = [ck(0, 8), ck(7, 2)]
    days = tr.series(checkins, D0 + timedelta(days=7), D0 + timedelta(days=8))
    assert [d.pain for d in days] == [2, None]
    assert days[0].pain_7d == 2  # day 0 is 7 days back: outside the window
    days = tr.series(checkins, D0 + timedelta(days=6), D0 + timedelta(days=7))
    assert days[0].pain is None and days[0].pain_7d == 8  # from the day before the period
    assert days[1].pain_7d == 2  # days 1..7


class CountedCheckIn:
    """A check-in that counts every attribute read: the trend code's work, measured without a clock."""

    reads = 0

    def __init__(self, inner: CheckIn):
        self._inner = inner

    def __getattr__(self, name):
        CountedCheckIn.reads += 1
        return getattr(self._inner, name)


def test_series_work_is_linear_in_history_length():
    def reads(n):
        checkins = [CountedCheckIn(ck(i, i % 11, tags=("desk",) if i % 3 else ())) for i in range(n)]
        CountedCheckIn.reads = 0
        tr.series(checkins, D0, D0 + timedelta(days=n - 1))
        tr.weeks(checkins, [], D0, D0 + timedelta(days=n - 1), per_week=5, plan_start=D0)
        tr.tag_effects(checkins)
        return CountedCheckIn.reads

    small, large = reads(2000), reads(20000)
    assert small > 0
    assert large <= small * 11  # 10x the data: about 10x the reads, far from 100x


# -- buckets -----------------------------------------------------------------------------------
def test_bucket_size_fits_the_width():
    assert tr.bucket_size(90, 100) == 1
    assert tr.bucket_size(90, 40) == 3
    assert tr.bucket_size(3650, 76) == 49  # 7 weeks a column
    for days in (1, 30, 90, 365, 3650):
        for width in (10, 37, 76, 180):
            size = tr.bucket_size(days, width)
            assert -(-days // size) <= width
            assert size <= 3 or size % 7 == 0


@given(maybe_scores, st.integers(1, 20))
def test_buckets_cover_every_day_once_and_average_the_present_values(values, size):
    days = tr.series([ck(i, v) for i, v in enumerate(values) if v is not None], D0, D0 + timedelta(days=len(values)))
    got = tr.buckets(days, size)
    assert sum((b.last - b.first).days + 1 for b in got) == len(days)
    assert got[-1].last == days[-1].day
    for b in got:
        inside = [d.pain for d in days if b.first <= d.day <= b.last and d.pain is not None]
        assert b.pain == (pytest.approx(sum(inside) / len(inside)) if inside else None)


# -- weeks and adherence -------------------------------------------------------------------------
def test_weeks_means_counts_and_plans():
    checkins = [ck(0, 4, 6), ck(1, 6, 2), ck(8, 3, 3)]
    sessions = [
        Session(D0, "r", "s", ("a",)),
        Session(D0 + timedelta(days=2), "r", "s", ("a",)),
        Session(D0 + timedelta(days=2), "other", "s", ("a",)),  # same day: one session day
        Session(D0 + timedelta(days=3), "r", "s", (), ("a",)),  # nothing done: not counted
        Session(D0 + timedelta(days=9), "r", "s", ("a",)),
    ]
    days = [s.day for s in sessions if s.completed]  # what the store's completed_session_days gives
    weeks = tr.weeks(checkins, days, D0, D0 + timedelta(days=9), per_week=5, plan_start=D0 + timedelta(days=1))
    assert [w.label for w in weeks] == ["2026-W10", "2026-W11"]
    w1, w2 = weeks
    assert (w1.pain, w1.stiffness, w1.checkins, w1.sessions) == (5, 4, 2, 2)
    assert w1.planned == 4  # plan from Tuesday: 6 days of 7 -> 4.3 -> 4
    assert (w2.pain, w2.checkins, w2.sessions, w2.planned) == (3, 1, 1, 2)  # Mon-Wed: 3 days -> 2.1 -> 2
    a = tr.adherence(weeks, 5)
    assert (a.done, a.planned, a.weeks_planned, a.weeks_met) == (3, 6, 2, 0)
    assert a.percent == 50
    assert "3 of 6 planned sessions done (50 %)" in a.words


def test_weeks_without_a_plan():
    weeks = tr.weeks([ck(0, 4)], [], D0, D0 + timedelta(days=3), per_week=5, plan_start=None)
    assert weeks[0].planned is None
    a = tr.adherence(weeks, 5)
    assert a.percent is None and "No sessions were planned" in a.words


@pytest.mark.parametrize("per_week, days, planned", [(5, 7, 5), (5, 1, 1), (5, 3, 2), (3, 7, 3), (3, 1, 0), (7, 4, 4)])
def test_planned_sessions_pro_rata(per_week, days, planned):
    assert tr.planned_sessions(per_week, days) == planned


@given(st.lists(st.tuples(st.integers(0, 60), scores), max_size=60), st.integers(1, 7))
def test_week_counts_add_up(entries, per_week):
    by_day = {d: p for d, p in entries}
    checkins = [ck(d, p) for d, p in sorted(by_day.items())]
    start, end = D0 + timedelta(days=3), D0 + timedelta(days=50)
    weeks = tr.weeks(checkins, [], start, end, per_week=per_week, plan_start=start)
    assert sum(w.checkins for w in weeks) == sum(1 for c in checkins if start <= c.day <= end)
    full = [w for w in weeks if w.monday >= start and w.monday + timedelta(days=6) <= end]
    assert all(w.planned == per_week for w in full)


# -- baseline and change ---------------------------------------------------------------------------
def test_baseline_and_recent_windows():
    checkins = [ck(i, 6 if i < 7 else 3) for i in range(20)]
    base, recent = tr.baseline_and_recent(checkins)
    assert (base.first, base.last, base.checkins) == (D0, D0 + timedelta(days=6), 7)
    assert base.mean("pain") == 6 and recent.mean("pain") == 3
    assert recent.first == D0 + timedelta(days=13)


def test_baseline_starts_with_the_routine():
    checkins = [ck(i, 8 if i < 3 else 5) for i in range(20)]
    base, _ = tr.baseline_and_recent(checkins, started=D0 + timedelta(days=3))
    assert base.first == D0 + timedelta(days=3) and base.mean("pain") == 5


def test_too_few_checkins_or_overlapping_windows():
    assert tr.baseline_and_recent([ck(i, 5) for i in range(13)]) == (None, None)
    assert tr.baseline_and_recent([ck(i, 5) for i in range(14)]) != (None, None)
    # 14 check-ins, but the routine started after the 5th: the windows would overlap
    assert tr.baseline_and_recent([ck(i, 5) for i in range(14)], started=D0 + timedelta(days=5)) == (None, None)
    change = tr.compare(None, None, "pain")
    assert change.meaningful is None and change.percent is None
    assert change.words == "Pain: too few check-ins to tell."


def test_window_means_round_half_up():
    w = tr.window([ck(i, p) for i, p in enumerate([5, 5, 5, 6, 6, 6, 6])])  # 39/7 = 5.571
    assert w.tenths("pain") == 56 and w.mean("pain") == 5.6
    w = tr.window([ck(0, 5), ck(1, 6)])  # 5.5 exactly
    assert w.tenths("pain") == 55
    assert tr.tenths(0.35) == 4 and tr.tenths(2.25) == 23 and tr.tenths(5.449) == 54


@pytest.mark.parametrize(
    "baseline, recent, meaningful, direction, percent",
    [
        (6.0, 4.0, True, "better", -33.3),  # 2 points (and 33 %)
        (6.0, 4.1, True, "better", -31.6),  # 1.9 points, but 31.6 %
        (8.0, 6.1, False, "better", -23.7),  # 1.9 points, 23.7 %: small
        (3.0, 2.1, True, "better", -30.0),  # 0.9 points but exactly 30 %
        (3.0, 2.2, False, "better", -26.6),
        (3.0, 5.0, True, "worse", 66.6),
        (5.0, 5.5, False, "worse", 10.0),
        (4.0, 4.0, False, "same", 0.0),
        (0.0, 1.0, False, "worse", None),  # baseline 0: no per cent
        (0.0, 2.0, True, "worse", None),
    ],
)
def test_change_classification_examples(baseline, recent, meaningful, direction, percent):
    c = tr.classify(baseline, recent)
    assert c.meaningful is meaningful
    assert c.direction == direction
    assert c.as_dict()["percent"] == percent


def test_change_words_both_directions():
    better = tr.classify(5.4, 3.1, "pain").words
    assert better == "Pain went down from 5.4 to 3.1 (2.3 points, 42 %): a meaningful improvement."
    worse = tr.classify(3.0, 5.0, "stiffness").words
    assert worse == "Stiffness went up from 3.0 to 5.0 (2.0 points, 66 %): a meaningful change for the worse."
    assert "small change" in tr.classify(5.0, 4.5).words and "improvement" in tr.classify(5.0, 4.5).words
    assert "small change: slightly worse" in tr.classify(5.0, 5.5).words
    assert "no percentage" in tr.classify(0.0, 1.0).words
    assert "no change" in tr.classify(4.0, 4.0).words


def test_shown_percent_is_cut_toward_zero():
    c = tr.classify(2.7, 3.5)  # +0.8 on 2.7 = 29.63 %: small, and shown as 29 %
    assert c.meaningful is False
    assert c.percent_whole == 29 and "29 %" in c.words


@given(tenths_values, tenths_values)
def test_change_classification_is_symmetric(b10, d10):
    b = b10 / 10
    d = min(d10, b10, 100 - b10) / 10  # stay within 0-10 both ways
    up, down = tr.classify(b, b + d), tr.classify(b, b - d)
    assert up.meaningful == down.meaningful
    assert up.points == pytest.approx(-down.points)
    if d:
        assert {up.direction, down.direction} == {"better", "worse"}
    if up.percent is not None:
        assert up.percent == pytest.approx(-down.percent)


@given(tenths_values, tenths_values)
def test_percent_is_consistent_with_points(b10, r10):
    c = tr.classify(b10 / 10, r10 / 10)
    assert c.points == pytest.approx((r10 - b10) / 10)
    if b10 == 0:
        assert c.percent is None
    else:
        assert c.percent == pytest.approx(c.points / c.baseline * 100)
        assert abs(c.as_dict()["percent"]) <= abs(c.percent) + 1e-9  # cut toward zero
        assert (c.percent < 0) == (c.points < 0)
    assert c.meaningful == (abs(r10 - b10) >= 20 or (b10 > 0 and abs(r10 - b10) / b10 >= 0.3))
    assert (c.direction == "better") == (r10 < b10)


# -- tags ----------------------------------------------------------------------------------------
def test_tag_effects_need_five_days_each_side():
    checkins = [ck(i, 6, tags=("long-drive",)) for i in range(5)] + [ck(i, 3) for i in range(5, 10)]
    checkins += [ck(10, 4, tags=("gardening",))] * 4
    [effect] = tr.tag_effects(checkins)
    assert effect.tag == "long-drive"
    assert (effect.with_days, effect.with_mean, effect.without_days) == (5, 6, 9)
    assert effect.without_mean == pytest.approx((15 + 16) / 9)
    assert effect.words.startswith("On days tagged long-drive your pain averaged 6.0 (5 days) vs 3.4 without (9 days)")
    assert effect.words.endswith("this shows an association, not a cause.")


@given(st.lists(st.tuples(scores, st.sets(st.sampled_from(["a", "b", "c"]))), max_size=60))
def test_tag_effects_match_a_direct_count(rows):
    checkins = [ck(i, p, tags=tuple(sorted(t))) for i, (p, t) in enumerate(rows)]
    got = {e.tag: e for e in tr.tag_effects(checkins)}
    for tag in "abc":
        with_ = [c.pain for c in checkins if tag in c.tags]
        without = [c.pain for c in checkins if tag not in c.tags]
        if len(with_) >= 5 and len(without) >= 5:
            assert got[tag].with_mean == pytest.approx(sum(with_) / len(with_))
            assert got[tag].without_mean == pytest.approx(sum(without) / len(without))
        else:
            assert tag not in got


# -- flare-ups (the one rule in domain/flares.py, shared with the progression engine) ---------------------
def test_flares_are_measured_against_the_rolling_usual_level():
    from backcare.domain import flares as fl

    # usual level 3; day 8 is 8/10 (single day, 5 above usual); 12-13 are 6, 6 (two days running, 3 above)
    pains = [3, 3, 3, 3, 3, 3, 3, 3, 8, 3, 3, 3, 6, 6, 3, 3, 3, 3, 3, 3, 3, 3, 5]
    checkins = [ck(i, p) for i, p in enumerate(pains)]
    got = fl.episodes(checkins)
    assert [(f.first.day - D0.day, f.last.day - D0.day, f.peak, f.days) for f in got] == [(8, 13, 8, 3)]
    assert got[0].usual == 3
    # someone whose usual pain is 7-8 is not in a flare-up at 8
    assert fl.episodes([ck(i, 7 + i % 2) for i in range(28)]) == []
    # the physio's rule: 3 points, 3 days running
    strict = fl.Rule(above_usual=3, days=3, pain=9)
    assert fl.episodes(checkins, strict) == []


def test_change_verdict_words_follow_the_mcid_in_both_directions():
    assert tr.Change("pain", 60, 30).verdict == "meaningful improvement"  # -3 points
    assert tr.Change("pain", 60, 50).verdict == "small improvement"  # -1 point, -17 %
    assert tr.Change("pain", 30, 50).verdict == "meaningful worsening"  # +2 points
    assert tr.Change("pain", 50, 55).verdict == "small worsening"
    assert tr.Change("pain", 40, 40).verdict == "no change"
