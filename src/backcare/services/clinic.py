"""`backcare clinic panel` and `clinic patient`: read backcare's records of many patients from a FHIR server.

Paged FHIR searches (`_count`, following `next` links) by code: pain scores, exercise sessions and safety
screens; only records that backcare wrote (its identifier system) and that are not entered-in-error count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.errors import BackcareError

if TYPE_CHECKING:
    from backcare.domain.clinic import PatientData, Summary
    from backcare.services.fhir_http import Client

PAGE = 500  # _count asked for
MAX_PAGES = 100_000
ID_CHUNK = 50  # patient ids per Patient?_id= search


def search(client: Client, path: str) -> Iterator[dict[str, Any]]:
    """Every resource a search finds, page after page."""
    url: str | None = path
    seen: set[str] = set()
    pages = 0
    while url is not None:
        if url in seen or pages >= MAX_PAGES:
            raise BackcareError(
                f"The FHIR server at {client.base} sent search pages that never end ({client.shown(url)})."
            )
        seen.add(url)
        pages += 1
        page = client.get(url)
        if page.get("resourceType") != "Bundle":
            raise BackcareError(f"The FHIR server at {client.base} answered a search without a Bundle.")
        entries, links = page.get("entry") or [], page.get("link") or []
        if not isinstance(entries, list) or not isinstance(links, list):
            raise BackcareError(f"The FHIR server at {client.base} answered a search with a malformed Bundle.")
        for entry in entries:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict):
                yield resource
        links = [x.get("url") for x in links if isinstance(x, dict) and x.get("relation") == "next"]
        url = links[0] if links and isinstance(links[0], str) else None


def _code(system: str, code: str) -> str:
    from backcare.exporters.fhir_transaction import search_token

    return search_token(system, code)


def _ours(resource: dict[str, Any]) -> bool:
    from backcare.exporters.fhir_transaction import ERROR, RECORD_SYSTEM

    ids = resource.get("identifier") or []
    mine = any(isinstance(i, dict) and i.get("system") == RECORD_SYSTEM for i in ids)
    return mine and resource.get("status") != ERROR


def _install(resource: dict[str, Any]) -> str:
    """The install id in a backcare record's identifier (`<install>/<key>`)."""
    from backcare.exporters.fhir_transaction import RECORD_SYSTEM

    for i in resource.get("identifier") or []:
        if isinstance(i, dict) and i.get("system") == RECORD_SYSTEM:
            return str(i.get("value")).split("/", 1)[0]
    return ""


def _day(resource: dict[str, Any]) -> date | None:
    text = resource.get("effectiveDateTime")
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _subject(resource: dict[str, Any]) -> str | None:
    ref = (resource.get("subject") or {}).get("reference")
    return ref.split("/", 1)[1] if isinstance(ref, str) and ref.startswith("Patient/") else None


def _pain_during(resource: dict[str, Any]) -> int | None:
    for c in resource.get("component") or []:
        codes = [x.get("code") for x in (c.get("code") or {}).get("coding") or []]
        if "pain-during" in codes:
            value = (c.get("valueQuantity") or {}).get("value")
            return int(value) if isinstance(value, (int, float)) else None
    return None


