"""Hostile or broken FHIR servers, as a reviewer found them: the token goes only to the address given, a bad
answer is one sentence and exit 1, and nothing is marked as sent that the server did not accept."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.errors import BackcareError
from backcare.services import fhir_http
from tests.conftest import Cli
from tests.test_fhir_transaction import fill
from tests.test_sync import TOKEN, Fake, synced
from tests.test_sync import sync as run_sync

pytestmark = pytest.mark.slow  # each test runs a hostile HTTP server: CI runs it, the fast loop leaves it out


def _free_port_pair() -> tuple[socket.socket, socket.socket]:
    """Two listening sockets whose ports read as a prefix and its extension (e.g. 5123 and 51234)."""
    for first in range(5000, 6500):
        a = socket.socket()
        try:
            a.bind(("127.0.0.1", first))
        except OSError:
            a.close()
            continue
        for digit in range(10):
            b = socket.socket()
            try:
                b.bind(("127.0.0.1", first * 10 + digit))
            except OSError:
                b.close()
                continue
            return a, b
        a.close()
    pytest.skip("no free pair of ports on this machine")


def _fake_on(sock: socket.socket, *answers) -> Fake:
    port = sock.getsockname()[1]
    sock.close()
    return Fake(*answers, port=port)


def test_a_next_link_to_an_address_that_merely_starts_like_the_server_gets_no_token(tmp_path, monkeypatch):
    a, b = _free_port_pair()
    other = _fake_on(b, lambda _b: (200, {"resourceType": "Bundle", "type": "searchset"}, {}))

    def first_page(_body):
        link = [{"relation": "next", "url": other.url.removesuffix("/fhir") + "/Observation?page=2"}]
        return 200, {"resourceType": "Bundle", "type": "searchset", "link": link}, {}

    server = _fake_on(a, first_page)
    try:
        monkeypatch.setenv("CLINIC_TOKEN", TOKEN)
        result = Cli(tmp_path / "p")(
            "clinic", "panel", "--fhir-server", server.url.removesuffix("/fhir"), "--token-env", "CLINIC_TOKEN"
        )
    finally:
        server.stop()
        other.stop()
    assert other.requests == [], "the token was sent to another address"
    assert result.exit_code == 1 and "link to another address" in result.output
    assert TOKEN not in result.output


@pytest.mark.parametrize(
    "link",
    [
        "https://fhir.example.com.evil.example/Observation",
        "https://fhir.example.com:4443/Observation",
        "https://fhir.example.com@evil.example/Observation",
        "http://fhir.example.com/fhir/Observation",
        "https://fhir.example.com/fhirx/Observation",
        "https://evil.example/fhir/Observation",
    ],
)
def test_links_elsewhere_are_refused_before_any_connection(link):
    client = fhir_http.Client("https://fhir.example.com/fhir", TOKEN)
    with pytest.raises(BackcareError, match="link to another address"):
        client.get(link)


@given(st.sampled_from(["Observation", "Patient"]), st.text("abc0123456789=&?_", max_size=20))
def test_links_under_the_base_stay_allowed(kind, query):
    base = "https://fhir.example.com/fhir"
    assert fhir_http.same_place(base, f"{base}/{kind}{query}")
    assert fhir_http.same_place(base, f"https://FHIR.example.com:443/fhir/{kind}{query}")
    assert not fhir_http.same_place(base, f"https://fhir.example.com/fhir{kind}{query}")


def _malformed(kind: str):
    """A transaction-response whose entries are of the right number but not of the right shape."""

    def answer(body):
        n = len(body["entry"])
        patient = {"response": {"status": "201 Created"}}
        shapes = {
            "response is text": [{"response": "201 Created"}] * (n - 1),
            "entry is text": ["201 Created"] * (n - 1),
            "status is a number": [{"response": {"status": 201}}] * (n - 1),
            "outcome is text": [{"response": {"status": "500", "outcome": "boom"}}] * (n - 1),
            "outcome without issues": [{"response": {"status": "500", "outcome": {"issue": "boom"}}}] * (n - 1),
        }
        return 200, {"resourceType": "Bundle", "type": "transaction-response", "entry": [patient, *shapes[kind]]}, {}

    return answer


@pytest.mark.parametrize(
    "kind", ["response is text", "entry is text", "status is a number", "outcome is text", "outcome without issues"]
)
def test_a_malformed_transaction_response_is_one_sentence_and_nothing_wrongly_marked(cli, home, kind):
    fill(cli, days=2)
    server = Fake(_malformed(kind))
    try:
        result = run_sync(cli, server.url, "--token-env", "T", env={"T": TOKEN})
    finally:
        server.stop()
    if kind == "status is a number":  # 201 is a status, written as a number: accepted
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output and TOKEN not in result.output
    assert synced(home) == {}


class Drip:
    """A server that sends its headers at once, then its (valid) body one byte at a time, each within the
    client's per-read timeout, so only a limit on the whole answer ends the wait."""

    def __init__(self, pause: float):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        body = b'{"resourceType": "Bundle", "type": "searchset", "entry": []}'
        stop = self.stop_event = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for byte in body:
                    if stop.wait(pause):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.stop_event.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_server_that_drips_its_answer_is_given_up_on(tmp_path, monkeypatch):
    monkeypatch.setattr(fhir_http, "TIMEOUT", 1.0)
    server = Drip(pause=0.1)  # 60 bytes: six seconds in all, a tenth of a second between bytes
    try:
        result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", server.url)
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    assert "did not answer within 1 seconds" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_huge_answer_is_refused_not_read_into_memory(cli, home, monkeypatch):
    monkeypatch.setattr(fhir_http, "MAX_ANSWER", 4096, raising=False)

    def huge(body):
        status, data, headers = _malformed("status is a number")(body)
        data["entry"][0]["response"]["padding"] = "x" * 10_000
        return status, data, headers

    fill(cli, days=2)
    server = Fake(huge)
    try:
        result = run_sync(cli, server.url)
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    assert "answer larger than" in result.output and len(result.output.strip().splitlines()) == 1
    assert synced(home) == {}


