"""The progression engine: a pure function, tested directly."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.domain import progression as pg
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.routine import Advance, Dose, Prescription, Routine, Stage
from backcare.domain.safety import Screen, all_clear

D0 = date(2026, 1, 1)
R = "test"


def stage(sid, advance=None):
    return Stage(sid, sid.title(), (Prescription("cat-camel", Dose(2, 10)),), advance)


ROUTINE = Routine(
    name=R,
    stages=(
        stage("mobility", Advance(sessions=3, days=5, max_pain_during=5)),
        stage("control", Advance(sessions=3, days=5, max_pain_during=5)),
        stage("strength"),
    ),
)
START = [StageEvent(R, D0, "mobility", "start")]


def day(n):
    return D0 + timedelta(days=n)


def checkins(pains, start=0, settled=None):
    return [CheckIn(day(start + i), p, 3, settled=settled) for i, p in enumerate(pains) if p is not None]


def sessions(days, stage="mobility", pain=3):
    return [Session(day(n), R, stage, ("cat-camel",), (), pain, 5) for n in days]


def test_advances_when_all_criteria_hold():
    d = pg.decide(ROUTINE, START, checkins([3] * 6), sessions([1, 2, 4]), all_clear(D0), day(5))
    assert d.decision == pg.ADVANCE and d.stage == "control"
    assert any("3 session days done in this stage (3 needed)" in r for r in d.reasons)


def test_holds_and_says_which_criteria_are_missing():
    d = pg.decide(ROUTINE, START, checkins([3] * 4), sessions([1, 2]), all_clear(D0), day(3))
    assert d.decision == pg.HOLD and d.stage == "mobility"
    text = " ".join(d.reasons)
    assert "2 of 3 session days" in text and "3 of 5 days" in text


def test_holds_when_pain_during_was_too_high():
    d = pg.decide(ROUTINE, START, checkins([3] * 6), sessions([1, 2]) + sessions([4], pain=6), all_clear(D0), day(5))
    assert d.decision == pg.HOLD
    assert any("reached 6/10" in r for r in d.reasons)


def test_holds_when_soreness_did_not_settle():
    cs = checkins([3] * 5) + [CheckIn(day(5), 3, 3, settled=False)]
    d = pg.decide(ROUTINE, START, cs, sessions([1, 2, 4]), all_clear(D0), day(5))
    assert d.decision == pg.HOLD
    assert any("not settled" in r for r in d.reasons)


def test_holds_when_weekly_pain_rises_by_a_point():
    cs = checkins([2] * 7 + [3, 3, 4, 3, 3, 4, 3])
    events = [StageEvent(R, D0, "mobility", "start")]
    d = pg.decide(ROUTINE, events, cs, sessions([1, 3, 5, 8, 10, 12]), all_clear(D0), day(13))
    assert d.decision == pg.HOLD
    assert any("higher than last week" in r for r in d.reasons)


def test_flare_steps_back_one_stage_with_a_plan():
    events = [*START, StageEvent(R, day(5), "control", "advance")]
    d = pg.decide(ROUTINE, events, checkins([3] * 8 + [8]), sessions([6, 7], stage="control"), all_clear(D0), day(8))
    assert d.decision == pg.STEP_BACK and d.stage == "mobility" and d.flare
    assert any("Flare-up plan" in r for r in d.reasons)


def test_flare_at_first_stage_offers_easier_variants():
    d = pg.decide(ROUTINE, START, checkins([3, 3, 3, 9]), [], all_clear(D0), day(3))
    assert d.decision == pg.STEP_BACK and d.stage == "mobility" and d.easier


def test_two_days_above_baseline_is_a_flare():
    d = pg.decide(ROUTINE, START, checkins([2, 2, 2, 2, 2, 2, 2, 5, 5]), [], all_clear(D0), day(8))
    assert d.decision == pg.STEP_BACK


def test_pain_during_above_5_twice_running_is_a_flare():
    d = pg.decide(
        ROUTINE, START, checkins([3] * 6), sessions([3], pain=6) + sessions([4], pain=7), all_clear(D0), day(5)
    )
    assert d.decision == pg.STEP_BACK


def test_a_flare_steps_back_only_once():
    events = [*START, StageEvent(R, day(5), "control", "advance"), StageEvent(R, day(8), "mobility", "step_back")]
    d = pg.decide(ROUTINE, events, checkins([3] * 8 + [8]), [], all_clear(D0), day(9))
    assert d.decision == pg.HOLD and d.stage == "mobility"


def test_red_flag_stops_everything():
    screen = Screen(day(4), {"trauma": True})
    d = pg.decide(ROUTINE, START, checkins([3] * 6), sessions([1, 2, 4]), screen, day(5))
    assert d.decision == pg.STOP and d.stage == "mobility"


def test_last_stage_holds():
    events = [*START, StageEvent(R, day(1), "strength", "manual", manual=True)]
    d = pg.decide(ROUTINE, events, checkins([2] * 30), sessions(range(2, 30), stage="strength"), all_clear(D0), day(30))
    assert d.decision == pg.HOLD and d.stage == "strength"


def test_position_follows_history():
    events = [
        *START,
        StageEvent(R, day(5), "control", "advance"),
        StageEvent(R, day(6), "control", "hold"),
        StageEvent(R, day(9), "mobility", "step_back"),
        StageEvent(R, day(10), "mobility", "step_back"),
    ]
    pos = pg.position(ROUTINE, events)
    assert pos.stage == "mobility" and pos.since == day(10) and pos.easier and pos.last_step_back == day(10)


# -- properties -------------------------------------------------------------------------------
pains = st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=0, max_size=30)
session_days = st.lists(st.tuples(st.integers(0, 29), st.integers(0, 10)), max_size=20)
stages = st.sampled_from(["mobility", "control", "strength"])


@st.composite
def scenario(draw):
    cs = checkins(draw(pains))
    ss = {n: p for n, p in draw(session_days)}
    current = draw(stages)
    events = [*START] + ([StageEvent(R, day(1), current, "manual", manual=True)] if current != "mobility" else [])
    sess = [Session(day(n), R, current, ("cat-camel",), (), p) for n, p in sorted(ss.items())]
    red = draw(st.booleans())
    screen = Screen(day(0), {"trauma": red})
    return cs, sess, events, screen, day(draw(st.integers(2, 30)))


@settings(max_examples=300)
@given(scenario())
def test_engine_properties(sc):
    cs, sess, events, screen, today = sc
    d = pg.decide(ROUTINE, events, cs, sess, screen, today)
    again = pg.decide(ROUTINE, events, cs, sess, screen, today)
    assert d == again  # the same logs always give the same decision
    ids = [s.id for s in ROUTINE.stages]
    before = ids.index(pg.position(ROUTINE, events).stage)
    after = ids.index(d.stage)
    assert after - before in (-1, 0, 1)  # never skips a stage
    if screen.any_yes:
        assert d.decision == pg.STOP
    if d.decision == pg.ADVANCE:
        assert not screen.any_yes
    assert d.reasons


def test_lighter_dose_eases_every_part_but_never_below_one():
    from backcare.domain.routine import lighter

    assert lighter(Dose(3, 9, 30, "each")) == Dose(2, 6, 20, "each")
    assert lighter(Dose(1, 1, 1)) == Dose(1, 1, 1)
    assert lighter(Dose(2, 10)).hold_seconds is None
    assert lighter(Dose(1, 1, 600)).hold_seconds == 420  # a 10-minute walk becomes 7 minutes
    assert lighter(Dose(1, 5, 10)).hold_seconds == 5


# -- findings: the physio's settings and the rules a physio will check -------------------------
from backcare.domain import flares  # noqa: E402
from backcare.domain.routine import Settings  # noqa: E402

SIX = tuple(
    Prescription(e, Dose(2, 10))
    for e in ("cat-camel", "pelvic-tilt", "bird-dog", "glute-bridge", "dead-bug", "walk-easy")
)
ROUTINE6 = Routine(
    name=R,
    stages=(
        Stage("mobility", "Mobility", SIX, Advance(sessions=3, days=5, max_pain_during=5)),
        Stage("control", "Control", SIX, Advance(sessions=3, days=5, max_pain_during=5)),
        Stage("strength", "Strength", SIX),
    ),
)


def full(days, stage="mobility", pain=3):
    ids = tuple(p.exercise for p in SIX)
    return [Session(day(n), R, stage, ids, (), pain, 5) for n in days]


def test_usual_pain_of_7_to_8_is_not_a_flare_every_day():
    cs = checkins([7, 8, 7, 8, 7, 8, 7, 8, 8, 7, 8, 7, 8, 7])
    assert flares.levels(cs).flare_days == ()
    d = pg.decide(ROUTINE, START, cs, sessions([1, 3, 5, 7, 9, 11, 12], pain=3), all_clear(D0), day(13))
    assert d.decision != pg.STEP_BACK and not d.flare


def test_a_recurrence_to_6_or_7_after_recovering_to_2_is_a_flare():
    cs = checkins([7] * 7 + [2] * 28 + [6, 7])
    assert flares.levels(cs).flare_days == (day(35), day(36))
    events = [*START, StageEvent(R, day(10), "control", "advance")]
    d = pg.decide(ROUTINE, events, cs, sessions(range(11, 34, 2), stage="control"), all_clear(D0), day(36))
    assert d.decision == pg.STEP_BACK and d.flare and d.stage == "mobility"


def test_the_physios_pain_limit_is_used_in_the_flare_rule_and_criteria():
    limit6 = Settings(pain_limit=6)
    routine = Routine(
        name=R, stages=(stage("mobility", Advance(sessions=3, days=5)), stage("strength")), settings=limit6
    )
    sess = sessions([1, 2, 3, 4], pain=6)
    d = pg.decide(routine, START, checkins([3] * 6), sess, all_clear(D0), day(5))
    assert d.decision == pg.ADVANCE  # 6/10 is within the physio's limit: not a flare
    assert pg.pain_limit(routine) == 6
    sore = sessions([1, 2, 3], pain=3) + sessions([4], pain=7) + sessions([5], pain=7)
    d = pg.decide(routine, START, checkins([3] * 6), sore, all_clear(D0), day(5))
    assert d.decision == pg.STEP_BACK
    assert any("above 6/10 in two sessions running" in r for r in d.reasons)


def test_no_advance_on_the_day_of_return_after_a_three_week_gap():
    cs = checkins([3] * 5) + checkins([5], start=27)
    sess = sessions([0, 1, 2, 3, 27])
    d = pg.decide(ROUTINE, START, cs, sess, all_clear(D0), day(27))
    assert d.decision == pg.HOLD
    assert any("break" in r for r in d.reasons)
    # one more session is still re-entry; after the second one, moving on is possible again
    cs2 = cs + checkins([3, 3], start=28)
    d = pg.decide(ROUTINE, START, cs2, sess + sessions([28]), all_clear(D0), day(28))
    assert d.decision == pg.HOLD and any("1 of 2 session days done before moving on" in r for r in d.reasons)
    d = pg.decide(ROUTINE, START, cs2 + checkins([3], start=29), sess + sessions([28, 29]), all_clear(D0), day(29))
    assert d.decision == pg.ADVANCE


def test_no_advance_without_a_checkin_in_the_last_two_days():
    d = pg.decide(ROUTINE, START, checkins([3] * 3), sessions([1, 2, 4]), all_clear(D0), day(5))
    assert d.decision == pg.HOLD and any("No check-in since" in r for r in d.reasons)


def test_rising_stiffness_week_on_week_holds():
    cs = [CheckIn(day(i), 3, 2 if i < 7 else 7) for i in range(14)]
    d = pg.decide(ROUTINE, START, cs, sessions([8, 10, 12]), all_clear(D0), day(13))
    assert d.decision == pg.HOLD
    assert any("average stiffness this week" in r for r in d.reasons)


def test_one_exercise_of_six_is_not_a_session():
    walk_only = [
        Session(day(n), R, "mobility", ("walk-easy",), tuple(p.exercise for p in SIX[:5]), 2) for n in (1, 2, 4)
    ]
    d = pg.decide(ROUTINE6, START, checkins([3] * 6), walk_only, all_clear(D0), day(5))
    assert d.decision == pg.HOLD and any("0 of 3 session days" in r for r in d.reasons)
    four = [
        Session(s.day, R, "mobility", tuple(p.exercise for p in SIX[:4]), ("dead-bug", "walk-easy"), 2)
        for s in walk_only
    ]
    d = pg.decide(ROUTINE6, START, checkins([3] * 6), four, all_clear(D0), day(5))
    assert d.decision == pg.ADVANCE  # 4 of 6 is the default two thirds


def test_a_settling_flare_steps_back_once_and_the_decision_is_kept_on_a_reread():
    events = [*START, StageEvent(R, day(5), "control", "advance")]
    cs = checkins([3] * 8 + [8, 7, 6])
    sess = sessions([6, 7], stage="control")
    first = pg.decide(ROUTINE, events, cs[:9], sess, all_clear(D0), day(8))
    assert first.decision == pg.STEP_BACK and first.flare and first.stage == "mobility"
    recorded = [*events, StageEvent(R, day(8), first.stage, first.decision, first.reasons)]
    assert pg.decide(ROUTINE, recorded, cs[:9], sess, all_clear(D0), day(8)) == first  # re-read: same
    for n in (9, 10):
        d = pg.decide(ROUTINE, recorded, cs[: n + 1], sess, all_clear(D0), day(n))
        assert d.decision == pg.HOLD and d.stage == "mobility" and d.flare
        assert any("settling" in r for r in d.reasons) and any("Flare-up plan" in r for r in d.reasons)


def test_a_non_final_stage_without_advance_waits_for_the_physio():
    routine = Routine(name=R, stages=(stage("mobility"), stage("strength")))
    d = pg.decide(routine, START, checkins([2] * 30), sessions(range(1, 30)), all_clear(D0), day(29))
    assert d.decision == pg.HOLD and "last stage" not in " ".join(d.reasons)
    assert any("only when your physio says so" in r for r in d.reasons)
    manual = Routine(name=R, stages=(stage("mobility", Advance(manual=True)), stage("strength")))
    d = pg.decide(manual, START, checkins([2] * 30), sessions(range(1, 30)), all_clear(D0), day(29))
    assert d.decision == pg.HOLD and any("backcare routine stage strength" in r for r in d.reasons)


# -- properties of the engine ---------------------------------------------------------------
@st.composite
def course(draw):
    """A hypothetical course: check-ins (some days missing), sessions (some partial), a stage, a day."""
    n = draw(st.integers(3, 60))
    pains = draw(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=n, max_size=n))
    stiff = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    cs = [CheckIn(day(i), p, stiff[i]) for i, p in enumerate(pains) if p is not None]
    current = draw(stages)
    events = [*START] + ([StageEvent(R, day(1), current, "manual", manual=True)] if current != "mobility" else [])
    sess = []
    for i in sorted(draw(st.sets(st.integers(1, n - 1), max_size=n))):
        k = draw(st.integers(0, 6))
        ids = tuple(p.exercise for p in SIX)
        sess.append(Session(day(i), R, current, ids[:k], ids[k:], draw(st.integers(0, 10))))
    return cs, sess, events, day(draw(st.integers(2, n)))


def _flare_days(cs, today):
    return [d for d in flares.levels([c for c in cs if c.day <= today]).flare_days]


@settings(max_examples=300, deadline=None)
@given(course())
def test_engine_never_advances_in_a_flare_on_a_return_day_and_rereads_are_stable(sc):
    cs, sess, events, today = sc
    d = pg.decide(ROUTINE6, events, cs, sess, all_clear(D0), today)
    # reading the day again, after its decision was recorded, gives the same decision
    recorded = [*events, StageEvent(R, today, d.stage, d.decision, d.reasons)]
    assert pg.decide(ROUTINE6, recorded, cs, sess, all_clear(D0), today) == d
    assert pg.decide(ROUTINE6, [*recorded, recorded[-1]], cs, sess, all_clear(D0), today) == d
    if d.decision != pg.ADVANCE:
        return
    # never on a flare day, nor while a flare-up settles (a flare day in the last week)
    assert not [x for x in _flare_days(cs, today) if (today - x).days < flares.EPISODE_GAP_DAYS]
    # never on the day of return after a break, nor without a check-in today or yesterday
    counted = sorted({s.day for s in sess if pg.session_counts(ROUTINE6, s) and s.day <= today})
    prev = [x for x in counted if x < today]
    if today in counted:
        assert not prev or (today - prev[-1]).days - 1 < 7
    assert any((today - c.day).days < 2 for c in cs if c.day <= today)


@settings(max_examples=100, deadline=None)
@given(course())
def test_a_replayed_course_steps_back_at_most_once_per_flare_up(sc):
    """Day by day, recording each day's decision as the CLI does (and reading each day twice)."""
    cs, sess, events, end = sc
    history = list(events)
    for n in range((end - D0).days + 1):
        today = day(n)
        d = pg.decide(ROUTINE6, history, cs, sess, all_clear(D0), today)
        event = pg.day_event(R, history, d, today)
        history = [e for e in history if not (e.day == today and pg.is_engine_event(e))] + ([event] if event else [])
        assert pg.decide(ROUTINE6, history, cs, sess, all_clear(D0), today) == d
        if d.decision == pg.ADVANCE:
            sore = [x for x, _ in pg.sore_sessions([s for s in sess if s.day <= today], 5)]
            found = flares.episodes([c for c in cs if c.day <= today], extra_days=sore)
            assert not (found and flares.settling(found[-1], today))
    seen = [c for c in cs if c.day <= end]
    sore = [x for x, _ in pg.sore_sessions([s for s in sess if s.day <= end], 5)]
    steps = [e for e in history if e.decision == pg.STEP_BACK]
    assert len(steps) <= len(flares.episodes(seen, extra_days=sore))
