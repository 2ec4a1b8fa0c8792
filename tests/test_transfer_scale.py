"""Decades of data: export and import stream (memory flat in the number of rows), an export re-imports at the
size limit, and `history` reads only the rows it shows. Bounds are in bytes and rows, never seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.exporters import csv_export, json_export
from backcare.paths import DB_NAME
from backcare.store import Store
from tests.conftest import Cli

pytestmark = pytest.mark.slow  # homes of years of data: CI runs it, the fast loop leaves it out

TODAY = date(2026, 11, 20)
ENV = {"BACKCARE_TODAY": TODAY.isoformat()}
STAMP = "2026-01-01T00:00:00+00:00"


def build_home(home: Path, years: int) -> int:
    """A home with a check-in, a session and an edit on every day of `years` years, written in bulk."""
    n = years * 365
    start = TODAY - timedelta(days=n - 1)
    days = [(start + timedelta(days=i)).isoformat() for i in range(n)]
    store = Store.open(home)
    try:
        with store.write() as db:
            db.executemany(
                "INSERT INTO checkins (date, pain, stiffness, sleep, stress, note, tags, settled, recorded_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (d, i % 11, (i * 7) % 11, 5, None, f"day {i}", '["walk"]', None, STAMP, STAMP)
                    for i, d in enumerate(days)
                ),
            )
            db.executemany(
                "INSERT INTO sessions (date, routine, stage, done, skipped, pain_during, effort, at)"
                " VALUES (?, 'default', 'mobility', '[\"cat-camel\"]', '[]', 2, 3, ?)",
                ((d, STAMP) for d in days),
            )
            before = {"pain": 5, "stiffness": 5, "sleep": 5, "stress": None, "tags": ["walk"], "settled": None}
            db.executemany(
                "INSERT INTO checkin_edits (date, action, before, after, at) VALUES (?, 'update', ?, ?, ?)",
                (
                    (
                        d,
                        json.dumps({"date": d, **before, "note": f"day {i}"}),
                        json.dumps(
                            {"date": d, **before, "pain": i % 11, "stiffness": (i * 7) % 11, "note": f"day {i}"}
                        ),
                        STAMP,
                    )
                    for i, d in enumerate(days)
                ),
            )
    finally:
        store.close()
    return n


PEAK = textwrap.dedent(
    """
    import sys, tracemalloc
    from backcare.cli import app, main

    sys.argv = ["backcare", *sys.argv[1:]]
    tracemalloc.start()
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, exc.code
    print(tracemalloc.get_traced_memory()[1], file=sys.stderr)
    """
)


def peak(home: Path, *args: str) -> int:
    """Peak bytes traced by tracemalloc while one backcare command runs in a fresh process."""
    env = {**os.environ, "BACKCARE_HOME": str(home), **ENV}
    done = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr
    return int(done.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_export_and_import_memory_is_flat_in_the_number_of_rows(tmp_path):
    peaks, sizes = {}, {}
    for years in (5, 25):
        home = tmp_path / f"home{years}"
        n = build_home(home, years)
        for fmt in ("json", "csv", "fhir"):
            out = tmp_path / f"export{years}.{fmt}"
            peaks[fmt, years] = peak(home, "export", "--format", fmt, "-o", str(out))
            sizes[fmt, years] = out.stat().st_size
        out = tmp_path / f"export{years}.json"
        peaks["import", years] = peak(tmp_path / f"empty{years}", "import", str(out))
        assert len(json.loads(out.read_text())["checkins"]) == n
    print("peak bytes:", peaks, "file bytes:", sizes)
    # 25 years export to over 6 MB of JSON (27 MB of FHIR), 5 times 5 years, and memory does not move: about
    # 4 MB either way, most of it the command line itself. Holding the whole export in memory, as before,
    # peaked at several times the file's size (over 100 MB to export and 500 MB to import 25 years).
    assert sizes["json", 25] > 6 * 1024 * 1024
    for kind in ("json", "csv", "fhir", "import"):
        assert peaks[kind, 25] < 6 * 1024 * 1024, peaks
        assert peaks[kind, 25] - peaks[kind, 5] < 256 * 1024, peaks


def test_an_export_at_the_size_limit_re_imports(cli, tmp_path, monkeypatch):
    """A file just under the limit imports; the export of the restored home is no bigger and imports again."""
    limit = 2 * 1024 * 1024
    monkeypatch.setattr(json_export, "MAX_BYTES", limit)
    records, i = [], 0
    start = date(1900, 1, 1)
    text = ""
    while True:  # compact JSON as json.dumps writes it, grown to just under the limit
        day = (start + timedelta(days=i)).isoformat()
        records.append(
            {
                "date": day,
                "pain": i % 11,
                "stiffness": 3,
                "sleep": None,
                "stress": None,
                "tags": ["walk"],
                "note": "a note of some length " * 3,
                "settled": None,
                "leg_pain": None,
                "leg_side": None,
                "meds": [],
                "recorded_at": STAMP,
                "updated_at": STAMP,
            }
        )
        i += 1
        if i % 100 == 0:
            doc = {"format": "backcare-export", "version": 1, "schema_version": 4, "checkins": records}
            candidate = json.dumps(doc, ensure_ascii=False)
            if len(candidate.encode()) > limit:
                break
            text = candidate
    first = tmp_path / "first.json"
    first.write_text(text)
    assert limit - first.stat().st_size < 40_000
    result = cli("import", str(first), env=ENV)
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.json"
    result = cli("export", "-o", str(second), env=ENV)
    assert result.exit_code == 0, result.output
    assert second.stat().st_size <= first.stat().st_size <= limit
    again = Cli(tmp_path / "again")
    result = again("import", str(second), env=ENV)
    assert result.exit_code == 0, result.output
    third = tmp_path / "third.json"
    assert again("export", "-o", str(third), env=ENV).exit_code == 0
    strip = lambda p: [line for line in p.read_text().splitlines() if '"exported_at"' not in line]  # noqa: E731
    assert strip(third) == strip(second)  # backcare's own export round-trips byte for byte


def test_the_export_is_json_with_one_record_per_line(cli, tmp_path):
    home = cli.home
    build_home(home, 1)
    result = cli("export", env=ENV)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    doc = json.loads(result.stdout)
    checkin_lines = [line for line in lines if line.startswith('    {"date":') and '"recorded_at"' in line]
    assert len(checkin_lines) == len(doc["checkins"]) == 365
    assert [json.loads(line.strip().rstrip(",")) for line in checkin_lines] == doc["checkins"]


# -- history --------------------------------------------------------------------------------------


@pytest.fixture
def century(cli) -> int:
    """36,500 days of check-ins."""
    return build_home(cli.home, 100)


def _count_rows_read(monkeypatch) -> list[int]:
    import backcare.store.records.checkins as store_module

    real = store_module.from_row
    calls = [0]

    def counting(row):
        calls[0] += 1
        return real(row)

    monkeypatch.setattr(store_module, "from_row", counting)
    return calls


def test_history_reads_only_the_rows_it_shows(cli, century, monkeypatch):
    calls = _count_rows_read(monkeypatch)
    result = cli("history", env=ENV)
    assert result.exit_code == 0, result.output
    assert calls[0] == 366  # not 36,500
    lines = result.stdout.splitlines()
    assert "Wed 1 Jan 2025" not in result.stdout and "Fri 20 Nov 2026" in result.stdout
    assert lines[-1] == (
        "Showing the newest 366 of 36,500 check-ins. For all of them: backcare history --json, "
        "or backcare export --format csv."
    )
    assert len(lines) < 366 + 10


def test_history_days_reads_only_those_days(cli, century, monkeypatch):
    calls = _count_rows_read(monkeypatch)
    result = cli("history", "--days", "30", env=ENV)
    assert result.exit_code == 0
    assert calls[0] == 30
    assert "Showing the newest" not in result.stdout
    calls[0] = 0
    rows = cli.json("history", "--days", "45", "--json", env=ENV)
    assert calls[0] == 45 and len(rows) == 45
    assert rows[0]["date"] == TODAY.isoformat() and rows[-1]["date"] == (TODAY - timedelta(days=44)).isoformat()


def test_history_json_still_lists_everything(cli, century):
    rows = cli.json("history", "--json", env=ENV)
    assert len(rows) == century
    assert rows[0]["date"] > rows[-1]["date"]


def test_a_short_history_shows_every_row_without_a_footer(cli):
    build_home(cli.home, 1)
    result = cli("history", env=ENV)
    assert result.exit_code == 0
    assert "Showing the newest" not in result.stdout
    assert not (cli.home / f"{DB_NAME}-journal").exists()


@settings(max_examples=200, deadline=None)
@given(
    checkin_days=st.sets(st.integers(0, 30)),
    session_keys=st.sets(st.tuples(st.integers(0, 30), st.sampled_from(["a", "b", "c"]))),
)
def test_the_csv_rows_streamed_from_two_sorted_tables_are_the_rows_of_every_day(checkin_days, session_keys):
    """The CSV merges check-ins and sessions, both read in date order, into one row per day with either."""
    day = lambda n: (date(2026, 1, 1) + timedelta(days=n)).isoformat()  # noqa: E731
    checkins = [{"date": day(n), "pain": n % 11} for n in sorted(checkin_days)]
    sessions = [{"date": day(n), "routine": r} for n, r in sorted(session_keys)]
    rows = list(csv_export._by_day(iter(checkins), iter(sessions)))
    every_day = sorted({c["date"] for c in checkins} | {s["date"] for s in sessions})
    assert [d for d, _, _ in rows] == every_day
    for d, c, day_sessions in rows:
        assert c == next((x for x in checkins if x["date"] == d), None)
        assert day_sessions == [s for s in sessions if s["date"] == d]


def test_an_export_larger_than_import_accepts_says_so(cli, tmp_path, monkeypatch):
    build_home(cli.home, 5)
    out = tmp_path / "years.json"
    result = cli("export", "-o", str(out), env=ENV)
    assert result.exit_code == 0 and "Note:" not in result.output
    assert out.stat().st_size > 1024 * 1024
    monkeypatch.setattr(json_export, "MAX_BYTES", 1024 * 1024)
    result = cli("export", "-o", str(tmp_path / "again.json"), env=ENV)
    assert result.exit_code == 0
    assert "Note: it is larger than the 1 MB 'backcare import' accepts; 'backcare backup' makes a copy" in result.output
