"""`backcare sync`: only what changed, as transactions; nothing marked as sent that the server did not accept.

The failure modes run against a tiny fake server (http.server in a thread); the real path against Medplum's
FHIR router (tests/fhir_server/)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backcare import clock
from backcare.paths import DB_NAME
from backcare.services import fhir_http
from backcare.store.records import fhir_sync
from tests.fhirserver import MEDPLUM_BATCH, Medplum
from tests.test_fhir_transaction import SYSTEM, fill

pytestmark = pytest.mark.slow  # HTTP servers, real and fake: CI runs it, the fast loop leaves it out

TOKEN = "s3cret-token-value"


# -- a fake FHIR server ------------------------------------------------------------------------------------------
class Fake:
    """Answers each request with the next planned answer; the last one repeats. An answer is a function of the
    request body (a dict) returning (status, body, headers), or the string "reset" (close without answering) or
    "slow" (answer after the client gave up)."""

    def __init__(self, *answers, port: int = 0):
        self.answers = list(answers) or [accept]
        self.requests: list[tuple[str, str, dict, dict | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle_one(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append((method, self.path, dict(self.headers), body))
                answer = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                if answer == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                if answer == "slow":
                    fake.release.wait(10)
                    return
                status, data, headers = answer(body)
                raw = data if isinstance(data, bytes) else json.dumps(data).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/fhir+json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                self.handle_one("POST")

            def do_GET(self):
                self.handle_one("GET")

        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def posts(self) -> list[dict]:
        return [body for method, _, _, body in self.requests if method == "POST"]


def accept(body, refuse: int | None = None):
    """A transaction-response accepting every entry (or refusing entry number `refuse`)."""
    entries = []
    for n, e in enumerate(body["entry"]):
        status = "400 Bad Request" if n == refuse else "201 Created"
        entries.append({"response": {"status": status, "location": f"{e['resource']['resourceType']}/{n}"}})
        if n == refuse:
            entries[-1]["response"]["outcome"] = {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "invalid", "details": {"text": "code is not known here"}}],
            }
    return 200, {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}, {}


def status(code, body=None, headers=None):
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "exception"}]}
    return lambda _body: (code, outcome if body is None else body, headers or {})


@pytest.fixture
def fake():
    servers = []

    def make(*answers):
        servers.append(Fake(*answers))
        return servers[-1]

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def no_sleep(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(fhir_http, "sleep", pauses.append)
    return pauses


def synced(home) -> dict[str, str]:
    db = sqlite3.connect(home / DB_NAME)
    try:
        return {r: d for r, d in db.execute("SELECT record, digest FROM fhir_sync")}
    finally:
        db.close()


def sync(cli, url, *extra, env=None):
    return cli("sync", "--fhir-server", url, "--patient-system", SYSTEM, *extra, env=env)


def records(bundle: dict) -> list[str]:
    return [e["resource"]["identifier"][0]["value"] for e in bundle["entry"][1:]]


# -- the happy path and what changed ----------------------------------------------------------------------------
def test_sync_sends_everything_once_then_only_what_changed(cli, home, fake, no_sleep):
    fill(cli)
    server = fake()
    result = sync(cli, server.url)
    assert result.exit_code == 0, result.output
    assert len(server.posts) == 1
    first = records(server.posts[0])
    assert f"Sent {len(first)} records to {server.url}" in result.stdout
    assert set(synced(home)) == set(first)
    result = sync(cli, server.url)
    assert result.exit_code == 0 and "Nothing new to send" in result.stdout and len(server.posts) == 1
    day = (clock.today() - timedelta(days=4)).isoformat()
    assert cli("checkin", "--date", day, "--pain", "9", "--stiffness", "3", "--sleep", "7").exit_code == 0
    assert cli("delete", clock.today().isoformat(), "--yes").exit_code == 0
    data = cli.json("sync", "--fhir-server", server.url, "--json")
    sent = server.posts[-1]
    changed = {e["resource"]["identifier"][0]["value"].split("/", 1)[1]: e for e in sent["entry"][1:]}
    assert set(changed) == {
        *(f"checkin/{day}/{m}" for m in ("pain", "stiffness", "sleep")),
        *(f"checkin/{clock.today().isoformat()}/{m}" for m in ("pain", "stiffness", "sleep")),
    }
    assert changed[f"checkin/{day}/pain"]["resource"]["status"] == "amended"
    assert changed[f"checkin/{day}/pain"]["request"]["method"] == "PUT"
    assert changed[f"checkin/{clock.today().isoformat()}/pain"]["resource"]["status"] == "entered-in-error"
    assert data["sent"] == 6 and data["transactions"] == 1 and data["unchanged"] == len(first) - 6
    assert no_sleep == []


def test_an_empty_home_says_there_is_nothing_to_send_yet(cli, home, fake):
    assert cli("profile", "--clinic-id", "P-17").exit_code == 0
    server = fake()
    result = sync(cli, server.url)
    assert result.exit_code == 0, result.output
    assert "Nothing to send yet" in result.stdout
    assert "all 0 records" not in result.stdout


def test_large_histories_go_in_batches_each_naming_the_patient(cli, home, fake):
    fill(cli, days=5)
    server = fake()
    assert sync(cli, server.url, "--batch", "4").exit_code == 0
    assert all(len(p["entry"]) <= 4 for p in server.posts) and len(server.posts) > 2
    assert all(p["entry"][0]["resource"]["resourceType"] == "Patient" for p in server.posts)
    assert sum(len(p["entry"]) - 1 for p in server.posts) == len(synced(home))


def test_dry_run_prints_the_bundle_and_sends_nothing(cli, home, fake):
    fill(cli)
    server = fake()
    result = sync(cli, server.url, "--dry-run")
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["type"] == "transaction" and len(bundle["entry"]) > 1
    assert server.requests == [] and synced(home) == {}
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def test_the_token_comes_only_from_the_named_variable_and_is_never_kept_or_shown(cli, home, fake):
    fill(cli)
    server = fake()
    result = sync(cli, server.url, "--token-env", "CLINIC_TOKEN", env={"CLINIC_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert server.requests[0][2]["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in result.output
    for path in home.iterdir():
        assert TOKEN.encode() not in path.read_bytes()
    result = sync(cli, server.url, "--token-env", "NOT_SET_ANYWHERE")
    assert result.exit_code == 2 and "NOT_SET_ANYWHERE" in result.output


@pytest.mark.parametrize(
    "url",
    ["http://clinic.example/fhir", "ftp://127.0.0.1/fhir", "https://", "https://user:pw@clinic.example/fhir", "fhir"],
)
def test_only_https_or_this_machine(cli, home, url):
    fill(cli, days=1)
    result = sync(cli, url)
    assert result.exit_code == 2 and "--fhir-server" in result.output
    assert "Traceback" not in result.output and synced(home) == {}


# -- bad servers ------------------------------------------------------------------------------------------------
def _closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/fhir"


BAD = {
    "401": (status(401), "refused access (HTTP 401)"),
    "404": (status(404), "404 Not Found"),
    "500": (status(500), "refused the request (HTTP 500)"),
    "html": (lambda b: (200, b"<html>hello</html>", {"Content-Type": "text/html"}), "did not answer with FHIR JSON"),
    "not a transaction-response": (
        lambda b: (200, {"resourceType": "Patient"}, {}),
        "did not answer the transaction with a transaction-response",
    ),
    "busy for ever": (status(503), "busy or unavailable (HTTP 503) after 5 tries"),
    "redirect": (status(302, {}, {"Location": "http://elsewhere.example/"}), "redirected"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_server_is_one_sentence_exit_1_and_nothing_marked(cli, home, fake, no_sleep, name):
    fill(cli, days=2)
    answer, words = BAD[name]
    server = fake(answer)
    result = sync(cli, server.url, "--token-env", "T", env={"T": TOKEN})
    assert result.exit_code == 1, result.output
    assert words in result.output and result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert TOKEN not in result.output
    assert synced(home) == {}


def test_an_unreachable_server(cli, home):
    fill(cli, days=1)
    result = sync(cli, _closed_port())
    assert result.exit_code == 1 and "Could not reach the FHIR server" in result.output
    assert synced(home) == {}


def test_a_server_that_does_not_answer_in_time(cli, home, fake, monkeypatch):
    monkeypatch.setattr(fhir_http, "TIMEOUT", 0.5)
    fill(cli, days=1)
    server = fake("slow")
    result = sync(cli, server.url)
    assert result.exit_code == 1 and "did not answer within 0.5 seconds" in result.output
    assert synced(home) == {}


def test_transient_failures_are_retried_with_growing_pauses(cli, home, fake, no_sleep):
    fill(cli, days=1)
    server = fake(status(503), "reset", status(429, headers={"Retry-After": "7"}), accept)
    result = sync(cli, server.url)
    assert result.exit_code == 0, result.output
    assert no_sleep == [1.0, 2.0, 7.0] and len(server.posts) == 4
    assert len(synced(home)) == len(records(server.posts[-1]))


def test_a_partial_failure_marks_only_what_was_accepted_and_the_next_sync_sends_the_rest(cli, home, fake):
    fill(cli, days=2)
    server = fake(lambda b: accept(b, refuse=2))
    result = sync(cli, server.url)
    assert result.exit_code == 1 and "code is not known here" in result.output
    sent = records(server.posts[0])
    refused = sent[1]  # entry 2 of the Bundle: the Patient is entry 0
    assert set(synced(home)) == set(sent) - {refused}
    assert "will be sent again" in result.output
    server.answers = [accept]
    assert sync(cli, server.url).exit_code == 0
    assert records(server.posts[-1]) == [refused]
    assert set(synced(home)) == set(sent)


def test_a_refused_patient_marks_nothing(cli, home, fake):
    fill(cli, days=1)
    server = fake(lambda b: accept(b, refuse=0))
    result = sync(cli, server.url)
    assert result.exit_code == 1 and "patient entry" in result.output and synced(home) == {}


# -- the sync log as a record kind --------------------------------------------------------------------------------
def test_the_sync_log_travels_with_a_json_export(cli, home, fake, tmp_path):
    from tests.conftest import Cli

    fill(cli, days=2)
    server = fake()
    assert sync(cli, server.url).exit_code == 0
    data = cli.json("export")
    assert len(data["fhir_sync"]) == len(synced(home))
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data))
    other = Cli(tmp_path / "other")
    result = other("import", str(path))
    assert result.exit_code == 0, result.output
    assert synced(other.home) == synced(home)
    assert other("import", str(path)).exit_code == 0  # again: the same rows, nothing added
    bad = {**data, "fhir_sync": [{**data["fhir_sync"][0], "digest": "nope"}]}
    path.write_text(json.dumps(bad))
    result = Cli(tmp_path / "third")("import", str(path))
    assert result.exit_code == 1 and "fhir_sync[0]" in result.output and "digest" in result.output


def test_sync_log_check_rejects_bad_rows():
    good = {"server": "https://x.example/fhir", "record": "i/checkin/2026-01-01/pain", "digest": "0" * 32}
    good["synced_at"] = "2026-01-02T03:04:05+00:00"
    fhir_sync.check(good, date(2026, 1, 2))
    for bad in ({**good, "digest": "x"}, {**good, "server": "ftp://x"}, {**good, "synced_at": "yesterday"}):
        with pytest.raises(ValueError):
            fhir_sync.check(bad, date(2026, 1, 2))


# -- no network anywhere else -------------------------------------------------------------------------------------
def test_only_the_sync_and_clinic_commands_load_network_code():
    from backcare.cli.app import COMMANDS

    modules = sorted({module for _name, module, _attr, _help in COMMANDS} - {"sync", "clinic"})
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module('backcare.cli.' + m)\n"
        "import backcare.services.fhir, backcare.services.transfer, backcare.exporters.fhir_transaction\n"
        "bad = [m for m in ('urllib.request', 'http.client', 'backcare.services.fhir_http', 'backcare.services.sync')"
        " if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- the real path: Medplum ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def medplum():
    server = Medplum()
    yield server
    server.stop()


def test_sync_against_a_real_fhir_server_twice_then_after_an_edit(cli, home, medplum):
    fill(cli, clinic_id="SYNC-1")
    batch = str(MEDPLUM_BATCH)
    result = sync(cli, medplum.url, "--batch", batch)
    assert result.exit_code == 0, result.output
    patients = medplum.search(f"/Patient?identifier={SYSTEM}|SYNC-1")
    assert len(patients) == 1
    first = medplum.search(f"/Observation?subject=Patient/{patients[0]['id']}&_count=50")
    assert len(first) == len(synced(home))
    # twice: nothing new is sent, nothing is duplicated
    assert "Nothing new to send" in sync(cli, medplum.url, "--batch", batch).stdout
    # and even when the log is lost, sending everything again duplicates nothing
    db = sqlite3.connect(home / DB_NAME)
    db.execute("DELETE FROM fhir_sync")
    db.commit()
    db.close()
    assert sync(cli, medplum.url, "--batch", batch).exit_code == 0
    again = medplum.search(f"/Observation?subject=Patient/{patients[0]['id']}&_count=50")
    assert sorted(o["id"] for o in again) == sorted(o["id"] for o in first)
    assert len(medplum.search(f"/Patient?identifier={SYSTEM}|SYNC-1")) == 1
    # an edit updates the Observation in place
    day = clock.today().isoformat()
    assert cli("checkin", "--date", day, "--pain", "7", "--stiffness", "3", "--sleep", "7").exit_code == 0
    assert sync(cli, medplum.url, "--batch", batch).exit_code == 0
    after = medplum.search(f"/Observation?subject=Patient/{patients[0]['id']}&_count=50")
    assert sorted(o["id"] for o in after) == sorted(o["id"] for o in first)
    pain = [o for o in after if o["identifier"][0]["value"].endswith(f"checkin/{day}/pain")]
    assert pain[0]["status"] == "amended" and pain[0]["valueQuantity"]["value"] == 7


def test_outcome_measures_sync_once_and_a_retake_updates_them(cli, home, medplum):
    fill(cli, clinic_id="SYNC-M")
    assert cli("measure", "take", "confidence", "--answers", "4").exit_code == 0
    batch = str(MEDPLUM_BATCH)
    assert sync(cli, medplum.url, "--batch", batch).exit_code == 0
    [patient] = medplum.search(f"/Patient?identifier={SYSTEM}|SYNC-M")
    [first] = medplum.search(f"/QuestionnaireResponse?subject=Patient/{patient['id']}")
    assert first["item"][0]["answer"] == [{"valueInteger": 4}]
    assert "Nothing new to send" in sync(cli, medplum.url, "--batch", batch).stdout
    # the same day taken again replaces the take here, and there
    assert cli("measure", "take", "confidence", "--answers", "7").exit_code == 0
    assert sync(cli, medplum.url, "--batch", batch).exit_code == 0
    [after] = medplum.search(f"/QuestionnaireResponse?subject=Patient/{patient['id']}")
    assert after["id"] == first["id"] and after["item"][0]["answer"] == [{"valueInteger": 7}]
    scores = [
        o
        for o in medplum.search(f"/Observation?subject=Patient/{patient['id']}&_count=50")
        if "/measure/" in o["identifier"][0]["value"]
    ]
    assert [o["valueQuantity"]["value"] for o in scores] == [7]
