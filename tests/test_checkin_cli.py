"""The daily check-in as a person uses it: values in, stored data and messages out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backcare import clock
from backcare.store import Store


def stored(home):
    store = Store.open(home)
    try:
        return store.checkins(), store.edits()
    finally:
        store.close()


def test_checkin_records_today(cli, home):
    result = cli(
        "checkin",
        "--pain",
        "3",
        "--stiffness",
        "4",
        "--sleep",
        "7",
        "--stress",
        "2",
        "--tag",
        "long-drive",
        "--tag",
        "Gardening",
        "--note",
        "stiff after the drive",
    )
    assert result.exit_code == 0, result.output
    assert "pain 3, stiffness 4" in result.stdout
    [c], edits = stored(home)
    assert c.day == clock.today()
    assert (c.pain, c.stiffness, c.sleep, c.stress) == (3, 4, 7, 2)
    assert c.tags == ("long-drive", "gardening")
    assert c.note == "stiff after the drive"
    assert edits == []


def test_second_checkin_same_day_updates_and_keeps_history(cli, home):
    cli("checkin", "--pain", "5", "--stiffness", "4", "--sleep", "6")
    result = cli("checkin", "--pain", "4", "--stiffness", "4")
    assert result.exit_code == 0
    assert "pain 5 -> 4" in result.stdout
    [c], [edit] = stored(home)
    assert (c.pain, c.stiffness, c.sleep) == (4, 4, 6)  # sleep not given again: kept
    assert edit.action == "update"
    assert edit.before["pain"] == 5 and edit.after["pain"] == 4


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--pain", "11", "--stiffness", "3"], "0 to 10"),
        (["--pain", "-1", "--stiffness", "3"], "0 to 10"),
        (["--pain", "abc", "--stiffness", "3"], "whole number"),
        (["--pain", "4.5", "--stiffness", "3"], "whole number"),
        (["--pain", "4", "--stiffness", "3", "--sleep", "12"], "sleep"),
        (["--pain", "4", "--stiffness", "3", "--date", "2026-02-30"], "not a real calendar date"),
        (["--pain", "4", "--stiffness", "3", "--date", "31/01/2026"], "YYYY-MM-DD"),
        (["--pain", "4", "--stiffness", "3", "--date", (clock.today() + timedelta(days=1)).isoformat()], "future"),
        (["--pain", "4", "--stiffness", "3", "--tag", "two words"], "Tag"),
        (["--pain", "4", "--stiffness", "3", "--settled", "maybe"], "yes or no"),
    ],
)
def test_bad_values_exit_2_and_write_nothing(cli, home, args, fragment):
    cli("checkin", "--pain", "2", "--stiffness", "2", "--date", "yesterday")
    before = stored(home)
    result = cli("checkin", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert stored(home) == before


def test_missing_core_value_without_terminal_names_the_flag(cli, home):
    result = cli("checkin", "--stiffness", "3")
    assert result.exit_code == 2
    assert "--pain" in result.stderr
    assert stored(home)[0] == []


def test_backfill_with_yesterday(cli, home):
    assert cli("checkin", "-p", "2", "-s", "3", "--date", "yesterday").exit_code == 0
    [c], _ = stored(home)
    assert c.day == clock.today() - timedelta(days=1)


def test_interactive_checkin_reasks_on_bad_answers(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.checkin.interactive", lambda: True)
    cli("safety", "--none")
    result = cli("checkin", input="eleven\n11\n6\n4.5\n5\n\n3\n\n\n\nslept badly\n")
    assert result.exit_code == 0, result.output
    [c], _ = stored(home)
    assert (c.pain, c.stiffness, c.sleep, c.stress, c.note) == (6, 5, None, 3, "slept badly")
    assert result.stderr.count("Please try again") == 3


def test_interactive_ctrl_c_writes_nothing(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.checkin.interactive", lambda: True)
    cli("safety", "--none")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("backcare.cli.prompts.Prompt.ask", boom)
    result = cli("checkin")
    assert result.exit_code == 130
    assert "nothing was saved" in result.stderr
    assert stored(home)[0] == []


def test_first_interactive_run_asks_safety_questions_first(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.checkin.interactive", lambda: True)
    answers = "n\n" * 9 + "4\n3\n\n\n\n\n\n\n"
    result = cli("checkin", input=answers)
    assert result.exit_code == 0, result.output
    store = Store.open(home)
    assert store.latest_screen() is not None and not store.latest_screen().any_yes
    assert store.get_checkin(clock.today()).pain == 4


def test_history_json_shape_and_order(cli):
    cli("checkin", "-p", "2", "-s", "3", "--date", (clock.today() - timedelta(days=3)).isoformat())
    cli("checkin", "-p", "5", "-s", "6", "--tag", "gardening", "--note", "weeded")
    rows = cli.json("history", "--json")
    assert [r["date"] for r in rows] == [clock.today().isoformat(), (clock.today() - timedelta(days=3)).isoformat()]
    for key in ("date", "pain", "stiffness", "sleep", "stress", "tags", "note"):
        assert key in rows[0]
    assert rows[0]["tags"] == ["gardening"] and rows[1]["tags"] == []
    assert rows[1]["sleep"] is None and rows[1]["note"] is None
    assert len(cli.json("history", "--json", "--days", "2")) == 1


def test_history_table(cli):
    cli("checkin", "-p", "2", "-s", "3", "--note", "fine day")
    result = cli("history")
    assert result.exit_code == 0
    assert "fine day" in result.stdout


def test_history_table_fits_40_columns(cli):
    cli("checkin", "-p", "2", "-s", "3", "--note", "a note that is rather long for a narrow screen")
    result = cli("history", env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 40


def test_delete_keeps_row_in_edit_history(cli, home):
    cli("checkin", "-p", "2", "-s", "3")
    assert cli("delete", "today").exit_code == 2  # no terminal to confirm in, no --yes
    result = cli("delete", "today", "--yes")
    assert result.exit_code == 0
    checkins, [edit] = stored(home)
    assert checkins == []
    assert edit.action == "delete" and edit.before["pain"] == 2


def test_delete_missing_day_is_a_clear_error(cli):
    result = cli("delete", "2020-01-01", "--yes")
    assert result.exit_code == 1
    assert "no check-in" in result.stderr


def test_delete_goes_through_the_checkins_service(home, open_store, today):
    from backcare.errors import BackcareError
    from backcare.services import checkins

    store = open_store(home)
    checkins.record(store, today, pain=2, stiffness=3)
    assert checkins.existing(store, today).pain == 2
    deleted = checkins.delete(store, today)
    assert (deleted.day, deleted.pain, deleted.stiffness) == (today, 2, 3)
    assert store.get_checkin(today) is None
    assert [e.action for e in store.edits(today)] == ["delete"]
    with pytest.raises(BackcareError, match="There is no check-in for"):
        checkins.delete(store, today)  # deleted meanwhile (another backcare): one sentence, nothing changed
    with pytest.raises(BackcareError, match="There is no check-in for"):
        checkins.existing(store, today)
    assert [e.action for e in store.edits(today)] == ["delete"]


def test_debug_shows_the_details_for_a_bug_report(cli, home):
    home.mkdir(parents=True)
    (home / "backcare.db").write_text("not a database")
    plain = cli("today")
    assert plain.exit_code == 1
    assert type(plain.exception).__name__ != "StoreError"  # one sentence, no traceback
    for args, env in ((["--debug", "today"], {}), (["today"], {"BACKCARE_DEBUG": "1"})):
        result = cli(*args, env=env)
        assert result.exit_code == 1
        assert type(result.exception).__name__ == "StoreError"  # re-raised, so the traceback is shown
