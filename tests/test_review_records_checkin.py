"""Findings from trying to break the record-kind registry and the richer check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.domain import checkin as ck
from backcare.errors import InvalidInput
from backcare.store import Store


def stored(home):
    store = Store.open(home)
    try:
        return store.checkins()
    finally:
        store.close()


def days_ago(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def at_terminal(cli, monkeypatch):
    monkeypatch.setattr("backcare.cli.checkin.interactive", lambda: True)
    assert cli("safety", "--none").exit_code == 0


# -- finding: a superscript or circled digit typed at the pick prompt crashed the check-in -----------------------


@pytest.mark.parametrize("answer", ["²", "①", "1 ²", "³,1"])
def test_a_digit_like_character_is_not_a_pick_number(answer):
    for words in (True, False):
        try:
            got = ck.pick(answer, ["desk", "garden"], words=words)
        except InvalidInput:
            continue
        assert all(isinstance(item, str) for item in got)


@given(st.text(max_size=12), st.booleans())
def test_pick_never_fails_with_anything_but_a_clear_message(text, words):
    try:
        ck.pick(text, ["desk", "ibuprofen 400mg"], words=words)
    except InvalidInput as exc:
        assert exc.message


def test_interactive_check_in_with_a_superscript_digit_asks_again(cli, home, monkeypatch):
    cli("checkin", "-p", "3", "-s", "4", "-t", "desk", "--date", days_ago(1))
    at_terminal(cli, monkeypatch)
    # pain, stiffness, sleep, stress, leg (no), medicines "²" (a new medicine), tags "²" (refused), then "1"
    result = cli("checkin", input="4\n3\n\n\n\n²\n²\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "not allowed" in result.stderr
    today = stored(home)[-1]
    assert today.tags == ("desk",)
    assert today.meds == ("²",)


# -- finding: --replace said "earlier check-in versions are kept" when it had replaced a profile field -----------


def test_replacing_a_profile_field_does_not_claim_an_earlier_version_was_kept(cli, home, tmp_path):
    assert cli("safety", "--none").exit_code == 0
    cli("checkin", "-p", "3", "-s", "4", "--date", days_ago(1))
    cli("profile", "--name", "Ann")
    path = tmp_path / "ann.json"
    assert cli("export", "-o", str(path)).exit_code == 0
    cli("profile", "--name", "Bob")
    result = cli("import", str(path), "--replace")
    assert result.exit_code == 0, result.output
    assert "Conflict: profile name differs in value (replaced by the file's version)." in result.stdout
    assert "1 conflict replaced by the file's version" in result.stdout
    assert "edit history" not in result.stdout


def test_replacing_a_check_in_still_says_its_earlier_version_is_kept(cli, home, tmp_path):
    assert cli("safety", "--none").exit_code == 0
    cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "2", "--med", "ibuprofen 400mg", "--date", days_ago(1))
    cli("profile", "--name", "Ann")
    path = tmp_path / "ann.json"
    assert cli("export", "-o", str(path)).exit_code == 0
    cli("checkin", "-p", "6", "--leg-pain", "5", "--leg-side", "left", "--date", days_ago(1))
    cli("profile", "--name", "Bob")
    result = cli("import", str(path), "--replace")
    assert result.exit_code == 0, result.output
    assert "2 conflicts replaced by the file's version (earlier check-in versions are kept" in result.stdout
    day = stored(home)[-1]
    assert (day.pain, day.leg_pain, day.leg_side, day.meds) == (3, 2, None, ("ibuprofen 400mg",))
    again = cli("import", str(path))
    assert "Imported 0 check-ins, 0 sessions; no conflicts" in again.stdout


# -- finding: only the first medicine of the CSV's ";"-joined cell was kept from running as a formula ------------


def csv_rows(cli):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout, newline="")))


def test_every_medicine_in_the_csv_cell_is_kept_from_running_as_a_formula(cli, home):
    meds = ("ibuprofen 400mg", '=HYPERLINK("http://x","a")', "paracetamol;+1+1", "@SUM(A1)")
    args = [arg for med in meds for arg in ("--med", med)]
    assert cli("checkin", "-p", "3", "-s", "4", *args).exit_code == 0
    cell = csv_rows(cli)[-1]["meds"]
    pieces = cell.split(";")  # what "split text to columns" on ';' (or a ';'-separated locale) makes of the cell
    assert pieces[0] == "ibuprofen 400mg"
    assert not any(piece.startswith(("=", "+", "-", "@")) for piece in pieces), cell
    assert "HYPERLINK" in cell and "@SUM(A1)" in cell


@given(st.lists(st.text(alphabet="=+-@;ab \uff1d", min_size=1, max_size=8), max_size=4))
def test_a_list_cell_never_has_a_piece_that_starts_a_formula(items):
    from backcare.exporters.csv_export import list_cell

    cell = list_cell(items)
    assert not any(piece.startswith(("=", "+", "-", "@", "\uff1d")) for piece in cell.split(";")), cell


def test_odd_picks_at_a_real_terminal_are_asked_again_and_then_taken(home):
    """Through a pseudo-terminal: '0', '99' and '²' are asked again; '1,1,2' picks two tags once each."""
    from tests.test_checkin_more import screened_with_recent_tags_and_medicine
    from tests.test_sessions_pty import Terminal

    screened_with_recent_tags_and_medicine(home)
    t = Terminal(home, "checkin")
    t.answer("(0 = no pain, 10 = worst imaginable): ", b"4\r")
    t.answer("Stiffness (0 = none, 10 = worst imaginable): ", b"3\r")
    t.answer("(0 = very poor, 10 = very good; optional): ", b"\r")
    t.answer("(0 = none, 10 = extreme; optional): ", b"\r")
    t.answer("Any pain down the leg today? [y/n, Enter for no]: ", b"\r")
    t.answer("pick numbers or type new ones (optional): ", b"99\r")
    t.expect("Pick a number from 1 to 1, not '99'.")
    t.answer("pick numbers or type new ones (optional): ", b"1, 1\r")
    t.expect("1) desk  2) walk")
    t.answer("pick numbers or type new ones (optional): ", b"0\r")
    t.expect("Pick a number from 1 to 2, not '0'.")
    t.answer("pick numbers or type new ones (optional): ", "²\r".encode())
    t.expect("not allowed")
    t.answer("pick numbers or type new ones (optional): ", b"1,1,2\r")
    t.answer("A short note (optional): ", b"\r")
    assert t.finish() == 0, t.text
    assert "Traceback" not in t.text
    c = stored(home)[-1]
    assert (c.meds, c.tags) == (("ibuprofen 400mg",), ("desk", "walk"))


# -- finding: trend counted one medicine twice when its spelling differed in case between days --------------------


def test_trend_counts_a_medicine_once_whatever_its_case():
    from datetime import date

    from backcare.domain.trends import medicine_days

    days = [
        ck.CheckIn(date(2026, 3, 1), 3, 3, meds=("Ibuprofen 400mg",)),
        ck.CheckIn(date(2026, 3, 2), 3, 3, meds=("ibuprofen 400mg", "paracetamol 1g")),
        ck.CheckIn(date(2026, 3, 3), 3, 3),
    ]
    got = medicine_days(days)
    assert (got.days, got.checkins) == (2, 3)
    assert got.by_name == [("ibuprofen 400mg", 2), ("paracetamol 1g", 1)]


@given(st.lists(st.lists(st.sampled_from(["Ibu", "ibu", "IBU", "para", "Para"]), max_size=3), max_size=6))
def test_medicine_days_per_name_never_exceed_the_days_with_medicines(per_day):
    from datetime import date, timedelta

    from backcare.domain.trends import medicine_days

    days = []
    for i, meds in enumerate(per_day):
        parsed = ck.parse_meds(meds) or ()
        days.append(ck.CheckIn(date(2026, 3, 1) + timedelta(days=i), 3, 3, meds=parsed))
    got = medicine_days(days)
    assert all(n <= got.days for _, n in got.by_name)
    assert len({name.casefold() for name, _ in got.by_name}) == len(got.by_name)


def test_trend_after_an_import_with_another_spelling_names_the_medicine_once(cli, home, tmp_path):
    import json

    assert cli("safety", "--none").exit_code == 0
    cli("checkin", "-p", "3", "-s", "4", "--med", "Ibuprofen 400mg", "--date", days_ago(2))
    path = tmp_path / "other.json"
    assert cli("export", "-o", str(path)).exit_code == 0
    data = json.loads(path.read_text())
    record = dict(data["checkins"][0], date=days_ago(1), meds=["ibuprofen 400mg"])
    data["checkins"].append(record)
    path.write_text(json.dumps(data))
    assert cli("import", str(path)).exit_code == 0
    out = " ".join(cli("trend").stdout.split())
    assert "Medicines: on 2 of 2 check-in days (ibuprofen 400mg on 2)." in out, out


# -- finding: the side of a day's leg pain could not be corrected without typing the leg pain again --------------


def test_a_side_alone_corrects_the_side_of_a_day_with_leg_pain(cli, home):
    assert cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--leg-side", "left", "--note", "").exit_code == 0
    result = cli("checkin", "--leg-side", "right")
    assert result.exit_code == 0, result.output
    assert "leg side 'left' -> 'right'" in result.stdout
    [c] = stored(home)
    assert (c.leg_pain, c.leg_side) == (6, "right")


@pytest.mark.parametrize("leg", [[], ["--leg-pain", "0"]])
def test_a_side_alone_on_a_day_without_leg_pain_is_refused_and_changes_nothing(cli, home, leg):
    assert cli("checkin", "-p", "3", "-s", "4", *leg, "--note", "").exit_code == 0
    before = stored(home)
    result = cli("checkin", "--leg-side", "right")
    assert result.exit_code == 2, result.output
    assert "leg pain" in result.stderr and "Traceback" not in result.output
    assert stored(home) == before


def test_a_side_alone_with_an_unknown_side_is_refused(cli, home):
    assert cli("checkin", "-p", "3", "-s", "4", "--leg-pain", "6", "--note", "").exit_code == 0
    result = cli("checkin", "--leg-side", "up")
    assert result.exit_code == 2 and "left, right or both" in result.stderr
    assert stored(home)[0].leg_side is None


@given(
    pain=st.one_of(st.none(), st.integers(0, 10)),
    side=st.sampled_from(["left", "right", "both"]),
)
def test_build_takes_a_side_alone_only_when_the_day_has_leg_pain(pain, side):
    from datetime import date

    day = date(2026, 3, 1)
    previous = ck.CheckIn(day, 3, 3, leg_pain=pain)
    if pain:
        assert ck.build(day, previous=previous, leg_side=side).leg_side == side
    else:
        with pytest.raises(InvalidInput):
            ck.build(day, previous=previous, leg_side=side)


# -- finding: updating a day at the terminal dropped its leg side when the leg pain was typed again ---------------


def test_updating_a_day_at_the_terminal_keeps_the_leg_side_unless_changed(cli, home, monkeypatch):
    args = ("--leg-pain", "4", "--leg-side", "left", "--med", "ibuprofen 400mg", "--note", "")
    assert cli("checkin", "-p", "3", "-s", "4", *args).exit_code == 0
    at_terminal(cli, monkeypatch)
    # pain, stiffness, sleep, stress: Enter keeps; leg pain 5 (was 4, offered as the default); side: Enter keeps
    result = cli("checkin", input="\n\n\n\n5\n\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Pain down the leg today (0 = none, 10 = worst imaginable); optional (4):" in result.stderr
    assert "(left)" in result.stderr
    [c] = stored(home)
    assert (c.pain, c.leg_pain, c.leg_side, c.meds) == (3, 5, "left", ("ibuprofen 400mg",))
    assert "leg pain 4 -> 5." in " ".join(result.stdout.split())


# -- finding: a section out of order was reported without naming the section it must come before -----------------


@pytest.mark.parametrize("moved, before", [("settings", "checkins"), ("sessions", "checkins")])
def test_a_section_out_of_order_names_the_section_it_must_come_before(cli, home, tmp_path, moved, before):
    import json

    assert cli("safety", "--none").exit_code == 0
    cli("checkin", "-p", "3", "-s", "4", "--date", days_ago(1))
    path = tmp_path / "moved.json"
    assert cli("export", "-o", str(path)).exit_code == 0
    data = json.loads(path.read_text())
    items = list(data.items())
    entry = items.pop([k for k, _ in items].index(moved))
    items.insert([k for k, _ in items].index(before), entry)
    path.write_text(json.dumps(dict(items)))
    result = cli("import", str(path))
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert f'its "{before}" section must come before "{moved}", as in every backcare export' in message, message
    assert len(stored(home)) == 1


def test_a_side_alone_for_a_new_day_at_the_terminal_is_refused_before_any_question(cli, home, monkeypatch):
    at_terminal(cli, monkeypatch)
    result = cli("checkin", "--leg-side", "left", input="4\n3\n\n\nn\n\n\n\n")
    assert result.exit_code == 2, result.output
    assert "A leg side goes with leg pain" in result.stderr
    assert "Back pain" not in result.stderr
    assert stored(home) == []


# -- finding: a routine file with a number of thousands of digits hit "an unexpected problem" --------------------


@pytest.mark.parametrize("text", ["0x" + "1" * 5000, "name: 0x" + "9" * 5000, "- " + "7" * 5000])
def test_a_huge_number_in_a_routine_file_is_one_located_problem(cli, tmp_path, text):
    path = tmp_path / "big.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    result = cli("routine", "check", str(path))
    assert result.exit_code == 1, result.output
    assert "unexpected problem" not in result.output and "Traceback" not in result.output
    assert f"{path}:1:" in result.output


def test_show_names_a_huge_number_without_writing_it_out():
    from backcare.content.problems import show

    assert show(1 << 20000) == "a number of 6021 digits"
    assert show(-(10**5000)) == "a number of 5001 digits"
    assert show(12345) == "12345"


# -- finding: the same digit-like characters crashed session --done, sessions delete and reminder times ----------


@pytest.mark.parametrize("flag", ["--done", "--skip"])
def test_a_superscript_digit_for_session_exercises_is_a_usage_error(cli, home, flag):
    assert cli("safety", "--none").exit_code == 0
    args = ["--done", "1", "--skip", "²"] if flag == "--skip" else ["--done", "²"]
    result = cli("session", *args, "--pain-during", "2")
    assert result.exit_code == 2, result.output
    assert "unexpected problem" not in result.output


def test_deleting_session_superscript_two_says_there_is_no_such_session(cli, home):
    result = cli("sessions", "delete", "²")
    assert result.exit_code == 1, result.output
    assert "There is no session '²'" in result.output


def test_a_digit_like_answer_in_a_guided_session_is_asked_again():
    from backcare.cli.guided import _choice

    with pytest.raises(InvalidInput):
        _choice("²")
    assert _choice("3") == 3


def test_a_crontab_line_with_digit_like_characters_is_not_a_reminder_time():
    from backcare.domain.reminder import cron_time

    assert cron_time("³ 8 * * * backcare due") is None
    assert cron_time("30 8 * * * backcare due") is not None
