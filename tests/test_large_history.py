"""Fifty years of daily data: `trend --all` reads only the rows it shows, the FHIR export does a fixed amount of
indented JSON encoding whatever the history, and every export and import stays under 60 MiB. Bounds are in rows,
calls and bytes (with a wide margin), never seconds."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.exporters import fhir_export
from backcare.services.trends import ALL_MAX_DAYS
from tests.test_transfer_scale import build_home

TODAY = date(2026, 11, 20)
ENV = {"BACKCARE_TODAY": TODAY.isoformat()}


@pytest.fixture(scope="module")
def fifty_years(tmp_path_factory):
    home = tmp_path_factory.mktemp("fifty") / "home"
    build_home(home, 50)
    return home


def test_trend_all_reads_only_the_rows_it_shows(cli, fifty_years, monkeypatch):
    import backcare.store.records.checkins as store_module

    real = store_module.from_row
    read = [0]

    def counting(row):
        read[0] += 1
        return real(row)

    monkeypatch.setattr(store_module, "from_row", counting)
    cli.home = fifty_years
    data = cli.json("trend", "--all", "--json", env=ENV)
    # the 20 years shown, their 7-day lead-in, the first check-in (to say how far back the history goes) and the
    # flare-up detector's look-back: not 18,250 rows decoded and 11,000 of them discarded
    shown = ALL_MAX_DAYS
    assert data["from"] == (TODAY - timedelta(days=shown - 1)).isoformat() and data["earlier_checkins_from"]
    assert read[0] <= 2 * shown + 200, read[0]
    assert read[0] < 50 * 365


def test_trend_all_on_a_short_history_starts_at_the_first_check_in(cli):
    for day in ("2026-11-01", "2026-11-10"):
        assert cli("checkin", "--pain", "3", "--stiffness", "2", "--date", day, env=ENV).exit_code == 0
    data = cli.json("trend", "--all", "--json", env=ENV)
    assert data["from"] == "2026-11-01" and data["to"] == TODAY.isoformat()


# -- FHIR: the same text as the indented encoder, without running it per entry ---------------------------------
def reference(checkins, timestamp: str) -> str:
    """Every entry through json.dumps(indent=2), as the export was first written."""
    out = io.StringIO()
    head = {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2])
    sep = ',\n  "entry": [\n'
    for entry in fhir_export.entries(checkins):
        out.write(sep)
        out.write(textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    "))
        sep = ",\n"
    if sep == ",\n":
        out.write("\n  ]")
    out.write("\n}\n")
    return out.getvalue()


SCORE = st.one_of(st.none(), st.integers(0, 10))
CHECKIN = st.builds(
    lambda d, p, s, sl, st_: {"date": d.isoformat(), "pain": p, "stiffness": s, "sleep": sl, "stress": st_},
    st.dates(date(1950, 1, 1), date(2100, 1, 1)),
    st.integers(0, 10),
    SCORE,
    SCORE,
    SCORE,
)


@given(st.lists(CHECKIN, max_size=8), st.sampled_from(["2026-11-20T08:00:00+00:00", "2026-01-01T00:00:00Z"]))
def test_fhir_text_is_exactly_the_indented_encoders(checkins, stamp):
    out = io.StringIO()
    fhir_export.write(out, checkins, timestamp=stamp)
    assert out.getvalue() == reference(checkins, stamp)
    json.loads(out.getvalue())


def test_fhir_export_encodes_with_indent_a_fixed_number_of_times(monkeypatch):
    calls = [0]
    real = json.dumps

    def counting(*args, **kwargs):
        if kwargs.get("indent") is not None:
            calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(fhir_export.json, "dumps", counting)
    days = [
        {"date": (date(2000, 1, 1) + timedelta(days=i)).isoformat(), "pain": i % 11, "stiffness": 3, "sleep": 5}
        for i in range(2000)
    ]
    fhir_export.write(io.StringIO(), days, timestamp="2026-11-20T08:00:00+00:00")
    assert calls[0] <= 1 + len(fhir_export.METRICS)  # the head and one template per metric, not 6,000 entries


# -- memory at 50 years: the child's own peak resident size ----------------------------------------------------
# A child's ru_maxrss counts the memory of the process that started it (Linux carries the high-water mark over
# fork and exec), so the command is started from a small wrapper, not from this test process.
WRAPPER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def child_peak_mib(home, *args: str) -> float:
    """The peak resident size of one backcare process, in MiB."""
    env = {**os.environ, "BACKCARE_HOME": str(home), **ENV}
    argv = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "backcare", *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    code, kib = done.stdout.split()
    assert code == "0", (args, done.stderr)
    return int(kib) / 1024


@pytest.mark.slow
def test_fifty_years_export_and_import_stay_under_60_mib(fifty_years, tmp_path):
    peaks = {}
    for fmt in ("json", "csv", "fhir"):
        out = tmp_path / f"export.{fmt}"
        peaks[fmt] = child_peak_mib(fifty_years, "export", "--format", fmt, "-o", str(out))
        assert out.stat().st_size > 500 * 1024
    peaks["import"] = child_peak_mib(tmp_path / "restored", "import", str(tmp_path / "export.json"))
    print("peak MiB:", peaks)
    # about 25 MiB each on Python 3.11 (most of it the interpreter, Typer and SQLite); holding a 50-year FHIR
    # export in memory took over 400 MiB
    assert all(v < 60 for v in peaks.values()), peaks
