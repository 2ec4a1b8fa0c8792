"""Findings from trying the daily-habit work as a patient, a physio and an attacker: a bad day-rollover hour in an
imported file or an edited database, and the start time of a session logged after midnight."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import config
from backcare.errors import InvalidInput


def _export_with_day_starts(cli, tmp_path, value: str):
    assert cli("config", "set", "day-starts", "6").exit_code == 0
    exported = tmp_path / "backup.json"
    assert cli("export", "--format", "json", "--output", str(exported)).exit_code == 0
    data = json.loads(exported.read_text())
    data["settings"]["day-starts"] = value
    exported.write_text(json.dumps(data))
    return exported


@pytest.mark.parametrize("value", ["99", "late", "4\x1b[31m", "-1", ""])
def test_an_import_with_a_bad_day_starts_is_refused_and_nothing_changes(cli, tmp_path, open_store, value):
    exported = _export_with_day_starts(cli, tmp_path, value)
    other = tmp_path / "other"
    assert cli("--home", str(other), "config", "set", "day-starts", "5").exit_code == 0
    imported = cli("--home", str(other), "import", "--replace", str(exported))
    assert imported.exit_code == 1, imported.output
    assert "Traceback" not in imported.output
    assert "day-starts" in imported.output and "0 to 23" in imported.output
    assert "\x1b" not in imported.output
    assert len(imported.output.strip().splitlines()) == 1
    assert open_store(other).get_setting("day-starts") == "5"  # nothing stored was changed
    fresh = tmp_path / "fresh"
    assert cli("--home", str(fresh), "import", str(exported)).exit_code == 1
    assert open_store(fresh).get_setting("day-starts") is None


def test_config_says_when_a_stored_day_starts_is_not_valid(cli, home, open_store):
    open_store(home).set_setting("day-starts", "late")  # an edited database
    got = cli.json("config", "get", "day-starts", "--json")
    assert got["value"] == config.DAY_STARTS_DEFAULT
    assert got["default"] is True  # the default is what applies, and the output says so
    listed = cli("config", "list")
    assert listed.exit_code == 0, listed.output
    assert "day-starts = 04:00 (default)" in listed.stdout
    assert "'late' is not valid" in listed.stdout


@given(st.text(max_size=12))
def test_stored_value_is_always_a_valid_hour(stored):
    value = config.stored_value(config.DAY_STARTS, stored)
    assert 0 <= value <= 23
    try:
        assert config.parse_hour(stored) == value
    except InvalidInput:
        assert value == config.DAY_STARTS_DEFAULT


@pytest.mark.real_today
def test_a_session_after_midnight_keeps_its_real_start_time(cli, monkeypatch):
    """Filed for the day before (the rollover hour), but it began at 01:30 on the 29th, not on the 28th."""
    monkeypatch.setenv("BACKCARE_NOW", "2026-11-29T01:30")
    assert cli("safety", "--none").exit_code == 0
    logged = cli("session", "--done", "all", "--pain-during", "2")
    assert logged.exit_code == 0, logged.output
    assert "Sat 28 Nov 2026" in logged.stdout
    [session] = cli.json("export")["sessions"]
    assert session["date"] == "2026-11-28"
    assert datetime.fromisoformat(session["started"]).replace(tzinfo=None) == datetime(2026, 11, 29, 1, 30)
    listed = cli("sessions")
    assert "2026-11-28" in listed.stdout and "01:30" in listed.stdout


# -- associations: a difference too small to matter is not called an association ----------------
@given(
    st.integers(1, 60),
    st.floats(0, 10, allow_nan=False),
    st.integers(1, 60),
    st.floats(0, 10, allow_nan=False),
)
def test_association_words_claim_a_link_only_for_a_clear_difference(n_with, with_mean, n_without, without_mean):
    from backcare.domain import trends

    shown = abs(int(f"{with_mean:.1f}".replace(".", "")) - int(f"{without_mean:.1f}".replace(".", "")))  # tenths
    for words in (
        trends.TagEffect("long-drive", n_with, with_mean, n_without, without_mean).words,
        trends.ScoreAssociation("stress", n_with, with_mean, n_without, without_mean).words,
    ):
        if shown >= 10:
            assert "this shows an association, not a cause" in words
        else:
            assert "this shows an association" not in words
            assert "no clear association" in words


def test_trend_does_not_call_a_tenth_of_a_point_an_association(cli):
    assert cli("safety", "--none").exit_code == 0
    # 6 high-stress days and 6 low-stress days with pain averaging 5.0 and 5.17
    for n, (pain, stress) in enumerate([(5, 8)] * 6 + [(5, 2)] * 5 + [(6, 2)]):
        day = f"2026-11-{n + 10:02d}"
        done = cli("checkin", "--pain", str(pain), "--stiffness", "3", "--stress", str(stress), "--note", "", "-d", day)
        assert done.exit_code == 0, done.output
    shown = cli("trend")
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())
    assert "On days with high stress (6-10) your pain averaged 5.0 (6 days) vs 5.2" in text
    assert "this shows an association" not in text
    assert "no clear association" in text
    [scored] = cli.json("trend", "--json")["associations"]["scores"]
    assert "no clear association" in scored["words"]


@pytest.mark.real_today
def test_the_calendar_date_after_midnight_is_refused_naming_the_day_it_still_is(cli, monkeypatch):
    """At 01:30 on the 29th it is still the 28th for backcare; typing the 29th must say which day today is."""
    monkeypatch.setenv("BACKCARE_NOW", "2026-11-29T01:30")
    assert cli("safety", "--none").exit_code == 0
    refused = cli("checkin", "--pain", "3", "--stiffness", "2", "--note", "", "--date", "2026-11-29")
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output
    assert "today, Sat 28 Nov 2026" in refused.output
    assert cli.json("export")["checkins"] == []


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.integers(1, 400))
def test_a_future_day_is_refused_naming_today(now, ahead):
    from backcare.domain.dates import check_day, human

    day = now + timedelta(days=ahead)
    with pytest.raises(InvalidInput) as refused:
        check_day(day, now=now)
    assert human(now) in refused.value.message and day.isoformat() in refused.value.message


@pytest.mark.parametrize("stored", [b"5", b"\xff\x00"])
def test_a_day_starts_stored_as_bytes_does_not_stop_any_command(cli, home, open_store, stored):
    """An edited database can hold a BLOB where backcare wrote text: the default applies and every command runs."""
    import sqlite3

    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "--pain", "3", "--stiffness", "2", "--note", "").exit_code == 0
    conn = sqlite3.connect(home / "backcare.db")
    with conn:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('day-starts', ?)", (stored,))
    conn.close()
    for args in (("today",), ("config", "list"), ("config", "get", "day-starts"), ("trend",), ("due",)):
        ran = cli(*args)
        assert ran.exit_code == 0, (args, ran.output)
        assert "unexpected problem" not in ran.output
    got = cli.json("config", "get", "day-starts", "--json")
    assert got["value"] == config.DAY_STARTS_DEFAULT and got["default"] is True and got["not_valid"]


def test_a_person_back_after_months_away_is_pointed_at_their_earlier_diary(cli, today):
    """Check-ins long before the last 90 days: the trend says where the diary is, not 'no check-ins yet'."""
    assert cli("safety", "--none").exit_code == 0
    first = today - timedelta(days=200)
    for n in range(3):
        day = (first + timedelta(days=n)).isoformat()
        assert cli("checkin", "--pain", "4", "--stiffness", "3", "--note", "", "--date", day).exit_code == 0
    shown = cli("trend")
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())
    assert "yet" not in text
    assert f"your last one was on {first + timedelta(days=2):%d %b %Y}".replace(" on 0", " on ") in text
    assert "backcare trend --all" in text
    data = cli.json("trend", "--json")
    assert data["checkins"] == 0 and data["last_checkin_before"] == (first + timedelta(days=2)).isoformat()
    assert cli.json("trend", "--json", "--all")["checkins"] == 3


def test_due_with_a_blank_home_option_is_refused_like_every_other_command(cli, bc, home):
    """`--home "$DIR"` with DIR unset must not quietly answer for the default data folder."""
    assert cli("safety", "--none").exit_code == 0
    other = bc("--home", "", "where")
    assert other.returncode == 2 and "--home is blank" in other.stderr
    for args in (("--home", "", "due"), ("--home=", "due"), ("--home", " ", "due")):
        due = bc(*args)
        assert due.returncode == 2, (args, due.stdout, due.stderr)
        assert "--home is blank" in due.stderr and due.stdout == ""
        assert "Traceback" not in due.stderr
    quiet = bc("--home", "", "due", "--quiet")
    assert quiet.returncode == 2 and quiet.stdout == "" and quiet.stderr == ""


def test_fast_data_home_refuses_a_blank_option():
    from backcare.cli.fast import data_home

    for blank in ("", " ", "\t"):
        with pytest.raises(InvalidInput):
            data_home(blank)


def test_a_missed_day_after_a_long_run_does_not_say_no_run_yet(cli, today):
    """After weeks of check-ins and one missed day, 'no run of days yet' would deny the weeks before."""
    assert cli("safety", "--none").exit_code == 0
    for back in range(2, 23):  # a 21-day run that ended the day before yesterday; today not done yet
        day = (today - timedelta(days=back)).isoformat()
        assert cli("checkin", "-p", "3", "-s", "3", "--note", "", "--date", day).exit_code == 0
    shown = cli("today")
    assert shown.exit_code == 0, shown.output
    assert "yet ·" not in shown.stdout
    assert "Streak: no current run · 5 of the last 7 days." in shown.stdout
    assert f"backcare checkin --date {(today - timedelta(days=1)).isoformat()}" in shown.stdout


def test_the_trend_on_the_first_day_says_1_day(cli):
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "--pain", "2", "--stiffness", "2", "--note", "").exit_code == 0
    shown = cli("trend")
    assert shown.exit_code == 0, shown.output
    assert "(1 day)." in shown.stdout and "1 days" not in shown.stdout


@pytest.mark.real_today
def test_a_pinned_clock_that_rolls_back_before_1900_is_refused(cli, bc, monkeypatch):
    """1900-01-01 at 01:00 is still 31 Dec 1899 for backcare: a day no export could bring back in."""
    monkeypatch.delenv("BACKCARE_TODAY", raising=False)
    env = {"BACKCARE_NOW": "1900-01-01T01:00"}
    checked = cli("checkin", "--pain", "1", "--stiffness", "1", "--note", "", env=env)
    assert checked.exit_code == 2 and "BACKCARE_NOW" in checked.output and "1899-12-31" in checked.output
    due = bc("due", env=env)
    assert due.returncode == 2 and "BACKCARE_NOW" in due.stderr and "Traceback" not in due.stderr
    assert (
        cli(
            "checkin", "--pain", "1", "--stiffness", "1", "--note", "", env={"BACKCARE_NOW": "1900-01-01T05:00"}
        ).exit_code
        == 0
    )


@pytest.mark.parametrize("written", ["06:00", "06", " 6"])
def test_an_imported_day_starts_written_another_way_is_the_same_setting(cli, tmp_path, open_store, written):
    exported = _export_with_day_starts(cli, tmp_path, written)  # this home holds day-starts 6
    imported = cli("import", str(exported))
    assert imported.exit_code == 0, imported.output
    assert "no conflicts" in imported.output and "differs" not in imported.output
    fresh = tmp_path / "fresh"
    assert cli("--home", str(fresh), "import", str(exported)).exit_code == 0
    assert open_store(fresh).get_setting("day-starts") == "6"  # stored as config set stores it
