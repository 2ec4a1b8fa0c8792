"""`backcare sync`: send what changed since the last successful sync to a FHIR server, as transactions.

What changed is found by record: every record's entry (see exporters/fhir_transaction) has a digest; the sync
log (store/records/fhir_sync) keeps, per server, the digest of the version the server accepted. An entry is
sent when its digest differs (new, edited, deleted); a deletion of a record the server never had is not sent.
A row goes into the log only for an entry the server answered with 2xx, batch by batch, so an interrupted or
refused sync leaves exactly what was accepted marked, and the next one sends the rest.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from backcare.errors import BackcareError
from backcare.valueclass import frozen

if TYPE_CHECKING:
    from backcare.exporters.fhir_transaction import Target
    from backcare.services.fhir_http import Client
    from backcare.store import Store


@frozen
class Pending:
    record: str  # the record's identifier value (install id / key)
    digest: str
    entry: dict[str, Any]


@frozen
class SyncResult:
    server: str
    sent: int  # records the server accepted this time
    unchanged: int  # records it already had in this version
    bundles: int  # transactions sent
    last_sync: str | None  # when the server last accepted something (before this run when nothing was sent)


def digest(entry: dict[str, Any]) -> str:
    text = json.dumps([entry["resource"], entry["request"]], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def pending(store: Store, server: str, who: Target, *, include_safety: bool) -> tuple[list[Pending], int]:
    """The entries to send to `server` and how many records it already has as they are."""
    from backcare.exporters.fhir_transaction import ERROR, record_of
    from backcare.services.fhir import entries
    from backcare.store.records import fhir_sync

    accepted = fhir_sync.digests(store.conn, server)
    elsewhere = _from_other_installs(accepted, who)
    todo: list[Pending] = []
    unchanged = 0
    for entry in entries(store, who, include_safety=include_safety):
        record = record_of(entry["resource"])
        known = None if record in accepted else elsewhere.get(record.split("/", 1)[1])
        if known is not None:  # an imported record the server has under another install's identifier
            entry, record = _under(entry, who, known), known
        new = digest(entry)
        old = accepted.get(record)
        if old == new:
            unchanged += 1
        elif old is None and entry["resource"]["status"] == ERROR:
            continue  # deleted before the server ever had it: nothing to correct there
        else:
            todo.append(Pending(record, new, entry))
    return todo, unchanged


def _from_other_installs(accepted: dict[str, str], who: Target) -> dict[str, str]:
    """Record key -> the identifier under which the server accepted it from another install (the sync log
    came with an imported export), so that record is updated there rather than sent again as a new one."""
    found: dict[str, str] = {}
    for value in sorted(accepted):
        install, _, key = value.partition("/")
        if install != who.install and key:
            found.setdefault(key, value)
    return found


def _under(entry: dict[str, Any], who: Target, value: str) -> dict[str, Any]:
    """`entry` with the identifier `value` (and the fullUrl and conditional request that go with it)."""
    from dataclasses import replace

    from backcare.exporters.fhir_transaction import RECORD_SYSTEM, search_token, with_record

    install, _, key = value.partition("/")
    token = search_token(RECORD_SYSTEM, value)
    resource = with_record(entry["resource"], value)
    request = dict(entry["request"])
    if "ifNoneExist" in request:
        request["ifNoneExist"] = f"identifier={token}"
    else:
        request["url"] = f"{resource['resourceType']}?identifier={token}"
    return {**entry, "fullUrl": replace(who, install=install).record_url(key), "resource": resource, "request": request}


def dry_run(store: Store, server: str, who: Target, *, include_safety: bool) -> tuple[dict[str, Any], int]:
    """The one Bundle holding everything a sync would send now (it is sent in parts of BATCH), and the number
    of records already there."""
    from backcare.exporters.fhir_transaction import bundle
    from backcare.store import now_utc

    todo, unchanged = pending(store, server, who, include_safety=include_safety)
    return bundle(who, (p.entry for p in todo), timestamp=now_utc()), unchanged


def sync(store: Store, client: Client, who: Target, *, include_safety: bool, batch: int) -> SyncResult:
    from backcare.exporters.fhir_transaction import batches, bundle
    from backcare.store import now_utc
    from backcare.store.records import fhir_sync

    server = client.base
    todo, unchanged = pending(store, server, who, include_safety=include_safety)
    sent = bundles = 0
    for part in batches(todo, batch):
        answer = client.post(bundle(who, (p.entry for p in part), timestamp=now_utc()))
        bundles += 1
        accepted, refusal = _accepted(server, part, answer)
        with store.write() as db:
            sent += fhir_sync.mark(db, server, ((p.record, p.digest) for p in accepted), now_utc())
        if refusal is not None:
            refusal = client.shown(refusal)
            left = len(todo) - sent
            raise BackcareError(
                f"The FHIR server at {server} refused part of the data ({refusal}): {sent} of {len(todo)} "
                f"records were accepted and marked as sent; the other {left} were not and will be sent again "
                "by the next 'backcare sync'."
            )
    return SyncResult(server, sent, unchanged, bundles, fhir_sync.last_sync(store.conn, server))


def _accepted(server: str, part: list[Pending], answer: dict[str, Any]) -> tuple[list[Pending], str | None]:
    """The entries of `part` the server's transaction-response accepted, and what it said of the first refused."""
    if answer.get("resourceType") == "OperationOutcome":
        return [], _issue(answer) or "an OperationOutcome without details"
    entries = answer.get("entry")
    if (
        answer.get("resourceType") != "Bundle"
        or answer.get("type") not in ("transaction-response", "batch-response")
        or not isinstance(entries, list)
        or len(entries) != len(part) + 1
    ):
        raise BackcareError(
            f"The FHIR server at {server} did not answer the transaction with a transaction-response Bundle "
            f"of {len(part) + 1} entries: nothing of this part was marked as sent."
        )
    statuses = [_status(e) for e in entries]
    if not statuses[0].startswith("2"):
        return [], f"the patient entry: {statuses[0] or 'no status'}"
    accepted = [p for p, status in zip(part, statuses[1:], strict=True) if status.startswith("2")]
    refused = [(p, e, s) for p, e, s in zip(part, entries[1:], statuses[1:], strict=True) if not s.startswith("2")]
    if not refused:
        return accepted, None
    p, e, status = refused[0]
    response = e.get("response") if isinstance(e, dict) else None
    why = _issue(response.get("outcome") or {}) if isinstance(response, dict) else ""
    key = p.record.split("/", 1)[-1]
    return accepted, f"{len(refused)} refused, the first {key}: {status or 'no status'}{', ' + why if why else ''}"


def _status(entry: Any) -> str:
    response = entry.get("response") if isinstance(entry, dict) else None
    status = response.get("status") if isinstance(response, dict) else None
    return str(status).strip() if status is not None else ""


def _issue(outcome: Any) -> str:
    try:
        issue = outcome["issue"][0]
        text = str(issue.get("details", {}).get("text") or issue.get("diagnostics") or "")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    from backcare.textsafe import inert

    text = " ".join(text.split())
    return inert(text if len(text) <= 200 else text[:197] + "...")
