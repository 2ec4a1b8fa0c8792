"""`safety --none` / `--yes-to` read the screens once, in the transaction that keeps the new one, and work out
what it leaves from them; the stored answers are written and read without json. Each shortcut is checked here
against the long way round (what the command did before)."""

from __future__ import annotations

import io
import json
import sqlite3
import string
import tempfile
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.domain import safety
from backcare.domain.safety import HISTORY_QUESTIONS, QUESTIONS, Clearance, Screen
from backcare.errors import InvalidInput
from backcare.render.safety import show_screen_result
from backcare.services import safety as service
from backcare.store import Store
from backcare.store.records import safety_screens
from backcare.store.records.base import dumps

IDS = [q.id for q in QUESTIONS]
DAY0 = date(2026, 1, 1)

plain_id = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=12)
any_key = st.one_of(plain_id, st.text(max_size=6))


@given(st.dictionaries(any_key, st.booleans(), max_size=10))
def test_answers_are_written_exactly_as_json_writes_them_and_read_back_as_json_reads_them(answers):
    text = dumps(answers)
    assert text == json.dumps(answers)
    assert safety_screens.answers_of(text) == json.loads(text) == answers


@given(st.text(alphabet='{}":, -abtruefalsn01\\', max_size=40))
def test_any_stored_text_reads_as_json_reads_it_or_fails_as_json_does(text):
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            safety_screens.answers_of(text)
    else:
        assert safety_screens.answers_of(text) == expected


def test_each_read_gets_its_own_answers():
    text = dumps({"bladder-bowel": False})
    first = safety_screens.answers_of(text)
    first["bladder-bowel"] = True
    assert safety_screens.answers_of(text) == {"bladder-bowel": False}


def test_a_screen_is_stored_as_the_json_it_always_was(home, open_store):
    store = open_store(home)
    store.record_screen(Screen(DAY0, {q.id: q.id == "trauma" for q in QUESTIONS}, True))
    raw = sqlite3.connect(home / "backcare.db").execute("SELECT answers FROM safety_screens").fetchone()[0]
    assert json.loads(raw) == {q.id: q.id == "trauma" for q in QUESTIONS}
    assert raw == json.dumps({q.id: q.id == "trauma" for q in QUESTIONS})


def test_add_screen_reads_the_earlier_screens_and_keeps_nothing_when_refused(home, open_store):
    store = open_store(home)
    first = Screen(DAY0, {"saddle-numbness": True})
    earlier, kept = store.add_screen(lambda before: first)
    assert (earlier, kept) == ([], first)
    seen: list[list[Screen]] = []

    def refuse(before: list[Screen]) -> Screen:
        seen.append(before)
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        store.add_screen(refuse)
    assert seen == [[first]] and store.screens() == [first]


def test_an_open_emergency_refuses_an_all_clear_without_the_doctor_question_and_keeps_nothing(home, open_store):
    store = open_store(home)
    service.answer(store, DAY0, {q.id: q.id == "bladder-bowel" for q in QUESTIONS}, None)
    with pytest.raises(InvalidInput, match="--seen-doctor"):
        service.answer(store, DAY0, {q.id: False for q in QUESTIONS}, None)
    assert len(store.screens()) == 1
    left = service.answer(store, DAY0, {q.id: False for q in QUESTIONS}, True)
    assert not left.blocked and store.screens()[-1].seen_doctor is True


# -- what the result leaves out, and why that cannot change what is printed ----------------------------------

answer_sets = st.lists(st.sampled_from(IDS), max_size=3).map(lambda ys: {q: q in ys for q in IDS})
current_only = st.lists(st.sampled_from([q.id for q in safety.CURRENT_QUESTIONS]), max_size=2).map(
    lambda ys: {q.id: q.id in ys for q in safety.CURRENT_QUESTIONS}
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("screen"), st.one_of(answer_sets, current_only), st.sampled_from([None, True, False])),
        st.tuples(st.just("clear"), st.just({}), st.none()),
    ),
    min_size=1,
    max_size=6,
)


def _history(steps_list, day: date) -> tuple[list[Screen], list[Clearance]]:
    screens: list[Screen] = []
    clearances: list[Clearance] = []
    for i, (kind, answers, seen) in enumerate(steps_list):
        when = day + timedelta(days=i)
        if kind == "screen":
            screens.append(Screen(when, answers, seen))
        elif screens:
            standing = safety.assess(screens, clearances, when).history
            if standing:
                clearances.append(Clearance(when, "Dr A", None, standing))
    return screens, clearances


@given(steps)
def test_clearances_change_nothing_while_no_history_answer_stands(steps_list):
    screens, clearances = _history(steps_list, DAY0)
    if not screens:
        return
    without = safety.assess(screens, (), DAY0 + timedelta(days=10))
    if not without.history:
        assert safety.assess(screens, clearances, DAY0 + timedelta(days=10)) == without


states = st.builds(
    lambda steps_list, due, reason, recheck: (steps_list, due, reason, recheck),
    steps,
    st.booleans(),
    st.sampled_from([None, "backcare eased off after a flare-up on 2026-01-02", "the last safety questions ..."]),
    st.one_of(st.none(), st.dates(min_value=DAY0, max_value=date(2027, 1, 1))),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(states)
def test_the_printed_result_never_shows_the_recheck_schedule(monkeypatch, drawn):
    # Why the stage history (a flare-up makes a re-check due) is not read for the result of a screen.
    monkeypatch.setenv("COLUMNS", "100")
    steps_list, due, reason, recheck = drawn
    screens, clearances = _history(steps_list, DAY0)
    state = safety.assess(screens, clearances, DAY0 + timedelta(days=6))
    other = replace(state, recheck_due=due, recheck_reason=reason, next_recheck=recheck)
    assert _printed(state) == _printed(other)


def _printed(state) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        show_screen_result(state)
    return out.getvalue()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
@given(steps, st.sampled_from([None, True, False]), st.lists(st.sampled_from(IDS), max_size=2))
def test_the_state_an_answer_leaves_is_the_stored_state_but_for_the_recheck_reason(_stores_closed, before, seen, yes):
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder))
        try:
            screens, clearances = _history(before, DAY0)
            for s in screens:
                store.record_screen(s)
            for c in clearances:
                store.record_clearance(c)
            day = DAY0 + timedelta(days=len(before))
            answers = {q: q in yes for q in IDS}
            try:
                left = service.answer(store, day, answers, seen)
            except InvalidInput:
                assert safety.unseen_since(screens) is not None and seen is None
                assert store.screens() == screens
                return
            stored = service.current(store, day)
            assert left == replace(stored, recheck_due=left.recheck_due, recheck_reason=left.recheck_reason)
            assert _printed(left) == _printed(stored)
        finally:
            store.close()


def test_history_answers_that_stand_still_read_the_clearances(home, open_store):
    store = open_store(home)
    service.answer(store, DAY0, {q.id: q.id == "past-cancer" for q in QUESTIONS}, None)
    store.record_clearance(Clearance(DAY0, "Dr A", None, ("past-cancer",)))
    left = service.answer(store, DAY0, {q.id: q.id == "past-cancer" for q in QUESTIONS}, None)
    assert not left.blocked and left.clearance is not None and left.clearance.by == "Dr A"
    assert {q.id for q in HISTORY_QUESTIONS} >= set(left.history)