def test_an_answer_cut_short_is_one_sentence_and_nothing_marked(cli, home):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"resourceType": "Bundle", "type": "transaction-response", "entry": [')
            self.wfile.flush()
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fill(cli, days=2)
    try:
        result = run_sync(cli, f"http://127.0.0.1:{server.server_address[1]}/fhir")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert "before its answer was complete" in result.output
    assert synced(home) == {}


def test_an_answer_that_is_not_http_is_one_sentence(tmp_path):
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/fhir"
        result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", url)
    finally:
        listener.close()
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert "did not answer with HTTP" in result.output


def _echo_token(where: str):
    text = f"the bearer token {TOKEN} is not valid here\x1b]0;owned\x07"
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "diagnostics": text}]}

    def answer(body):
        if where == "status":
            return 500, outcome, {}
        if where == "redirect":
            return 307, {}, {"Location": f"https://elsewhere.example/?access_token={TOKEN}\x1b[2J"}
        status, data, headers = _malformed("status is a number")(body)
        data["entry"][1] = {"response": {"status": "400 Bad Request", "outcome": outcome}}
        return status, data, headers

    return answer


@pytest.mark.parametrize("where", ["status", "entry", "redirect"])
def test_a_server_echoing_the_token_or_control_characters_never_gets_them_shown(cli, home, where):
    fill(cli, days=2)
    server = Fake(_echo_token(where))
    try:
        result = run_sync(cli, server.url, "--token-env", "T", env={"T": TOKEN})
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert TOKEN not in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    for path in home.iterdir():
        assert TOKEN.encode() not in path.read_bytes()


# -- one person, two installs: a home imported into another keeps its records' identities ---------------------------
def _sessions_sent(server: Fake) -> list[tuple[str, dict]]:
    sent = []
    for body in server.posts:
        for e in body["entry"][1:]:
            value = e["resource"]["identifier"][0]["value"]
            if "/session/" in value:
                parts = {
                    c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in e["resource"]["component"]
                }
                sent.append((value, parts))
    return sent


