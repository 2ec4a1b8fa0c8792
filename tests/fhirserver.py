"""A real FHIR server for the tests: Medplum's FHIR router over its in-memory repository (tests/fhir_server/).

`start()` runs `node tests/fhir_server/server.js` on a free port and returns (process, base URL). It skips the
test, saying why, when node or the npm packages are missing (`npm ci` in tests/fhir_server installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent / "fhir_server"
# Medplum refuses a transaction of more than 8 entries when it holds conditional creates or updates (it runs
# them with serializable isolation): backcare's Bundles are sent to it in parts of this size.
MEDPLUM_BATCH = 8
START_TIMEOUT = 180  # it reads the FHIR definitions at start; slow on a busy machine


class Medplum:
    def __init__(self, token: str = ""):
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed: the FHIR server tests need it (tests/fhir_server)")
        if not (SERVER / "node_modules" / "@medplum" / "fhir-router").is_dir():
            pytest.skip("the FHIR test server's packages are missing: run 'npm ci' in tests/fhir_server")
        args = [node, str(SERVER / "server.js"), "--port", "0"] + (["--token", token] if token else [])
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NODE_ENV": "test"}
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline() if self.proc.stdout else ""))
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or not line[0].startswith("listening on "):
            self.stop()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"the FHIR test server did not start: {line} {err[-2000:]}")
        self.url = f"http://127.0.0.1:{int(line[0].split()[-1])}"

    def get(self, path: str) -> dict:
        import json
        import urllib.request

        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        import json
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/fhir+json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def search(self, path: str) -> list[dict]:
        """Every resource of a search, following next links."""
        found: list[dict] = []
        page: dict | None = self.get(path)
        while page is not None:
            found += [e["resource"] for e in page.get("entry", [])]
            nxt = [link["url"] for link in page.get("link", []) if link["relation"] == "next"]
            page = self.get(nxt[0][len(self.url) :]) if nxt else None
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
