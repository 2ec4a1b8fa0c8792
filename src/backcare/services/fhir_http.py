"""The only network code in backcare: JSON over HTTP(S) to a FHIR server, for `backcare sync` and `backcare clinic`.

Imported only by those commands' services (a test checks that no other command loads it). Standard library
only. Every failure becomes one sentence (a BackcareError, exit 1); transient ones (connection reset, 429,
502, 503, 504) are retried with a growing pause first. `sleep` and `TIMEOUT` are seams for the tests.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

from backcare.errors import BackcareError, InvalidInput
from backcare.valueclass import mutable

TIMEOUT = 60.0  # seconds to wait for an answer (for each read, and for the whole answer once it has begun)
MAX_ANSWER = 64 * 1024 * 1024  # bytes: a bigger answer is refused, not read into memory
RETRIES = 4  # after the first try
TRANSIENT = (429, 502, 503, 504)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
FHIR_JSON = "application/fhir+json"
sleep = time.sleep


def check_url(url: str) -> str:
    """The FHIR base URL without a trailing slash; HTTPS, or HTTP to this machine only (a usage error otherwise)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        host = None
    if not url.isprintable() or " " in url or host is None or parts.scheme not in ("https", "http"):
        raise InvalidInput(f"--fhir-server must be an https:// address of a FHIR server, not {url!r}.")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise InvalidInput(
            "--fhir-server must use https:// (plain http:// is allowed only to localhost, 127.0.0.1 or ::1): "
            "health data must not cross a network unencrypted."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput(
            "--fhir-server must be the server's FHIR base address, without ?query, #part or user:password@."
        )
    return url.rstrip("/")


def token_from(env_name: str | None) -> str | None:
    """The bearer token from the named environment variable (never from an option, never stored or shown)."""
    if env_name is None:
        return None
    if not env_name or not all(ch.isalnum() or ch == "_" for ch in env_name):
        raise InvalidInput("--token-env must be the NAME of an environment variable (letters, digits, _).")
    value = os.environ.get(env_name, "").strip()
    if not value:
        raise InvalidInput(f"--token-env {env_name}: that environment variable is not set or is empty.")
    if not all(33 <= ord(ch) <= 126 for ch in value):
        raise InvalidInput(
            f"--token-env {env_name}: the token in that environment variable must be one word of plain ASCII "
            "characters (no spaces, line breaks or accented letters); it was not sent."
        )
    return value


def same_place(base: str, url: str) -> bool:
    """Whether `url` is on the server at `base` (same scheme, host and port, no user:password@, a path under the
    base's): a link that only starts with the same characters (fhir.example.com.evil.example, port 8080 after
    808) must never receive the token."""
    try:
        b, u = urlsplit(base), urlsplit(url)
        b_port, u_port = b.port, u.port
    except ValueError:
        return False
    default = {"https": 443, "http": 80}
    path = b.path.rstrip("/")
    return (
        u.scheme.lower() == b.scheme.lower()
        and u.hostname is not None
        and u.hostname == b.hostname
        and (u_port or default.get(u.scheme.lower())) == (b_port or default.get(b.scheme.lower()))
        and u.username is None
        and u.password is None
        and (u.path == path or u.path.startswith(path + "/"))
    )


@mutable
class Client:
    base: str  # checked by check_url
    token: str | None = None
    token_env: str | None = None

    def get(self, url: str) -> dict[str, Any]:
        """GET an absolute URL or a path under the base; the FHIR JSON answer."""
        if not url.startswith(("https://", "http://")):
            url = f"{self.base}/{url.lstrip('/')}"
        elif not same_place(self.base, url):
            raise BackcareError(f"The FHIR server at {self.base} sent a link to another address ({self.shown(url)}).")
        return self._call("GET", url, None)

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST a Bundle to the base (a transaction); the FHIR JSON answer."""
        return self._call("POST", self.base, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def shown(self, text: str) -> str:
        """Text a server sent, fit to show: the token never (a server may echo it back), no control characters,
        at most 200 characters."""
        from backcare.textsafe import inert

        if self.token:
            text = text.replace(self.token, "[token hidden]")
        text = " ".join(text.split())
        return inert(text if len(text) <= 200 else text[:197] + "...")

    # -- the one place a request is made --------------------------------------------------------------------
    def _call(self, method: str, url: str, data: bytes | None) -> dict[str, Any]:
        try:
            return self._attempts(method, url, data)
        except BackcareError as exc:
            if self.token and self.token in exc.message:
                raise BackcareError(exc.message.replace(self.token, "[token hidden]")) from None
            raise

    def _attempts(self, method: str, url: str, data: bytes | None) -> dict[str, Any]:
        import http.client
        import urllib.error
        import urllib.request

        headers = {"Accept": FHIR_JSON}
        if data is not None:
            headers["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            """Redirects are not followed: the token and the data go only to the address the person gave."""

            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        pause = 1.0
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                request = urllib.request.Request(url, data=data, headers=headers, method=method)
                with opener.open(request, timeout=TIMEOUT) as response:
                    return self._fhir(self._read(response), response.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as exc:
                if exc.code in TRANSIENT and not last:
                    sleep(_retry_after(exc.headers.get("Retry-After"), pause))
                    pause *= 2
                    continue
                raise BackcareError(self._refusal(exc)) from None
            except (TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, (TimeoutError,)) or "timed out" in str(reason):
                    raise BackcareError(
                        f"The FHIR server at {self.base} did not answer within {TIMEOUT:g} seconds."
                    ) from None
                if isinstance(reason, (ConnectionResetError, ConnectionAbortedError)) and not last:
                    sleep(pause)
                    pause *= 2
                    continue
                raise BackcareError(f"Could not reach the FHIR server at {self.base}: {_why(reason)}.") from None
            except http.client.HTTPException as exc:
                if isinstance(exc, http.client.IncompleteRead):
                    raise BackcareError(
                        f"The FHIR server at {self.base} closed the connection before its answer was complete: "
                        "nothing of it was used."
                    ) from None
                raise BackcareError(
                    f"The address {self.base} did not answer with HTTP ({type(exc).__name__}): "
                    "check that --fhir-server is the server's FHIR base address."
                ) from None
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _read(self, response: Any) -> bytes:
        """The whole answer, within TIMEOUT seconds in all (a server dripping a byte at a time is given up on)
        and at most MAX_ANSWER bytes."""
        deadline = time.monotonic() + TIMEOUT
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if size > MAX_ANSWER:
                raise BackcareError(
                    f"The FHIR server at {self.base} sent an answer larger than {MAX_ANSWER // 1024 // 1024 or 1} MB: "
                    "nothing of it was used."
                )
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
        if getattr(response, "length", None):  # bytes it announced and never sent
            raise BackcareError(
                f"The FHIR server at {self.base} closed the connection before its answer was complete: "
                "nothing of it was used."
            )
        return b"".join(chunks)

    def _fhir(self, raw: bytes, content_type: str) -> dict[str, Any]:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            kind = content_type.split(";")[0].strip() or "no content type"
            raise BackcareError(
                f"The address {self.base} did not answer with FHIR JSON (it sent {kind}): "
                "check that --fhir-server is the server's FHIR base address."
            )
        return data

    def _refusal(self, exc: Any) -> str:
        code = exc.code
        detail = _outcome_text(exc)
        if code in (401, 403):
            where = f" in ${self.token_env}" if self.token_env else " (none was given: use --token-env NAME)"
            return f"The FHIR server at {self.base} refused access (HTTP {code}): check the token{where}."
        if code == 404:
            return (
                f"The FHIR server at {self.base} answered 404 Not Found: check that --fhir-server is the "
                "server's FHIR base address."
            )
        if 300 <= code < 400:
            where = self.shown(exc.headers.get("Location", "another address"))
            return f"The FHIR server at {self.base} redirected to {where}: give that address as --fhir-server."
        if code in TRANSIENT:
            tries = RETRIES + 1
            return (
                f"The FHIR server at {self.base} is busy or unavailable (HTTP {code}) after {tries} tries: "
                "try again later."
            )
        said = f": {detail}" if detail else ""
        return f"The FHIR server at {self.base} refused the request (HTTP {code}{said})."


def _outcome_text(exc: Any) -> str:
    """The first issue's text of an OperationOutcome answer, shortened; '' when there is none."""
    try:
        data = json.loads(exc.read(65536).decode("utf-8"))
        issue = data["issue"][0]
        text = str(issue.get("details", {}).get("text") or issue.get("diagnostics") or "")
    except Exception:
        return ""
    from backcare.textsafe import inert

    text = " ".join(text.split())
    return inert(text if len(text) <= 200 else text[:197] + "...")


def _retry_after(value: str | None, default: float) -> float:
    try:
        seconds = float(value) if value else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), 60.0) if seconds == seconds else default  # NaN is not a pause


def _why(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused (is the server running?)"
    text = str(getattr(reason, "strerror", None) or reason)
    return " ".join(text.split()) or type(reason).__name__
