"""`backcare config` and the day-rollover hour: a check-in before `day-starts` counts for the day before, in every
command (the fast `due` included), and the output says which day it filed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.domain import config
from backcare.errors import InvalidInput

NIGHT = "2026-11-29T01:30"  # a Sunday, half past one in the morning
MORNING = "2026-11-29T06:30"


# -- config: get, set, unset, list -------------------------------------------------------------
def test_config_lists_gets_sets_and_unsets_day_starts(cli, home, open_store):
    listed = cli("config", "list")
    assert listed.exit_code == 0, listed.output
    assert "day-starts = 04:00 (default)" in listed.stdout
    assert cli.json("config", "get", "day-starts", "--json")["value"] == 4

    changed = cli("config", "set", "day-starts", "5")
    assert changed.exit_code == 0 and "day-starts is now 05:00." in changed.stdout
    assert cli("config", "get", "day-starts").stdout.strip() == "05:00"
    assert cli.json("config", "list", "--json") == [
        {
            "key": "day-starts",
            "value": 5,
            "shown": "05:00",
            "default": False,
            "not_valid": None,
            "kind": "hour 0-23",
            "help": config.KEYS["day-starts"].help,
        }
    ]
    assert open_store(home).get_setting("day-starts") == "5"  # stored in the database, as a plain hour

    assert cli("config", "set", "day-starts", "06:00").exit_code == 0
    assert cli.json("config", "get", "day-starts", "--json")["value"] == 6
    unset = cli("config", "unset", "day-starts")
    assert unset.exit_code == 0 and "back to its default, 04:00" in unset.stdout
    assert cli.json("config", "get", "day-starts", "--json") | {"help": ""} == {
        "key": "day-starts",
        "value": 4,
        "shown": "04:00",
        "default": True,
        "not_valid": None,
        "kind": "hour 0-23",
        "help": "",
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("set", "day-starts", "24"), "day-starts takes an hour from 0 to 23"),
        (("set", "day-starts", "4:30"), "day-starts takes an hour from 0 to 23"),
        (("set", "day-starts", "four"), "day-starts takes an hour from 0 to 23"),
        (("set", "colour", "red"), "There is no setting called 'colour'; the settings are: day-starts."),
        (("get", "colour"), "There is no setting called 'colour'"),
        (("unset", "colour"), "There is no setting called 'colour'"),
    ],
)
def test_config_refuses_unknown_keys_and_bad_values_in_one_sentence(cli, home, open_store, args, words):
    assert cli("config", "set", "day-starts", "3").exit_code == 0
    out = cli("config", *args)
    assert out.exit_code == 2
    assert words in out.stderr and "Traceback" not in out.output
    assert out.stderr.count("\n") == 1
    assert open_store(home).get_setting("day-starts") == "3"  # nothing already stored changed


@given(st.text(max_size=8))
def test_parse_hour_accepts_exactly_the_hours(raw):
    text = raw.strip().removesuffix(":00")
    valid = 1 <= len(text) <= 2 and text.isascii() and text.isdigit() and int(text) <= 23
    if valid:
        assert config.parse_hour(raw) == int(text)
        assert config.parse_hour(config.show_hour(int(text))) == int(text)
    else:
        with pytest.raises(InvalidInput):
            config.parse_hour(raw)


def test_a_bad_stored_value_falls_back_to_the_default(cli, home, open_store):
    store = open_store(home)
    store.set_setting("day-starts", "late")  # an edited or imported database
    assert config.stored_value("day-starts", "late") == config.DAY_STARTS_DEFAULT
    assert cli.json("config", "get", "day-starts", "--json")["value"] == 4
    assert cli("due").exit_code in (1, 3)


# -- the rollover rule -------------------------------------------------------------------------
@given(st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2998, 12, 31)), st.integers(0, 23))
def test_filed_day_is_the_day_before_exactly_before_the_hour(moment, hour):
    day = clock.filed_day(moment, hour)
    assert day == (moment - timedelta(hours=hour)).date()
    assert day == (moment.date() - timedelta(days=1) if moment.hour < hour else moment.date())


@pytest.mark.real_today
def test_a_checkin_at_night_is_filed_for_the_day_before_and_says_so(cli, bc, home, monkeypatch):
    monkeypatch.setenv("BACKCARE_NOW", NIGHT)
    assert cli("safety", "--none").exit_code == 0
    night = cli("checkin", "--pain", "3", "--stiffness", "4")
    assert night.exit_code == 0, night.output
    assert "Filed for Sat 28 Nov (before 04:00 counts as the day before)." in night.stdout
    assert [c["date"] for c in cli.json("history", "--json")] == ["2026-11-28"]

    # every command agrees, the fast `due` (its own process, before Typer) included
    assert bc("due").stdout.strip() == "Today's check-in (2026-11-28) is done."
    assert cli("due").exit_code == 0
    assert cli.json("today", "--json")["date"] == "2026-11-28"

    monkeypatch.setenv("BACKCARE_NOW", MORNING)
    morning = bc("due")
    assert morning.returncode == 1 and "(2026-11-29)" in morning.stdout
    assert cli.json("today", "--json")["date"] == "2026-11-29"
    later = cli("checkin", "--pain", "2", "--stiffness", "2")
    assert "Filed for" not in later.stdout and "Sun 29 Nov 2026" in later.stdout


@pytest.mark.real_today
def test_the_rollover_hour_follows_the_setting(cli, bc, home, monkeypatch):
    monkeypatch.setenv("BACKCARE_NOW", "2026-11-29T04:30")
    assert cli("safety", "--none").exit_code == 0
    assert bc("due").stdout.strip().endswith("(2026-11-29): run 'backcare checkin'.")  # 04:30: a new day at 04:00
    assert cli("config", "set", "day-starts", "5").exit_code == 0
    assert "(2026-11-28)" in bc("due").stdout
    filed = cli("checkin", "--pain", "1", "--stiffness", "1")
    assert "Filed for Sat 28 Nov (before 05:00 counts as the day before)." in filed.stdout
    assert bc("due").returncode == 0
    assert cli("config", "set", "day-starts", "0").exit_code == 0  # midnight: the calendar day
    assert "(2026-11-29)" in bc("due").stdout


@pytest.mark.real_today
def test_backcare_today_still_overrides_the_rollover(cli, bc, monkeypatch):
    monkeypatch.setenv("BACKCARE_NOW", NIGHT)
    monkeypatch.setenv("BACKCARE_TODAY", "2026-11-29")
    assert cli("safety", "--none").exit_code == 0
    out = cli("checkin", "--pain", "3", "--stiffness", "4")
    assert "Filed for" not in out.stdout and "Sun 29 Nov 2026" in out.stdout
    assert "(2026-11-29)" in bc("due").stdout


@pytest.mark.real_today
def test_a_bad_backcare_now_is_one_sentence(cli, bc, monkeypatch):
    monkeypatch.setenv("BACKCARE_NOW", "half past one")
    out = bc("due")
    assert out.returncode == 2 and "BACKCARE_NOW must be a local time like" in out.stdout + out.stderr
    typed = cli("checkin", "--pain", "3", "--stiffness", "4")
    assert typed.exit_code == 2 and "BACKCARE_NOW must be a local time" in typed.stderr


def test_no_database_yet_uses_the_default_hour(tmp_path):
    from backcare.services.config import day_starts_in

    assert day_starts_in(str(tmp_path / "nothing-here")) == 4
    assert not (tmp_path / "nothing-here").exists()


def test_json_list_is_valid_for_every_key(cli):
    entries = json.loads(cli("config", "list", "--json").stdout)
    assert {e["key"] for e in entries} == set(config.KEYS)
    assert all(isinstance(e["value"], int) for e in entries)


def test_settings_travel_with_an_export_and_import(cli, tmp_path):
    assert cli("config", "set", "day-starts", "6").exit_code == 0
    exported = tmp_path / "backup.json"
    out = cli("export", "--format", "json", "--output", str(exported))
    assert out.exit_code == 0, out.output
    assert json.loads(exported.read_text())["settings"]["day-starts"] == "6"
    other = tmp_path / "other"
    imported = cli("--home", str(other), "import", str(exported))
    assert imported.exit_code == 0, imported.output
    assert cli("--home", str(other), "config", "get", "day-starts").stdout.strip() == "06:00"
