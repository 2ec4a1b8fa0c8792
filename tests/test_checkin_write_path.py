"""`checkin --pain N --stiffness N`, the daily write: it reads the day's check-in only inside the transaction that
writes it, and parses its scores without compiling a pattern. Each shortcut is checked against the long way."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
