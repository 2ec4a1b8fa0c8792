"""A terminal or pipe that can only show ASCII (PYTHONIOENCODING=ascii, LANG=C) still gets every message whole.

Before this, the dashboard stopped half-way with "unexpected problem (UnicodeEncodeError ...)" and never showed
the urgent-care message that a red-flag answer had just stored.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # backcare processes under other encodings: CI runs it, the fast loop leaves it out

ASCII = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}


def _ascii_only(text: str) -> None:
    assert all(ord(ch) < 128 for ch in text), [ch for ch in text if ord(ch) >= 128]


@pytest.mark.parametrize("args", [(), ("today",), ("session", "--done", "all", "--pain-during", "2"), ("routine",)])
def test_the_urgent_message_is_printed_whole_in_ascii(bc, args):
    stored = bc("safety", "--yes-to", "bladder-bowel", env=ASCII)
    assert stored.returncode == 0, stored.stderr
    assert "emergency department" in stored.stdout
    result = bc(*args, env=ASCII)
    assert "unexpected problem" not in result.stderr
    assert "Traceback" not in result.stderr
    out = " ".join(result.stdout.split())
    assert "Go to an emergency department now" in out, result.stdout + result.stderr
    _ascii_only(result.stdout)


def test_the_dashboard_and_history_work_in_ascii(bc):
    assert bc("safety", "--none", env=ASCII).returncode == 0
    saved = bc("checkin", "-p", "3", "-s", "4", "--note", "caf\u00e9 \u2192 walk", env=ASCII)
    assert saved.returncode == 0, saved.stderr
    for args in [(), ("history",), ("trend",), ("routine", "show"), ("learn",)]:
        result = bc(*args, env=ASCII)
        assert result.returncode == 0, (args, result.stderr)
        assert "unexpected problem" not in result.stderr
        _ascii_only(result.stdout)
    history = bc("history", env=ASCII).stdout
    assert "caf" in history and "walk" in history


def test_symbols_have_plain_ascii_stand_ins():
    from backcare.cli import _errors_for

    assert _errors_for("utf-8", "strict") == "strict"
    assert _errors_for("ascii", "strict") == "backcare-plain"
    assert "\u00b7 \u2192 \u00e9".encode("ascii", _errors_for("ascii", "strict")) == b"- -> ?"
