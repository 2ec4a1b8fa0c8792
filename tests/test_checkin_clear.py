"""`checkin --clear FIELD`: a wrong medicine, tag, note or score is removed from the day without deleting the day;
the earlier values stay in the edit history; pain and stiffness cannot be cleared; a wrong name is one sentence."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import checkin as ck
from backcare.errors import InvalidInput

DAY = "2026-11-20"
FULL = ["--pain", "4", "--stiffness", "3", "--sleep", "6", "--stress", "5", "--leg-pain", "4", "--leg-side", "left"]
FULL += ["--med", "ibuprofn 400mg", "--tag", "desk", "--note", "walked", "--settled", "yes"]


def _day(cli) -> dict:
    (row,) = [c for c in cli.json("history", "--json") if c["date"] == DAY]
    return row


@pytest.fixture
def filled(cli):
    assert cli("safety", "--none").exit_code == 0
    result = cli("checkin", "-d", DAY, *FULL)
    assert result.exit_code == 0, result.output
    return _day(cli)


def test_a_misspelt_medicine_is_replaced_and_the_old_one_kept_in_the_edit_history(cli, filled):
    result = cli("checkin", "-d", DAY, "--clear", "meds", "--med", "ibuprofen 400mg")
    assert result.exit_code == 0, result.output
    assert "medicines ibuprofn 400mg -> ibuprofen 400mg" in result.stdout
    assert _day(cli)["meds"] == ["ibuprofen 400mg"]
    edits = cli.json("export")["checkin_edits"]
    assert any(e["before"]["meds"] == ["ibuprofn 400mg"] for e in edits)
    assert "ibuprofn" not in " ".join(cli.json("export")["checkins"][0]["meds"])


@pytest.mark.parametrize(
    ("names", "emptied"),
    [
        (["note"], {"note": None}),
        (["tags"], {"tags": []}),
        (["meds"], {"meds": []}),
        (["sleep", "stress"], {"sleep": None, "stress": None}),
        (["sleep,stress"], {"sleep": None, "stress": None}),
        (["leg-pain"], {"leg_pain": None, "leg_side": None}),
        (["leg-side"], {"leg_side": None}),
        (["settled"], {"settled": None}),
        (["medicines", "Note"], {"meds": [], "note": None}),
    ],
)
def test_each_optional_value_can_be_cleared_and_nothing_else_changes(cli, filled, names, emptied):
    args = [arg for name in names for arg in ("--clear", name)]
    result = cli("checkin", "-d", DAY, *args)
    assert result.exit_code == 0, result.output
    assert _day(cli) == {**filled, **emptied}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--clear", "pain"], "Pain cannot be cleared"),
        (["--clear", "stiffness"], "Stiffness cannot be cleared"),
        (["--clear", "mood"], "There is no 'mood' to clear: choose from"),
        (["--clear", "leg-pain", "--leg-side", "right"], "A leg side goes with leg pain"),
    ],
)
def test_what_cannot_be_cleared_is_one_sentence_and_nothing_changes(cli, filled, args, words):
    result = cli("checkin", "-d", DAY, *args)
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert _day(cli) == filled


def test_clearing_on_a_day_without_a_check_in_still_needs_pain_and_stiffness(cli):
    assert cli("safety", "--none").exit_code == 0
    result = cli("checkin", "-d", DAY, "--clear", "note")
    assert result.exit_code == 2 and "Missing pain and stiffness" in result.output
    assert cli.json("history", "--json") == []


# -- the rule underneath ---------------------------------------------------------------------------------------
OPTIONAL = [name for name in ck.KINDS if name not in ck.CORE]


@given(
    cleared=st.lists(st.sampled_from(OPTIONAL), unique=True),
    sleep=st.one_of(st.none(), st.integers(0, 10)),
)
def test_build_empties_exactly_the_cleared_fields_a_given_value_wins(cleared, sleep):
    before = ck.CheckIn(date(2026, 1, 1), 4, 3, 6, 5, "walked", ("desk",), True, 4, "left", ("ibuprofen",))
    clear = ck.parse_clear(cleared)
    try:
        after = ck.build(before.day, previous=before, clear=clear, sleep=sleep)
    except InvalidInput:
        pytest.fail("clearing fields the day has never fails")
    for name in OPTIONAL:
        if name == "sleep" and sleep is not None:
            assert after.sleep == sleep
        elif name in clear:
            assert getattr(after, name) in (None, ())
        else:
            assert getattr(after, name) == getattr(before, name)
    assert (after.pain, after.stiffness) == (4, 3)
