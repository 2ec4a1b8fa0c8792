"""`backcare clinic panel` / `clinic patient`: several simulated patients (separate homes) sync to a real FHIR
server (Medplum's FHIR router, tests/fhir_server/) and a physio reads them back, who needs attention first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.domain import clinic
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session
from backcare.domain.safety import QUESTIONS, Screen
from backcare.services import clinic as clinic_service
from backcare.store import Store
from tests.conftest import Cli
from tests.fhirserver import MEDPLUM_BATCH, Medplum
from tests.test_sync import Fake, status

pytestmark = pytest.mark.slow  # FHIR servers and several synced homes: CI runs it, the fast loop leaves it out

SYSTEM = "https://clinic.example/patient-ids"


@pytest.fixture(scope="module")
def medplum():
    server = Medplum()
    yield server
    server.stop()


def home_of(tmp_path, name: str, clinic_id: str) -> Cli:
    cli = Cli(tmp_path / name)
    assert cli("profile", "--clinic-id", clinic_id).exit_code == 0
    return cli


def write(cli: Cli, pains: dict[date, int], sessions=(), screen: dict | None = None) -> None:
    store = Store.open(cli.home)
    for day, pain in pains.items():
        store.update_checkin(day, lambda _prev, day=day, pain=pain: CheckIn(day, pain, 3, 6, 3, f"note {day}"))
    for day, hurt in sessions:
        store.add_session(Session(day, "default", "1", ("cat-cow",), (), hurt, 5))
    if screen is not None:
        store.record_screen(Screen(clock.today(), screen))
    store.close()


def sync(cli: Cli, url: str, *extra: str):
    result = cli("sync", "--fhir-server", url, "--patient-system", SYSTEM, "--batch", str(MEDPLUM_BATCH), *extra)
    assert result.exit_code == 0, result.output
    return result


def test_a_panel_of_simulated_patients_synced_twice_then_edited(tmp_path, medplum, monkeypatch):
    today = clock.today()
    days = [today - timedelta(days=n) for n in range(20, -1, -1)]
    better = home_of(tmp_path, "better", "CL-BETTER")
    write(better, {d: 7 if i < 7 else 2 for i, d in enumerate(days)}, sessions=[(today, 1)])
    worse = home_of(tmp_path, "worse", "CL-WORSE")
    write(worse, {d: 2 if i < 7 else 6 for i, d in enumerate(days)}, sessions=[(today, 8)])
    stop = home_of(tmp_path, "stop", "CL-STOP")
    write(stop, {d: 3 for d in days}, screen={q.id: q.id == "bladder-bowel" for q in QUESTIONS})
    quiet = home_of(tmp_path, "quiet", "CL-QUIET")
    write(quiet, {today - timedelta(days=n): 4 for n in range(40, 20, -1)})
    homes = (better, worse, stop, quiet)
    for cli in homes:
        sync(cli, medplum.url, "--include-safety")
    counts = {o["id"] for o in medplum.search("/Observation?_count=200")}
    for cli in homes:  # twice: nothing new
        assert "Nothing new to send" in sync(cli, medplum.url, "--include-safety").stdout
    assert {o["id"] for o in medplum.search("/Observation?_count=200")} == counts
    # an edit: the same Observation, updated
    assert better("checkin", "--date", today.isoformat(), "--pain", "1", "--stiffness", "3").exit_code == 0
    assert "Sent 4 records" in sync(better, medplum.url, "--include-safety").stdout  # the day's 4 scores, amended
    assert {o["id"] for o in medplum.search("/Observation?_count=200")} == counts

    monkeypatch.setattr(clinic_service, "PAGE", 7)  # many pages: the next links are followed
    physio = Cli(tmp_path / "physio")
    data = physio.json("clinic", "panel", "--fhir-server", medplum.url, "--json")
    rows = data["patients"]
    assert [r["identifier"] for r in rows] == ["CL-STOP", "CL-WORSE", "CL-QUIET", "CL-BETTER"]
    by = {r["identifier"]: r for r in rows}
    assert by["CL-STOP"]["safety_stop"] and "safety question answered yes" in by["CL-STOP"]["reasons"]
    assert by["CL-WORSE"]["change"] == "meaningful worsening" and by["CL-WORSE"]["pain_during_signal"]
    assert by["CL-WORSE"]["pain_7d"] == 6.0 and by["CL-WORSE"]["sessions_14d"] == 1
    assert by["CL-BETTER"]["change"] == "meaningful improvement"
    assert by["CL-BETTER"]["last_checkin"] == today.isoformat()
    assert by["CL-BETTER"]["pain_7d"] == round((2 * 6 + 1) / 7, 1)  # the edited day counts as edited
    assert by["CL-QUIET"]["last_checkin"] == (today - timedelta(days=21)).isoformat()
    assert by["CL-QUIET"]["pain_7d"] is None and "no check-in for over a week" in by["CL-QUIET"]["reasons"]
    text = physio("clinic", "panel", "--fhir-server", medplum.url)
    assert text.exit_code == 0 and text.stdout.index("CL-STOP") < text.stdout.index("CL-BETTER")
    assert "4 patients" in text.stdout

    one = physio("clinic", "patient", "CL-WORSE", "--fhir-server", medplum.url)
    assert one.exit_code == 0, one.output
    assert "Patient CL-WORSE" in one.stdout and "meaningful worsening" in one.stdout
    assert f"note {today}" in one.stdout and "Weekly pain" in one.stdout
    missing = physio("clinic", "patient", "NOBODY", "--fhir-server", medplum.url)
    assert missing.exit_code == 1 and "no patient with the identifier 'NOBODY'" in missing.output


def test_the_panel_from_a_bad_server_is_one_sentence(tmp_path):
    server = Fake(status(401))
    try:
        result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", server.url)
    finally:
        server.stop()
    assert result.exit_code == 1 and "refused access (HTTP 401)" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", "http://clinic.example/fhir")
    assert result.exit_code == 2 and "https://" in result.output


def test_search_pages_that_loop_are_an_error_not_a_hang(tmp_path):
    def loop(_body):
        page = {"resourceType": "Bundle", "type": "searchset", "link": [{"relation": "next", "url": server.url + "/x"}]}
        return 200, page, {}

    server = Fake(loop)
    try:
        result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", server.url)
    finally:
        server.stop()
    assert result.exit_code == 1 and "never end" in result.output


pains = st.dictionaries(st.integers(0, 60).map(lambda n: date(2026, 3, 1) - timedelta(days=n)), st.integers(0, 10))


@given(st.lists(st.tuples(pains, st.booleans(), st.integers(0, 10)), max_size=6))
def test_the_panel_puts_who_needs_attention_first(patients):
    today = date(2026, 3, 1)
    data = [
        clinic.PatientData(f"P{n}", str(n), pain, [(today, hurt)], [(today, stop)])
        for n, (pain, stop, hurt) in enumerate(patients)
    ]
    rows = clinic.panel(data, today)
    assert sorted(r.identifier for r in rows) == sorted(d.identifier for d in data)
    assert [r.attention for r in rows] == sorted((r.attention for r in rows), reverse=True)
    for r in rows:
        assert r.safety_stop == (r.attention >= 16)
        if r.pain_7d is not None:
            assert 0 <= r.pain_7d <= 10
