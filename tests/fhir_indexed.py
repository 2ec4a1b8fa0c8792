"""A small indexed FHIR store over HTTP, for the scale test only.

Medplum's in-memory repository (tests/fhir_server/) is the real implementation the other tests use, but it
scans every stored resource for each search and each conditional create, so 100 patients x 1 year (~200,000
resources) would take hours there. This keeps exactly what backcare uses indexed: transactions with
conditional create/update by identifier, `Observation?code=...[&subject=...]` and `Patient?_id=/identifier=`
searches with `_count` paging and `next` links. It measures backcare's side of `clinic panel` at scale.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


def _token(text: str) -> tuple[str, str]:
    system, _, value = text.partition("|")
    return system.replace("\\", ""), value.replace("\\", "")


class Indexed:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.resources: dict[str, dict] = {}  # "Type/id" -> resource
        self.by_ident: dict[tuple[str, str, str], str] = {}  # (type, system, value) -> "Type/id"
        self.by_code: dict[str, list[str]] = defaultdict(list)
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with store.lock:
                    self.reply(200, store.transaction(body))

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                kind = parts.path.rstrip("/").rsplit("/", 1)[-1]
                with store.lock:
                    self.reply(200, store.search(kind, query, parts.path))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _put(self, kind: str, resource: dict, existing: str | None) -> tuple[str, str]:
        ref = existing or f"{kind}/{uuid.uuid4()}"
        resource = {**resource, "id": ref.split("/", 1)[1]}
        if existing is None:
            for code in (c.get("code") for c in resource.get("code", {}).get("coding", [])):
                self.by_code[code].append(ref)
        self.resources[ref] = resource
        for ident in resource.get("identifier", []):
            self.by_ident[(kind, ident["system"], ident["value"])] = ref
        return ref, "200 OK" if existing else "201 Created"

    def transaction(self, bundle: dict) -> dict:
        refs: dict[str, str] = {}
        out = []
        for entry in bundle["entry"]:
            request, resource = entry["request"], dict(entry["resource"])
            kind = resource["resourceType"]
            for name in ("subject",):
                if name in resource:
                    resource[name] = {"reference": refs.get(resource[name]["reference"], resource[name]["reference"])}
            if "performer" in resource:
                resource["performer"] = [
                    {"reference": refs.get(p["reference"], p["reference"])} for p in resource["performer"]
                ]
            condition = request.get("ifNoneExist") or request["url"].partition("?")[2]
            from urllib.parse import unquote

            system, value = _token(unquote(condition.partition("=")[2]))
            existing = self.by_ident.get((kind, system, value))
            if request["method"] == "POST" and existing:
                ref, status = existing, "200 OK"
            else:
                ref, status = self._put(kind, resource, existing)
            refs[entry.get("fullUrl", "")] = ref
            out.append({"response": {"status": status, "location": ref}})
        return {"resourceType": "Bundle", "type": "transaction-response", "entry": out}

    def search(self, kind: str, query: dict, path: str) -> dict:
        count, offset = int(query.get("_count", 20)), int(query.get("_offset", 0))
        if kind == "Observation":
            refs = self.by_code.get(_token(query["code"])[1], [])
            if "subject" in query:
                refs = [r for r in refs if self.resources[r]["subject"]["reference"] == query["subject"]]
        elif "_id" in query:
            refs = [f"Patient/{i}" for i in query["_id"].split(",") if f"Patient/{i}" in self.resources]
        else:
            value = query.get("identifier", "")
            refs = [r for (k, _s, v), r in self.by_ident.items() if k == "Patient" and v == value]
        page = refs[offset : offset + count]
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(refs)}
        bundle["entry"] = [{"resource": self.resources[r]} for r in page]
        if offset + count < len(refs):
            nxt = {**query, "_offset": str(offset + count), "_count": str(count)}
            base = self.url.rsplit("/fhir", 1)[0]
            bundle["link"] = [{"relation": "next", "url": f"{base}{path}?{urlencode(nxt)}"}]
        return bundle
