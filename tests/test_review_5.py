"""Defects found by trying to break this morning's changes: the per-field import merge, JSON export to standard
output, the clinician's safety box and `checkin --clear`. Each test failed before its fix."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report import parse

from backcare.domain import checkin as ck
from backcare.domain import safety as sf
from backcare.errors import InvalidInput

DAY = "2026-11-20"


def _day(cli) -> dict:
    (row,) = [c for c in cli.json("history", "--json") if c["date"] == DAY]
    return row


@pytest.fixture
def leg_day(cli):
    assert cli("safety", "--none").exit_code == 0
    result = cli("checkin", "-d", DAY, "--pain", "4", "--stiffness", "3", "--leg-pain", "5", "--leg-side", "left")
    assert result.exit_code == 0, result.output
    return _day(cli)


# -- an import record that gives leg pain but says nothing of the side ------------------------------------------
@pytest.mark.parametrize("leg_pain", [None, 0])
def test_an_import_that_takes_away_leg_pain_does_not_leave_its_side_behind(cli, leg_day, tmp_path, leg_pain):
    """A record naming leg pain (none or 0) without a side used to keep the stored side: the day then held a side
    without leg pain, which `checkin` never allows, and the person's own export could no longer be imported."""
    record = {"date": DAY, "pain": 4, "stiffness": 3, "leg_pain": leg_pain}
    exported = cli.json("export")
    exported["checkins"] = [record]
    exported["checkin_edits"] = []
    path = tmp_path / "from-elsewhere.json"
    path.write_text(json.dumps(exported), "utf-8")
    result = cli("import", str(path), "--replace")
    assert result.exit_code == 0, result.output
    day = _day(cli)
    assert day["leg_pain"] == leg_pain and day["leg_side"] is None
    again = tmp_path / "again.json"
    assert cli("export", "-o", str(again)).exit_code == 0
    result = cli("import", str(again))
    assert result.exit_code == 0, result.output


def test_an_import_that_changes_leg_pain_above_0_keeps_the_stored_side(cli, leg_day, tmp_path):
    exported = cli.json("export")
    exported["checkins"] = [{"date": DAY, "pain": 4, "stiffness": 3, "leg_pain": 7}]
    exported["checkin_edits"] = []
    path = tmp_path / "from-elsewhere.json"
    path.write_text(json.dumps(exported), "utf-8")
    assert cli("import", str(path), "--replace").exit_code == 0
    assert (_day(cli)["leg_pain"], _day(cli)["leg_side"]) == (7, "left")


# -- JSON export to standard output -----------------------------------------------------------------------------
HOSTILE_NOTE = "a\x7fb\u202ec\x9b31md\u2028e"


def test_an_export_printed_to_the_terminal_escapes_del_c1_and_bidi_controls_and_keeps_the_data(cli):
    """`backcare export` prints to standard output by default: a note holding DEL, a C1 control (CSI) or a
    right-to-left override reached the terminal raw, as `history --json` did before its fix."""
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "-d", DAY, "--pain", "4", "--stiffness", "3", "--note", HOSTILE_NOTE).exit_code == 0
    result = cli("export")
    assert result.exit_code == 0, result.output
    for raw in ("\x7f", "\x9b", "\u202e", "\u2028"):
        assert raw not in result.stdout
    assert HOSTILE_NOTE in json.dumps(json.loads(result.stdout), ensure_ascii=False)


def test_the_escaped_json_export_imports_with_the_same_note(cli, tmp_path):
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "-d", DAY, "--pain", "4", "--stiffness", "3", "--note", HOSTILE_NOTE).exit_code == 0
    path = tmp_path / "piped.json"
    path.write_text(cli("export").stdout, "utf-8")
    assert cli("delete", DAY, "--yes").exit_code == 0
    assert cli("import", str(path)).exit_code == 0
    assert _day(cli)["note"] == HOSTILE_NOTE.strip()


# -- the clinician's box: a safety re-check that is due ---------------------------------------------------------
def test_the_report_box_says_the_safety_answers_are_due_again(cli):
    """The box said 'none standing now' on answers seven months old, while the person's own screen said a
    re-check was due."""
    assert cli("safety", "--none", env={"BACKCARE_TODAY": "2026-05-01"}).exit_code == 0
    for d in range(1, 9):
        assert cli("checkin", "-d", f"2026-11-{d:02d}", "--pain", "4", "--stiffness", "3").exit_code == 0
    result = cli("report", "--format", "html", "-o", "-")
    assert result.exit_code == 0, result.output
    box = parse(result.stdout).text("alerts")
    assert "none standing now" not in box
    assert "re-check" in box and "2026-05-01" in box


_SCREEN = st.builds(
    lambda offset, yes, seen: (offset, yes, seen),
    st.integers(0, 120),
    st.sets(st.sampled_from([q.id for q in sf.QUESTIONS])),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=200, deadline=None)
