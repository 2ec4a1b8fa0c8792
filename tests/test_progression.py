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
    assert any("3 of 3 sessions" in r for r in d.reasons)


def test_holds_and_says_which_criteria_are_missing():
    d = pg.decide(ROUTINE, START, checkins([3] * 4), sessions([1, 2]), all_clear(D0), day(3))
    assert d.decision == pg.HOLD and d.stage == "mobility"
    text = " ".join(d.reasons)
    assert "2 of 3 sessions" in text and "3 of 5 days" in text


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
    d = pg.decide(ROUTINE, START, checkins([3, 3, 9]), [], all_clear(D0), day(2))
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
        recent = [c for c in cs if today - timedelta(days=6) <= c.day <= today]
        assert all(c.pain < pg.FLARE_PAIN for c in recent)  # never advances during a flare
    assert d.reasons


def test_lighter_dose_eases_every_part_but_never_below_one():
    from backcare.domain.routine import lighter

    assert lighter(Dose(3, 9, 30, "each")) == Dose(2, 6, 20, "each")
    assert lighter(Dose(1, 1, 1)) == Dose(1, 1, 1)
    assert lighter(Dose(2, 10)).hold_seconds is None
    assert lighter(Dose(1, 1, 600)).hold_seconds == 420  # a 10-minute walk becomes 7 minutes
    assert lighter(Dose(1, 5, 10)).hold_seconds == 5
