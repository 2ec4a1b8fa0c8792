"""The transaction Bundle against a real FHIR implementation (Medplum's FHIR router, tests/fhir_server/): it is
accepted, sending it twice creates nothing new, and the server's own R4 validator finds nothing wrong in it."""

from __future__ import annotations

import pytest

from backcare.exporters import fhir_transaction as ft
from tests.fhirserver import MEDPLUM_BATCH, Medplum
from tests.test_fhir_transaction import SYSTEM, fill, observations, transaction


def send(medplum: Medplum, data: dict) -> list[dict]:
    """POST the Bundle as transactions of at most MEDPLUM_BATCH entries (Medplum's limit for a transaction with
    conditional operations); every answer's entries."""
    patient, *rest = data["entry"]
    answers = []
    for part in ft.batches(rest, MEDPLUM_BATCH):
        status, answer = medplum.post("/", {**data, "entry": [patient, *part]})
        assert status == 200, answer
        assert answer["type"] == "transaction-response"
        assert [e["response"]["status"][:1] for e in answer["entry"]] == ["2"] * (1 + len(part))
        answers += answer["entry"][1:]
    return answers


@pytest.fixture(scope="module")
def medplum():
    server = Medplum()
    yield server
    server.stop()


def test_the_server_accepts_a_transaction_and_a_second_one_duplicates_nothing(cli, home, medplum):
    fill(cli, clinic_id="SRV-1")
    data = transaction(cli, "--include-safety")
    assert len(send(medplum, data)) == len(observations(data))
    patients = medplum.search(f"/Patient?identifier={SYSTEM}|SRV-1&_count=50")
    assert len(patients) == 1
    stored = medplum.search(f"/Observation?subject=Patient/{patients[0]['id']}&_count=7")
    assert len(stored) == len(observations(data))  # followed the next links, page by page
    send(medplum, transaction(cli, "--include-safety"))
    assert len(medplum.search(f"/Patient?identifier={SYSTEM}|SRV-1")) == 1
    after = medplum.search(f"/Observation?subject=Patient/{patients[0]['id']}&_count=100")
    assert sorted(o["id"] for o in after) == sorted(o["id"] for o in stored)
    by_status = {o["identifier"][0]["value"].split("/", 1)[1]: o["status"] for o in after}
    assert "entered-in-error" in by_status.values() and "amended" in by_status.values()


def test_the_servers_validator_is_really_checking(medplum):
    broken = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:0b6e3c39-52f4-4d47-a0a6-2b5b0f0d5a11",
                "resource": {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": "3"}},
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }
    status, answer = medplum.post("/", broken)
    assert status == 400 and answer["resourceType"] == "OperationOutcome"