def test_after_importing_another_installs_export_its_sessions_are_not_sent_twice_nor_yours_dropped(tmp_path):
    import json

    server = Fake()
    try:
        laptop = Cli(tmp_path / "laptop")
        assert laptop("profile", "--clinic-id", "P-17").exit_code == 0
        assert laptop("safety", "--none").exit_code == 0
        assert laptop("session", "--done", "all", "--pain-during", "1", "--effort", "5").exit_code == 0
        assert run_sync(laptop, server.url).exit_code == 0
        from_laptop = _sessions_sent(server)
        assert [p["pain-during"] for _v, p in from_laptop] == [1]

        phone = Cli(tmp_path / "phone")  # its own session first, then the laptop's export imported
        assert phone("profile", "--clinic-id", "P-17").exit_code == 0
        assert phone("safety", "--none").exit_code == 0
        assert phone("session", "--done", "all", "--pain-during", "9", "--effort", "9").exit_code == 0
        path = tmp_path / "laptop.json"
        path.write_text(json.dumps(laptop.json("export")))
        assert phone("import", str(path)).exit_code == 0
        result = run_sync(phone, server.url)
        assert result.exit_code == 0, result.output
    finally:
        server.stop()
    from_phone = _sessions_sent(server)[len(from_laptop) :]
    # only the phone's own session is new to the server, under an identifier the laptop's never had
    assert [p["pain-during"] for _v, p in from_phone] == [9]
    assert {v for v, _p in from_phone}.isdisjoint(v for v, _p in from_laptop)


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: yes", "t\u00f8ken\u20ac-secret", "two words-secret"])
def test_a_token_that_cannot_be_an_http_header_is_a_usage_error_never_shown(cli, home, token):
    fill(cli, days=1)
    server = Fake()
    try:
        result = run_sync(cli, server.url, "--token-env", "T", env={"T": token})
    finally:
        server.stop()
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "--token-env T" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert token.strip() not in result.output and "secret" not in result.output
    assert server.requests == [] and synced(home) == {}


