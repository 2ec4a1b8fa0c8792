"""Small formatters shared by the HTML and Markdown reports."""

from __future__ import annotations

from datetime import date

# How the report names each stage decision (stage history), by the decision's stored name.
DECISIONS = {
    "start": "started",
    "advance": "moved up",
    "hold": "stayed",
    "step_back": "stepped back",
    "stop": "paused",
    "manual": "set by hand",
}


def day_label(day: date) -> str:
    """'3 Sep 2026'."""
    return f"{day.day} {day:%b %Y}"


def short_day(report, day: date) -> str:
    """'3 Sep' when the whole period is in one year, else '3 Sep 2026'."""
    t = report.trend
    return f"{day.day} {day:%b}" if t.start.year == t.end.year else day_label(day)


def number(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"
