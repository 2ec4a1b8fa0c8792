"""Services hand typed values (dataclasses) to the commands and the renderers, not untyped dicts; the JSON the
commands print is those values' `as_dict`, in the shape it always had."""

from __future__ import annotations

import dataclasses

from backcare.domain.dashboard import Dashboard, DayScores, Progression, SafetySummary
from backcare.services import dashboard, doctor


def test_the_dashboard_is_a_typed_value_and_today_json_prints_it(cli, home, open_store, today):
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    shown = cli.json("today", "--json")
    store = open_store(home)
    data = dashboard.build(store, today)
    assert isinstance(data, Dashboard) and dataclasses.is_dataclass(data)
    assert isinstance(data.safety, SafetySummary) and isinstance(data.progression, Progression)
    assert all(isinstance(d, DayScores) for d in data.last_7_days) and len(data.last_7_days) == 7
    assert (data.checked_in, data.pain, data.stiffness) == (True, 4, 3)
    assert data.as_dict() == shown
    assert set(shown) == {
        "date", "date_label", "checked_in", "pain", "stiffness", "last_7_days", "streak", "days_in_last_7",
        "backfill", "safety", "routine", "progression", "session_done", "topic", "routine_note", "today_more",
        "measures_due",
    }  # fmt: skip
    assert set(shown["progression"]) == {"decision", "stage", "reasons", "exercises", "easier", "flare"}
    assert shown["last_7_days"][-1] == {"date": today.isoformat(), "pain": 4, "stiffness": 3}


def test_where_reports_a_typed_inspection(cli, home):
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    info = doctor.inspect(home)
    assert isinstance(info, doctor.Inspection) and info.ok and info.counts is not None
    assert info.counts["checkins"] == 1 and isinstance(info.safety, doctor.SafetyInfo)
    shown = cli.json("where", "--json")
    assert shown == info.as_dict()
    assert shown["counts"]["checkins"] == 1 and shown["integrity"] == "ok" and shown["safety"]["status"]
    text = cli("where").stdout
    assert "1 check-ins" in text and "Integrity check: passed" in text