@given(screens=st.lists(_SCREEN, max_size=4), clear=st.booleans(), today_offset=st.integers(0, 200))
def test_the_clinician_box_covers_every_state_the_person_is_told_about(screens, clear, today_offset):
    start = date(2026, 1, 1)
    built = sorted(
        (
            sf.Screen(start + timedelta(days=o), {q.id: q.id in yes for q in sf.QUESTIONS}, seen)
            for o, yes, seen in screens
        ),
        key=lambda s: s.day,
    )
    last = built[-1].day if built else start
    clearances = [sf.Clearance(last, "Dr A", None, tuple(q.id for q in sf.HISTORY_QUESTIONS))] if clear else []
    state = sf.assess(built, clearances, last + timedelta(days=today_offset))
    patient, clinician = sf.notice(state), sf.clinician_notice(state)
    assert bool(clinician) == bool(patient or state.recheck_due)
    assert any(line.startswith("URGENT") for line in clinician) == any(line.startswith("URGENT") for line in patient)
    if patient:
        assert ("cauda equina" in clinician[0]) == ("cauda equina" in patient[0])

    def said_yes(lines: list[str]) -> int:
        return sum("answered 'yes' to" in line.lower() for line in lines)

    assert said_yes(clinician) == said_yes(patient)
    assert any("re-check" in line for line in clinician) == state.recheck_due


# -- checkin --clear with nothing named ------------------------------------------------------------------------
@pytest.mark.parametrize("empty", ["", ",", " , "])
def test_clear_naming_nothing_is_a_usage_error_and_nothing_changes(cli, leg_day, empty):
    """`--clear ""` (an empty shell variable) was taken as no --clear at all: the other values were stored and
    nothing said the clear was lost."""
    result = cli("checkin", "-d", DAY, "--clear", empty, "--pain", "6")
    assert result.exit_code == 2
    assert "Name the value to clear" in result.output and "Traceback" not in result.output
    assert _day(cli) == leg_day


@given(st.lists(st.sampled_from(["", " ", ",", "note", "sleep", "leg-pain"]), min_size=1))
def test_parse_clear_refuses_an_item_that_names_nothing(items):
    empty = [item for item in items if not item.replace(",", "").strip()]
    if empty:
        with pytest.raises(InvalidInput):
            ck.parse_clear(items)
    else:
        assert ck.parse_clear(items)


# -- checkin --clear meds to correct how a medicine is written ---------------------------------------------------
def test_clearing_the_medicines_takes_the_new_spelling_as_typed(cli):
    """A medicine recorded before keeps its earlier spelling, so `--clear meds --med "Ibuprofen 400mg"` on the
    day that held "ibuprofen 400MG" said 'nothing changed': the one way to correct it did nothing."""
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "-d", DAY, "--pain", "4", "--stiffness", "3", "--med", "ibuprofen 400MG").exit_code == 0
    result = cli("checkin", "-d", DAY, "--clear", "meds", "--med", "Ibuprofen 400mg")
    assert result.exit_code == 0, result.output
    assert "medicines ibuprofen 400MG -> Ibuprofen 400mg" in result.stdout
    assert _day(cli)["meds"] == ["Ibuprofen 400mg"]


def test_without_clear_a_medicine_keeps_its_earlier_spelling(cli):
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "-d", "2026-11-19", "--pain", "4", "--stiffness", "3", "--med", "Ibuprofen").exit_code == 0
    assert cli("checkin", "-d", DAY, "--pain", "4", "--stiffness", "3", "--med", "IBUPROFEN").exit_code == 0
    assert _day(cli)["meds"] == ["Ibuprofen"]


# -- huge repeats -----------------------------------------------------------------------------------------------
class _ReadPastTheLimit:
    """An argument parse_meds/parse_tags must never reach: they stop at the first item over their limit."""

    def __str__(self) -> str:
        raise AssertionError("read on past the limit")


@pytest.mark.parametrize(("parse", "most"), [(ck.parse_meds, ck.MAX_MEDS), (ck.parse_tags, ck.MAX_TAGS)])
def test_a_list_over_its_limit_is_refused_at_the_first_item_too_many(parse, most):
    """`--med` (or `--tag`) given thousands of times compared every name with every other before saying the
    limit is 20: 20,000 names took many seconds, the most a command line holds took minutes."""
    items = [f"item{i}" for i in range(most + 1)] + [_ReadPastTheLimit()] * 3
    with pytest.raises(InvalidInput, match=f"at most {most}"):
        parse(items)


@given(st.lists(st.sampled_from(["a", "b", "A", "c-d", " a ", "e"]), max_size=60))
def test_repeats_within_the_limit_are_kept_once(items):
    tags = ck.parse_tags(items) or ()
    assert len(tags) == len(set(tags)) == len({i.strip().lower() for i in items})
