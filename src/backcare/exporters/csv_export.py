"""CSV for spreadsheets: one row per day (a check-in, a session, or both), with a header row."""

from __future__ import annotations

import csv
import io
from typing import Any

from backcare.textsafe import inert

HEADER = ("date", "pain", "stiffness", "sleep", "stress", "tags", "note", "settled", "session_done", "pain_during")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading quote stops it.
# Some spreadsheets read the full-width forms (＝ ＋ － ＠, as typed with an East Asian input method) the same way.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def render(body: dict[str, Any]) -> str:
    checkins = {c["date"]: c for c in body["checkins"]}
    sessions: dict[str, list[dict]] = {}
    for s in body["sessions"]:
        sessions.setdefault(s["date"], []).append(s)
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: quotes where needed, CRLF line ends
    writer.writerow(HEADER)
    for day in sorted(checkins.keys() | sessions.keys()):
        writer.writerow(row(day, checkins.get(day), sessions.get(day, [])))
    return out.getvalue()


def row(day: str, c: dict | None, sessions: list[dict]) -> list[str]:
    pains = [s["pain_during"] for s in sessions if s.get("pain_during") is not None]
    scores = ["" if c is None or c.get(k) is None else str(c[k]) for k in ("pain", "stiffness", "sleep", "stress")]
    return [
        day,
        *scores,
        safe_text(";".join(c.get("tags") or []) if c else ""),
        safe_text((c.get("note") or "") if c else ""),
        _yes_no(c.get("settled") if c else None),
        "yes" if any(s.get("done") for s in sessions) else "no",
        str(max(pains)) if pains else "",
    ]


def safe_text(value: str) -> str:
    """Free text as a spreadsheet will show it, never run it: '=1+1' becomes "'=1+1"; control and bidi characters
    are made visible (a right-to-left override would reverse the cell), line breaks and tabs are kept."""
    value = inert(value, newlines=True)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")
