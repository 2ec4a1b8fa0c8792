"""`checkin --pain N --stiffness N`, the daily write: it reads the day's check-in only inside the transaction that
writes it, and parses its scores without compiling a pattern. Each shortcut is checked against the long way."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.domain import checkin as ck
from backcare.errors import InvalidInput
from backcare.store import Store


@given(st.text(max_size=8) | st.from_regex(r"[+-]?[0-9]{1,4}", fullmatch=True))
def test_whole_number_is_the_pattern_it_replaces(text):
    assert ck.whole_number(text) == bool(re.fullmatch(r"[+-]?[0-9]+", text))


@given(st.text(max_size=6) | st.integers(-20, 20).map(str) | st.sampled_from(["٣", "²", "+-1", " 7 ", "0x3", "3.5"]))
def test_scores_are_parsed_as_before(raw):
    def old(raw: str):
        text = raw.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text) or len(text.lstrip("+-").lstrip("0")) > 6:
            return "refused"
        value = int(text)
        return value if 0 <= value <= 10 else "refused"

    try:
        got = ck.parse_score(raw, "pain")
    except InvalidInput:
        got = "refused"
    assert got == old(raw)


@pytest.fixture
def reads(monkeypatch):
    """How often a command asks the store for one day's check-in outside a write."""
    calls: list[object] = []
    real = Store.get_checkin

    def counted(self, day):
        calls.append(day)
        return real(self, day)

    monkeypatch.setattr(Store, "get_checkin", counted)
    return calls


def test_both_scores_given_the_day_is_read_only_by_the_write(cli, reads):
    first = cli("checkin", "--pain", "3", "--stiffness", "4")
    again = cli("checkin", "--pain", "5", "--stiffness", "4")
    same = cli("checkin", "--pain", "5", "--stiffness", "4")
    assert reads == []
    assert first.stdout == "Checked in for Fri 27 Nov 2026: pain 3, stiffness 4.\n"
    assert again.stdout == "Updated Fri 27 Nov 2026: pain 3 -> 5. The earlier values are kept in the edit history.\n"
    assert same.stdout == "Fri 27 Nov 2026 already had exactly these values; nothing changed.\n"


def test_what_the_day_already_holds_is_still_read_when_it_matters(cli, reads):
    assert cli("checkin", "--pain", "3", "--stiffness", "4", "--leg-pain", "5").exit_code == 0
    side = cli("checkin", "--leg-side", "left")  # a side alone goes with the day's leg pain
    assert side.exit_code == 0 and "left" in side.stdout
    assert len(reads) == 1
    refused = cli("checkin", "--stiffness", "2", "--date", "yesterday")  # no check-in yesterday: pain is missing
    assert refused.exit_code == 2 and "--pain N" in refused.stderr
    assert len(reads) == 2


@pytest.mark.real_today
def test_the_day_rollover_hour_comes_from_the_one_connection_the_checkin_opens(cli, home, monkeypatch):
    monkeypatch.delenv("BACKCARE_NOW", raising=False)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 28, 3, 0))  # the real clock at 03:00, not pinned
    assert cli("config", "set", "day-starts", "2").exit_code == 0
    opened: list[object] = []
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a[0]) or real(*a, **k))
    out = cli("checkin", "--pain", "3", "--stiffness", "4")
    assert out.stdout == "Checked in for Sat 28 Nov 2026: pain 3, stiffness 4.\n"  # 03:00 is after 02:00
    assert len(opened) == 1
    assert cli("config", "set", "day-starts", "4").exit_code == 0
    late = cli("checkin", "--pain", "3", "--stiffness", "4")
    assert late.stdout.splitlines() == [
        "Filed for Fri 27 Nov (before 04:00 counts as the day before).",
        "Checked in for Fri 27 Nov 2026: pain 3, stiffness 4.",
    ]


@pytest.mark.parametrize(
    "args, env",
    [
        (["--date", "2026-02-30"], {}),
        (["--date", "tomorrow"], {}),
        ([], {"BACKCARE_TODAY": "someday"}),
        ([], {"BACKCARE_TODAY": None, "BACKCARE_NOW": "half past one"}),
        (["--pain", "11"], {}),
    ],
)
def test_a_refused_day_or_score_opens_nothing(cli, home, args, env):
    # The day is taken after the store opens only when nothing about it can be refused.
    out = cli("checkin", "--pain", "3", "--stiffness", "4", *args, env=env)
    assert out.exit_code == 2 and not home.exists()
