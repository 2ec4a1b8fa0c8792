"""`backcare trend` as a person uses it, on 90 days of realistic data; numbers checked against a direct count."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from journey import ROUTINE, fill, filled_copy

from backcare.domain.checkin import CheckIn
from backcare.store import Store

END = date(2026, 11, 26)
TODAY = {"BACKCARE_TODAY": END.isoformat()}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def journey(home, home_template):
    counts = filled_copy(home, home_template, 90, end=END, seed=1)
    store = Store.open(home)
    try:
        data = {
            "rows": store.checkins(),
            "session_rows": store.sessions(),
            "started": store.stage_history(ROUTINE)[0].day,
        }
    finally:
        store.close()
    return {**counts, **data}


def half_up_tenths(total: int, n: int) -> float:
    """Mean rounded half up to one decimal, computed with integers (independent of the product's code)."""
    return math.floor(total * 10 / n + 0.5 + 1e-12) / 10


def test_json_series_has_every_day_with_gaps_as_nulls(cli, journey):
    data = cli.json("trend", "--json", env=TODAY)
    assert data["days"] == 90 and data["from"] == journey["start"].isoformat() and data["to"] == END.isoformat()
    assert data["checkins"] == journey["checkins"]
    series = data["series"]
    assert [row["date"] for row in series] == [(journey["start"] + timedelta(days=i)).isoformat() for i in range(90)]
    by_day = {c.day.isoformat(): c for c in journey["rows"]}
    missing = [row for row in series if row["date"] not in by_day]
    assert len(missing) == 90 - journey["checkins"] > 4  # the 4-day gap at least
    assert all(row["pain"] is None and row["stiffness"] is None for row in missing)  # never zeros
    for i, row in enumerate(series):
        c = by_day.get(row["date"])
        assert (row["pain"], row["stiffness"]) == ((c.pain, c.stiffness) if c else (None, None))
        day = date.fromisoformat(row["date"])
        window = [by_day[d.isoformat()] for d in (day - timedelta(days=k) for k in range(7)) if d.isoformat() in by_day]
        if window:
            assert row["pain_7d"] == pytest.approx(sum(w.pain for w in window) / len(window), abs=0.005)
            assert row["stiffness_7d"] == pytest.approx(sum(w.stiffness for w in window) / len(window), abs=0.005)
        else:
            assert row["pain_7d"] is None


def test_baseline_now_and_change_match_a_direct_count(cli, journey):
    data = cli.json("trend", "--json", env=TODAY)
    checkins = journey["rows"]
    base = [c for c in checkins if c.day >= journey["started"]][:7]
    recent = checkins[-7:]
    assert data["routine"] == {"name": ROUTINE, "per_week": 5, "started": journey["started"].isoformat()}
    assert data["baseline"]["from"] == base[0].day.isoformat() and data["baseline"]["to"] == base[-1].day.isoformat()
    assert data["recent"]["from"] == recent[0].day.isoformat()
    for metric in ("pain", "stiffness"):
        b = half_up_tenths(sum(getattr(c, metric) for c in base), 7)
        r = half_up_tenths(sum(getattr(c, metric) for c in recent), 7)
        assert data["baseline"][metric] == b and data["recent"][metric] == r
        change = data["change"][metric]
        points = round(r - b, 1)
        assert change["points"] == pytest.approx(points)
        assert change["percent"] == pytest.approx(points / b * 100, abs=0.1)
        assert change["meaningful"] == (abs(points) >= 2 or abs(points) / b >= 0.3)
        assert change["direction"] == ("better" if points < 0 else "worse" if points > 0 else "same")
        assert f"from {b:.1f} to {r:.1f}" in change["words"]
    # the journey improves a lot: the words say so
    assert data["change"]["pain"]["words"].endswith("a meaningful improvement.")


def test_weeks_and_adherence_match_a_direct_count(cli, journey):
    data = cli.json("trend", "--json", env=TODAY)
    start, started = journey["start"], journey["started"]
    weeks = {}
    for c in journey["rows"]:
        weeks.setdefault(c.day.isocalendar()[:2], []).append(c)
    done_days: dict = {}
    for s in journey["session_rows"]:
        if s.done:
            done_days.setdefault(s.day.isocalendar()[:2], set()).add(s.day)
    total_done = total_planned = 0
    for row in data["weeks"]:
        year, week = int(row["week"][:4]), int(row["week"][-2:])
        rows = weeks.get((year, week), [])
        assert row["checkins"] == len(rows)
        if rows:
            assert row["pain"] == pytest.approx(sum(c.pain for c in rows) / len(rows), abs=0.005)
        assert row["sessions"] == len(done_days.get((year, week), ()))
        monday = date.fromisocalendar(year, week, 1)
        plan_days = [monday + timedelta(days=k) for k in range(7)]
        plan_days = [d for d in plan_days if max(start, started) <= d <= END]
        planned = math.floor(5 * len(plan_days) / 7 + 0.5)
        assert row["planned"] == planned
        if planned:
            total_done += row["sessions"]
            total_planned += planned
    adherence = data["adherence"]
    assert (adherence["done"], adherence["planned"]) == (total_done, total_planned)
    assert adherence["percent"] == pytest.approx(100 * total_done / total_planned, abs=0.05)
    assert total_done == journey["sessions_completed"]
    assert len(data["weeks"]) == len({(start + timedelta(days=i)).isocalendar()[:2] for i in range(90)})


def test_tag_effects_match_a_direct_count(cli, journey):
    data = cli.json("trend", "--json", env=TODAY)
    checkins = journey["rows"]
    expected = {}
    for tag in {t for c in checkins for t in c.tags}:
        with_ = [c.pain for c in checkins if tag in c.tags]
        without = [c.pain for c in checkins if tag not in c.tags]
        if len(with_) >= 5 and len(without) >= 5:
            expected[tag] = (len(with_), sum(with_) / len(with_), len(without), sum(without) / len(without))
    got = {t["tag"]: t for t in data["tags"]}
    assert set(got) == set(expected) and "long-drive" in got
    for tag, (nw, mw, nwo, mwo) in expected.items():
        t = got[tag]
        assert (t["with_days"], t["without_days"]) == (nw, nwo)
        assert t["with_pain"] == pytest.approx(mw, abs=0.005) and t["without_pain"] == pytest.approx(mwo, abs=0.005)
        clear = abs(round(float(f"{mw:.1f}") - float(f"{mwo:.1f}"), 1)) >= 1  # a point or more apart, as shown
        ending = (
            "this shows an association, not a cause." if clear else "less than 1 point apart, so no clear association."
        )
        assert t["words"] == (
            f"On days tagged {tag} your pain averaged {mw:.1f} ({nw} days) vs {mwo:.1f} without ({nwo} days); {ending}"
        )
    diffs = [abs(t["difference"]) for t in data["tags"]]
    assert diffs == sorted(diffs, reverse=True)


def test_text_output_shows_chart_change_weeks_and_tags(cli, journey):
    result = cli("trend", env={**TODAY, "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    data = cli.json("trend", "--json", env=TODAY)
    assert "Pain and stiffness (0-10)" in out
    assert "o pain, each day" in out and "─ pain, 7-day mean" in out and "═ stiffness, 7-day mean" in out
    assert "10┤" in out and " 0┤" in out and "26 Nov 2026" in out
    assert data["change"]["pain"]["words"] in out.replace("\n", " ")
    last = data["weeks"][-1]
    assert re.search(
        rf"{last['week']}\s+{last['pain']:.1f}\s+{last['stiffness']:.1f}\s+{last['checkins']}\s+"
        rf"{last['sessions']}/{last['planned']}",
        out,
    )
    assert data["adherence"]["words"] in out.replace("\n", " ")
    flat = " ".join(out.split())
    for t in data["tags"]:
        assert t["words"] in flat


def test_readable_at_40_columns_without_colour(cli, journey):
    result = cli("trend", env={**TODAY, "COLUMNS": "40", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert not ANSI.search(result.stdout)
    text = result.stdout
    # distinct characters per series, and a legend naming them
    assert "o pain, 3-day mean" in text and "x stiffness, 3-day mean" in text
    chart = text.split("Baseline vs now")[0]
    assert "o" in chart and "x" in chart and "─" in chart and "═" in chart
    assert "Week  " in text and "Sess." in text


def test_colour_only_when_asked_or_on_a_terminal(cli, journey):
    plain = cli("trend", env=TODAY).stdout
    assert not ANSI.search(plain)  # not a terminal
    coloured = cli("trend", env={**TODAY, "FORCE_COLOR": "1"}).stdout
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


def test_metric_pain_only(cli, journey):
    out = cli("trend", "--metric", "pain", env=TODAY).stdout
    assert out.startswith("Pain (0-10)")
    assert "stiffness, 7-day mean" not in out and "Stiffness went" not in out and "Pain went" in out


def test_all_covers_everything_and_long_ranges_are_bucketed(cli, home):
    fill(home, 400, end=END, seed=3)
    data = cli.json("trend", "--all", "--json", env=TODAY)
    assert data["days"] == 400 and len(data["series"]) == 400
    out = cli("trend", "--all", env={**TODAY, "COLUMNS": "80"}).stdout
    assert "weekly mean" in out and "earlier weeks are in 'backcare trend --json'" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_too_few_checkins_to_tell(cli, journey):
    data = cli.json("trend", "--days", "10", "--json", env=TODAY)
    assert data["baseline"] is None and data["recent"] is None
    for metric in ("pain", "stiffness"):
        change = data["change"][metric]
        assert change["points"] is None and change["percent"] is None and change["meaningful"] is None
        assert "too few check-ins to tell" in change["words"]
    assert "too few check-ins to tell" in cli("trend", "--days", "10", env=TODAY).stdout


def test_empty_home(cli):
    result = cli("trend")
    assert result.exit_code == 0
    assert "No check-ins" in result.stdout and "backcare checkin" in result.stdout
    data = cli.json("trend", "--json")
    assert data["checkins"] == 0 and len(data["series"]) == 90
    assert all(row["pain"] is None and row["pain_7d"] is None for row in data["series"])
    assert data["tags"] == [] and data["baseline"] is None


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--metric", "mood"], "--metric must be pain, stiffness or both"),
        (["--days", "30", "--all"], "either --days or --all"),
        (["--days", "0"], "0"),
    ],
)
def test_bad_options_exit_2(cli, args, fragment):
    result = cli("trend", *args)
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


PROBE = """
import sys, json
from backcare.cli import main
sys.argv = ["backcare", *{args!r}]
try:
    main()
except SystemExit:
    pass
sys.__stdout__.write("\\nMODULES=" + json.dumps([m for m in ("rich", "plotext", "matplotlib") if m in sys.modules]))
"""


@pytest.mark.parametrize("args", [["trend"], ["trend", "--json"]])
def test_trend_imports_no_rich_or_plotting_library(journey, home, args):
    env = {**os.environ, "BACKCARE_HOME": str(home), **TODAY}
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, env=env)
    line = [x for x in out.stdout.splitlines() if x.startswith("MODULES=")][-1]
    assert json.loads(line.removeprefix("MODULES=")) == []


def test_all_with_a_mistyped_year_stays_bounded_and_says_so(cli, home):
    """`checkin` refuses year 0026 today, but a database from before that check (or edited by hand) can hold it."""
    assert cli("checkin", "-p", "3", "-s", "4", "--date", "2026-11-20", env=TODAY).exit_code == 0
    assert cli("checkin", "-p", "3", "-s", "4", "--date", "0026-11-24", env=TODAY).exit_code == 2
    store = Store.open(home)
    try:
        typo = date(26, 11, 24)
        store.update_checkin(typo, lambda prev: CheckIn(typo, 3, 4))
    finally:
        store.close()
    data = cli.json("trend", "--all", "--json", env=TODAY)
    assert data["days"] == 7305 and data["earlier_checkins_from"] == "0026-11-24"
    assert data["checkins"] == 1
    out = cli("trend", "--all", env=TODAY).stdout
    assert "backcare delete 0026-11-24" in " ".join(out.split())