def _ours(**fields):
    from backcare.exporters.fhir_transaction import RECORD_SYSTEM

    return {
        "resourceType": "Observation",
        "identifier": [{"system": RECORD_SYSTEM, "value": "i/checkin/2026-01-01/pain"}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
        "subject": {"reference": "Patient/1"},
        "effectiveDateTime": "2026-01-01",
        "valueQuantity": {"value": 4},
        **fields,
    }


MALFORMED_PAGES = {
    "entry is a number": {"entry": 7},
    "code is text": {"entry": [{"resource": _ours(code="72514-3")}]},
    "subject is text": {"entry": [{"resource": _ours(subject="Patient/1")}]},
    "value is text": {"entry": [{"resource": _ours(valueQuantity="4")}]},
    "coding is text": {"entry": [{"resource": _ours(code={"coding": "72514-3"})}]},
    "identifier is text": {"entry": [{"resource": _ours(identifier="x")}]},
    "note is text": {"entry": [{"resource": _ours(note="hello")}]},
    "link is text": {"link": "next"},
    "pain during is infinite": {
        "entry": [
            {
                "resource": _ours(
                    code={"coding": [{"system": "x", "code": "exercise-session"}]},
                    component=[{"code": {"coding": [{"code": "pain-during"}]}, "valueQuantity": {"value": 1e400}}],
                )
            }
        ]
    },
    "session part is text": {
        "entry": [
            {
                "resource": _ours(
                    code={"coding": [{"system": "x", "code": "exercise-session"}]}, component=["pain-during"]
                )
            }
        ]
    },
}


@pytest.mark.parametrize("name", list(MALFORMED_PAGES))
def test_a_malformed_search_page_is_one_sentence_or_ignored_never_a_crash(tmp_path, name):
    page = {"resourceType": "Bundle", "type": "searchset", **MALFORMED_PAGES[name]}
    server = Fake(lambda _body: (200, page, {}))
    try:
        result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", server.url)
    finally:
        server.stop()
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 1:
        assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


# -- two people given the same clinic id ------------------------------------------------------------------------------
@given(st.integers(1, 5))
def test_days_whose_pain_two_installs_disagree_on_are_a_reason_to_look(days):
    from datetime import date

    from backcare.domain import clinic

    today = date(2026, 3, 1)
    data = clinic.PatientData("P-17", "1", {today: 3}, (), (), (), disagreements=days)
    reasons = clinic.summarise(data, today).reasons
    assert any(f"{days} day" in r and "clinic id" in r for r in reasons)
    assert not any(
        "clinic id" in r for r in clinic.summarise(clinic.PatientData("P", "1", {today: 3}, (), ()), today).reasons
    )


def test_two_people_syncing_under_one_clinic_id_show_up_on_the_panel(tmp_path):
    from tests.fhirserver import Medplum

    server = Medplum()
    try:
        for name, pain in (("one", "3"), ("two", "9"), ("three", "9")):
            home = Cli(tmp_path / name)
            assert home("profile", "--clinic-id", "P-17" if name != "three" else "P-18").exit_code == 0
            assert home("checkin", "--pain", pain, "--stiffness", "2").exit_code == 0
            assert run_sync(home, server.url).exit_code == 0
        rows = Cli(tmp_path / "physio").json("clinic", "panel", "--fhir-server", server.url, "--json")["patients"]
    finally:
        server.stop()
    by = {r["identifier"]: r for r in rows}
    assert any("1 day" in r and "clinic id" in r for r in by["P-17"]["reasons"]), by["P-17"]
    assert not any("clinic id" in r for r in by["P-18"]["reasons"])


def test_a_home_imported_into_an_install_with_its_own_id_sends_nothing_the_server_already_has(tmp_path):
    import json

    from tests.test_fhir_transaction import SYSTEM

    server = Fake()
    try:
        laptop = Cli(tmp_path / "laptop")
        fill(laptop, days=3)
        assert run_sync(laptop, server.url).exit_code == 0
        from_laptop = {e["resource"]["identifier"][0]["value"] for e in server.posts[0]["entry"][1:]}
        phone = Cli(tmp_path / "phone")  # made its own install id (a transaction export) before the import
        assert phone("profile", "--clinic-id", "P-17").exit_code == 0
        out = tmp_path / "t.json"
        made = phone(
            "export", "--format", "fhir", "--bundle", "transaction", "--patient-system", SYSTEM, "-o", str(out)
        )
        assert made.exit_code == 0, made.output
        path = tmp_path / "laptop.json"
        path.write_text(json.dumps(laptop.json("export")))
        assert phone("import", str(path)).exit_code == 0
        first = run_sync(phone, server.url)
        assert first.exit_code == 0 and "Nothing new to send" in first.output, first.output
        day = (clock.today() - timedelta(days=10)).isoformat()  # a day only the phone has
        assert phone("checkin", "--date", day, "--pain", "4", "--stiffness", "2").exit_code == 0
        edited = clock.today().isoformat()  # and a day the laptop sent, edited on the phone
        assert phone("checkin", "--date", edited, "--pain", "6", "--stiffness", "3").exit_code == 0
        second = run_sync(phone, server.url)
        assert second.exit_code == 0, second.output
        third = run_sync(phone, server.url)
    finally:
        server.stop()
    sent = {e["resource"]["identifier"][0]["value"]: e for e in server.posts[-1]["entry"][1:]}
    keys = {v.split("/", 1)[1] for v in sent}
    assert {f"checkin/{day}/pain", f"checkin/{day}/stiffness", f"checkin/{edited}/pain"} <= keys
    assert all(day in k or edited in k for k in keys)
    for value, e in sent.items():
        if edited in value:  # the laptop's records, updated under the identifiers the server knows
            assert value in from_laptop and e["resource"]["status"] in ("amended", "entered-in-error")
            assert e["request"]["method"] == "PUT" and value.replace("/", "%2F") not in e["request"]["url"]
            assert e["request"]["url"].endswith(value)
        else:
            assert value not in from_laptop
    assert "Nothing new to send" in third.output


@pytest.mark.parametrize("retry_after", ["nan", "-inf", "1e999", "Wed, 21 Oct 2015 07:28:00 GMT", "-5"])
def test_any_retry_after_a_busy_server_sends_is_a_pause_time_sleep_accepts(cli, home, monkeypatch, retry_after):
    import time

    from tests.test_sync import status

    pauses = []

    def sleep(seconds):  # as time.sleep judges the value, without the wait
        time.sleep(0 if seconds >= 0 else seconds)
        pauses.append(seconds)

    monkeypatch.setattr(fhir_http, "sleep", sleep)
    fill(cli, days=1)
    server = Fake(status(503, headers={"Retry-After": retry_after}))
    try:
        result = run_sync(cli, server.url)
    finally:
        server.stop()
    assert result.exit_code == 1 and "busy or unavailable (HTTP 503)" in result.output, result.output
    assert len(pauses) == fhir_http.RETRIES and all(0 <= p <= 60 for p in pauses)


@pytest.mark.parametrize("url", ["https://clinic.example/my fhir", "http://127.0.0.1:1/a b"])
def test_a_server_address_with_a_space_is_a_usage_error(tmp_path, url):
    result = Cli(tmp_path / "p")("clinic", "panel", "--fhir-server", url)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "--fhir-server" in result.output