class _Gathered:
    def __init__(self) -> None:
        self.pain: dict[str, dict[date, int]] = defaultdict(dict)
        self.pain_from: dict[str, dict[date, str]] = defaultdict(dict)  # the install that sent each day's pain
        self.disagreements: dict[str, set[date]] = defaultdict(set)
        self.notes: dict[str, list[tuple[date, str]]] = defaultdict(list)
        self.sessions: dict[str, list[tuple[date, int | None]]] = defaultdict(list)
        self.screens: dict[str, list[tuple[date, bool]]] = defaultdict(list)

    def add(self, resource: dict[str, Any]) -> None:
        """Count a resource backcare wrote; one not in the shape backcare writes (text where an object should
        be, ...) is not backcare's and is skipped."""
        try:
            self._add(resource)
        except (AttributeError, TypeError, ValueError, OverflowError):
            pass

    def _add(self, resource: dict[str, Any]) -> None:
        from backcare.exporters.fhir_transaction import SCREEN_CODE, SESSION_CODE

        if resource.get("resourceType") != "Observation" or not _ours(resource):
            return
        who, day = _subject(resource), _day(resource)
        if who is None or day is None:
            return
        codes = {x.get("code") for x in (resource.get("code") or {}).get("coding") or [] if isinstance(x, dict)}
        if "72514-3" in codes:
            value = (resource.get("valueQuantity") or {}).get("value")
            if isinstance(value, (int, float)) and 0 <= value <= 10:
                install = _install(resource)
                earlier = self.pain_from[who].get(day)
                if earlier is not None and earlier != install and self.pain[who][day] != int(value):
                    self.disagreements[who].add(day)
                self.pain[who][day] = int(value)
                self.pain_from[who][day] = install
            for note in resource.get("note") or []:
                if isinstance(note, dict) and isinstance(note.get("text"), str):
                    self.notes[who].append((day, note["text"]))
        elif SESSION_CODE[1] in codes:
            self.sessions[who].append((day, _pain_during(resource)))
        elif SCREEN_CODE[1] in codes:
            self.screens[who].append((day, resource.get("valueBoolean") is True))

    def patients(self) -> set[str]:
        return set(self.pain) | set(self.sessions) | set(self.screens)

    def data(self, server_id: str, identifier: str) -> PatientData:
        from backcare.domain.clinic import PatientData

        return PatientData(
            identifier,
            server_id,
            dict(self.pain.get(server_id, {})),
            tuple(self.sessions.get(server_id, ())),
            tuple(self.screens.get(server_id, ())),
            tuple(sorted(self.notes.get(server_id, ()))),
            len(self.disagreements.get(server_id, ())),
        )


def _identifier(patient: dict[str, Any]) -> str:
    for i in patient.get("identifier") or []:
        if isinstance(i, dict) and isinstance(i.get("value"), str):
            return i["value"]
    return f"Patient/{patient.get('id')}"


def _identifiers(client: Client, ids: list[str]) -> dict[str, str]:
    from urllib.parse import quote

    names: dict[str, str] = {}
    for n in range(0, len(ids), ID_CHUNK):
        chunk = ids[n : n + ID_CHUNK]
        for p in search(client, f"Patient?_id={quote(','.join(chunk), safe=',')}&_count={len(chunk)}"):
            if isinstance(p.get("id"), str):
                names[p["id"]] = _identifier(p)
    return names


def gather(client: Client, query: str = "") -> _Gathered:
    from backcare.exporters.fhir_export import BACKCARE_SYSTEM, LOINC
    from backcare.exporters.fhir_transaction import SCREEN_CODE, SESSION_CODE

    got = _Gathered()
    for system, code in ((LOINC, "72514-3"), (BACKCARE_SYSTEM, SESSION_CODE[1]), (BACKCARE_SYSTEM, SCREEN_CODE[1])):
        for resource in search(client, f"Observation?code={_code(system, code)}{query}&_count={PAGE}"):
            got.add(resource)
    return got


def panel(client: Client, today: date) -> list[Summary]:
    from backcare.domain import clinic

    got = gather(client)
    ids = sorted(got.patients())
    names = _identifiers(client, ids)
    return clinic.panel((got.data(i, names.get(i, f"Patient/{i}")) for i in ids), today)


def patient(client: Client, wanted: str, today: date) -> tuple[Summary, PatientData]:
    """One patient by the clinic's identifier value (or the server's Patient id): their summary and data."""
    from urllib.parse import quote

    from backcare.domain import clinic

    found = list(search(client, f"Patient?identifier={quote(wanted, safe='')}&_count=10"))
    if not found:
        found = [p for p in search(client, f"Patient?_id={quote(wanted, safe='')}") if p.get("id") == wanted]
    if not found:
        raise BackcareError(f"The FHIR server at {client.base} has no patient with the identifier {wanted!r}.")
    if len(found) > 1:
        raise BackcareError(
            f"The FHIR server at {client.base} has {len(found)} patients with the identifier {wanted!r}: "
            "give the server's Patient id instead."
        )
    server_id = str(found[0].get("id"))
    got = gather(client, f"&subject=Patient/{quote(server_id, safe='')}")
    data = got.data(server_id, _identifier(found[0]))
    return clinic.summarise(data, today), data
