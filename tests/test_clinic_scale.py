"""A clinic's panel over many patients: every patient synced is listed once, through paged searches.

The same run at 100 patients x 1 year is a benchmark (benchmarks/clinic_scale.py, figures in
benchmarks/README.md); here it runs at a size that still needs several pages, and asserts no time.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import Cli, run_backcare
from tests.fhir_indexed import Indexed
from tests.journey import fill

SYSTEM = "https://clinic.example/patient-ids"


def run_panel(root: Path, *, patients: int, days: int) -> dict:
    """Fill and sync `patients` homes of `days` each, then run the panel; returns its rows and figures."""
    server = Indexed()
    try:
        started = time.perf_counter()
        for n in range(patients):
            cli = Cli(root / f"p{n}")
            fill(cli.home, days=days, seed=n)
            assert cli("profile", "--clinic-id", f"SCALE-{n:03d}").exit_code == 0
            result = cli("sync", "--fhir-server", server.url, "--patient-system", SYSTEM)
            assert result.exit_code == 0, result.output
        synced = time.perf_counter() - started
        resources = len(server.resources)
        started = time.perf_counter()
        result = run_backcare("clinic", "panel", "--fhir-server", server.url, "--json", home=root / "physio")
        panel = time.perf_counter() - started
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["patients"]
    return {"rows": rows, "resources": resources, "synced": synced, "panel": panel}


@pytest.mark.slow
def test_a_panel_of_many_patients_lists_each_once(tmp_path):
    # 120 patients: more than two pages of Patients by _id (50 a search) and of Observations by code.
    figures = run_panel(tmp_path, patients=120, days=5)
    rows = figures["rows"]
    assert len(rows) == 120 and len({r["identifier"] for r in rows}) == 120
    assert all(r["last_checkin"] is not None for r in rows)
