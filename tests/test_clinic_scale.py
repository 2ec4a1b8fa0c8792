"""At a clinic's scale: 100 patients x 1 year synced, then `clinic panel` timed (the figure goes in
benchmarks/README.md; nothing here asserts a time)."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import Cli, run_backcare
from tests.fhir_indexed import Indexed
from tests.journey import fill

PATIENTS = 100
DAYS = 365
SYSTEM = "https://clinic.example/patient-ids"


@pytest.mark.slow
def test_a_panel_of_100_patients_with_a_year_each(tmp_path):
    server = Indexed()
    try:
        started = time.perf_counter()
        for n in range(PATIENTS):
            cli = Cli(tmp_path / f"p{n}")
            fill(cli.home, days=DAYS, seed=n)
            assert cli("profile", "--clinic-id", f"SCALE-{n:03d}").exit_code == 0
            result = cli("sync", "--fhir-server", server.url, "--patient-system", SYSTEM)
            assert result.exit_code == 0, result.output
        synced = time.perf_counter() - started
        resources = len(server.resources)
        started = time.perf_counter()
        result = run_backcare("clinic", "panel", "--fhir-server", server.url, "--json", home=tmp_path / "physio")
        panel = time.perf_counter() - started
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["patients"]
    assert len(rows) == PATIENTS and len({r["identifier"] for r in rows}) == PATIENTS
    assert all(r["last_checkin"] is not None for r in rows)
    print(
        f"\n{PATIENTS} patients x {DAYS} days: {resources} resources; filled and synced in {synced:.0f} s; "
        f"'clinic panel' took {panel:.1f} s"
    )
