"""Hostile or broken FHIR servers, as a reviewer found them: the token goes only to the address given, a bad
answer is one sentence and exit 1, and nothing is marked as sent that the server did not accept."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.errors import BackcareError
from backcare.services import fhir_http
from tests.conftest import Cli
from tests.test_fhir_transaction import fill
from tests.test_sync import TOKEN, Fake, synced
from tests.test_sync import sync as run_sync


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
