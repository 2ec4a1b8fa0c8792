"""A FHIR R4 `transaction` Bundle that a FHIR server stores as one patient's data.

The `collection` Bundle of `fhir_export` is a document for files; a server refuses it for POST. This one
names the patient and makes every write idempotent:

- a `Patient` identified by the clinic's identifier (system URI + the profile's clinic id), created only
  when no Patient has that identifier (`ifNoneExist`), referenced by every other entry through its
  `urn:uuid:` fullUrl (the server rewrites it to the Patient's real id);
- every Observation with `subject` and `performer` (the patient reports their own scores), an
  `identifier` made of this install's random id and the record's key (e.g. `<install>/checkin/2026-03-01/pain`),
  and a `request`: a conditional create (`ifNoneExist` on that identifier) for a record never edited, a
  conditional update (`PUT Observation?identifier=...`, status `amended`) for a day edited since, and the same
  update with status `entered-in-error` for a day or session that was deleted.

Exercise sessions are Observations too (category `activity`, one component per figure: exercises done and
skipped, pain during, effort), so a clinician's system finds them with the same search as the scores.
Safety-screen answers are included only when the person asks (`include_safety`).

Pure: plain values in, JSON-ready dicts out. No FHIR library is needed at run time.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

from backcare.exporters.fhir_export import BACKCARE_SYSTEM, CATEGORY_SYSTEM, METRICS, UCUM
from backcare.valueclass import frozen

RECORD_SYSTEM = "https://backcare.invalid/fhir/NamingSystem/record"
BATCH = 500  # entries per Bundle when sending (the Patient entry included)

# Leg pain arrives with the richer check-in (field `leg_pain`): included whenever a check-in has it.
LEG_PAIN = (BACKCARE_SYSTEM, "leg-pain", "Leg pain", "Leg pain (pain spreading into the leg), 0-10 self-rated")
CHECKIN_METRICS: dict[str, tuple[str, str, str, str]] = {**METRICS, "leg_pain": LEG_PAIN}

SESSION_CODE = (BACKCARE_SYSTEM, "exercise-session", "Exercise session", "Back exercise session (self-reported)")
SESSION_PARTS: dict[str, tuple[str, str]] = {
    "exercises_done": ("exercises-done", "Exercises done (whole or in part)"),
    "exercises_skipped": ("exercises-skipped", "Exercises skipped"),
    "pain_during": ("pain-during", "Pain during the session, 0-10 self-rated"),
    "effort": ("effort", "Effort of the session, 0-10 self-rated"),
}
SCREEN_CODE = (BACKCARE_SYSTEM, "red-flag-screen", "Red-flag screen", "Back pain red-flag safety questions")

FINAL, AMENDED, ERROR = "final", "amended", "entered-in-error"


@frozen
class Target:
    """Whose data this is: the install's random id and the patient's identifier at the clinic."""

    install: str
    patient_system: str
    clinic_id: str

    @property
    def patient_url(self) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.patient_system}|{self.clinic_id}')}"

    def record_value(self, key: str) -> str:
        return f"{self.install}/{key}"

    def record_url(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{RECORD_SYSTEM}|{self.record_value(key)}')}"


def search_token(system: str, value: str) -> str:
    """`system|value` for a token search, FHIR-escaped (\\ , | $) and percent-encoded for a query string."""
    from urllib.parse import quote

    def esc(text: str) -> str:
        for ch in ("\\", ",", "|", "$"):
            text = text.replace(ch, "\\" + ch)
        return quote(text, safe=":/@-._~")

    return f"{esc(system)}|{esc(value)}"


def patient_entry(target: Target) -> dict[str, Any]:
    token = search_token(target.patient_system, target.clinic_id)
    return {
        "fullUrl": target.patient_url,
        "resource": {
            "resourceType": "Patient",
            "identifier": [{"system": target.patient_system, "value": target.clinic_id}],
        },
        "request": {"method": "POST", "url": "Patient", "ifNoneExist": f"identifier={token}"},
    }


def _score(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _count(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "{count}", "system": UCUM, "code": "{count}"}


def _concept(system: str, code: str, display: str, text: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": text}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY_SYSTEM, "code": code, "display": display}]}]


def _entry(target: Target, key: str, resource: dict[str, Any], status: str, *, update: bool = False) -> dict[str, Any]:
    value = target.record_value(key)
    token = search_token(RECORD_SYSTEM, value)
    patient = {"reference": target.patient_url}
    resource = {
        "resourceType": "Observation",
        "identifier": [{"system": RECORD_SYSTEM, "value": value}],
        "status": status,
        **resource,
        "subject": patient,
        "performer": [patient],
    }
    # key order as FHIR lists the elements (cosmetic; servers do not care)
    order = ("resourceType", "identifier", "status", "category", "code", "subject", "effectiveDateTime", "performer")
    resource = {k: resource[k] for k in order if k in resource} | {k: v for k, v in resource.items() if k not in order}
    if status == FINAL and not update:
        request = {"method": "POST", "url": "Observation", "ifNoneExist": f"identifier={token}"}
    else:
        request = {"method": "PUT", "url": f"Observation?identifier={token}"}
    return {"fullUrl": target.record_url(key), "resource": resource, "request": request}


def record_of(resource: dict[str, Any]) -> str:
    """The record identifier backcare gave a resource (an Observation holds a list of identifiers, a
    QuestionnaireResponse one)."""
    found = resource["identifier"]
    return str((found[0] if isinstance(found, list) else found)["value"])


def with_record(resource: dict[str, Any], value: str) -> dict[str, Any]:
    """`resource` with the record identifier `value`, in the shape its type holds identifiers."""
    identifier = {"system": RECORD_SYSTEM, "value": value}
    return {**resource, "identifier": [identifier] if isinstance(resource["identifier"], list) else identifier}


def measure_entries(target: Target, response: dict[str, Any], about: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One take of an outcome measure (`response` as exported: measure, date, answers, score, band): its answers
    as a QuestionnaireResponse and its score as an Observation. A take replaces that day's earlier one, so both
    are sent as conditional updates on their identifiers (created the first time, updated after a re-take)."""
    from backcare.exporters.fhir_export import LOINC, QUESTIONNAIRE_BASE, UCUM

    measure, day = response["measure"], response["date"]
    title = about.get("title") or measure
    patient = {"reference": target.patient_url}
    key = f"measure/{measure}/{day}"
    value = target.record_value(f"{key}/response")
    answers: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": RECORD_SYSTEM, "value": value},
        "questionnaire": QUESTIONNAIRE_BASE + measure,
        "status": "completed",
        "subject": patient,
        "authored": day,
        "author": patient,
        "source": patient,
        "item": [
            {"linkId": a["item"], "text": a["text"], "answer": [{"valueInteger": a["value"]}]}
            for a in response["answers"]
        ],
    }
    token = search_token(RECORD_SYSTEM, value)
    yield {
        "fullUrl": target.record_url(f"{key}/response"),
        "resource": answers,
        "request": {"method": "PUT", "url": f"QuestionnaireResponse?identifier={token}"},
    }
    code = (
        {"system": LOINC, "code": about["score_loinc"], "display": f"{title} score"}
        if about.get("score_loinc")
        else {"system": BACKCARE_SYSTEM, "code": f"measure-{measure}", "display": f"{title} score"}
    )
    score: dict[str, Any] = {
        "category": _category("survey", "Survey"),
        "code": {"coding": [code], "text": f"{title} score"},
        "effectiveDateTime": day,
        "valueQuantity": {"value": response["score"], "unit": "{score}", "system": UCUM, "code": "{score}"},
    }
    if response.get("band"):
        score["interpretation"] = [{"text": response["band"]}]
    yield _entry(target, f"{key}/score", score, FINAL, update=True)


def checkin_entries(target: Target, checkin: dict[str, Any], status: str) -> Iterator[dict[str, Any]]:
    """One Observation per score the check-in has (`checkin` as exported: date, pain, stiffness, ...)."""
    day = checkin["date"]
    for metric, (system, code, display, text) in CHECKIN_METRICS.items():
        value = checkin.get(metric)
        if value is None:
            continue
        resource = {
            "category": _category("survey", "Survey"),
            "code": _concept(system, code, display, text),
            "effectiveDateTime": day,
            "valueQuantity": _score(value),
        }
        if metric == "pain" and checkin.get("note"):
            resource["note"] = [{"text": checkin["note"]}]
        side = checkin.get("leg_side") if metric == "leg_pain" else None
        if side:
            resource["bodySite"] = {"text": f"{side} leg" if side != "both" else "both legs"}
        yield _entry(target, f"checkin/{day}/{metric}", resource, status)


def session_entry(target: Target, key: str, session: dict[str, Any], status: str) -> dict[str, Any]:
    """One exercise session (`session` as exported: date, started, routine, stage, done, skipped, ...)."""
    values: dict[str, int | None] = {
        "exercises_done": len(session.get("done") or ()),
        "exercises_skipped": len(session.get("skipped") or ()),
        "pain_during": session.get("pain_during"),
        "effort": session.get("effort"),
    }
    components = []
    for name, value in values.items():
        if value is None:
            continue
        code, text = SESSION_PARTS[name]
        quantity = _count(value) if name.startswith("exercises") else _score(value)
        components.append({"code": _concept(BACKCARE_SYSTEM, code, text, text), "valueQuantity": quantity})
    resource = {
        "category": _category("activity", "Activity"),
        "code": _concept(*SESSION_CODE),
        "effectiveDateTime": session.get("started") or session["date"],
        "valueString": f"{session['routine']}, stage {session['stage']}",
        "component": components,
    }
    return _entry(target, f"session/{key}", resource, status)


def screen_entry(target: Target, key: str, screen: dict[str, Any]) -> dict[str, Any]:
    """One answered safety screen: any yes as the value, each answer as a component."""
    answers: dict[str, bool] = screen["answers"]
    components = [
        {"code": {"coding": [{"system": BACKCARE_SYSTEM, "code": f"red-flag-{qid}"}], "text": qid}, "valueBoolean": yes}
        for qid, yes in answers.items()
    ]
    resource = {
        "category": _category("survey", "Survey"),
        "code": _concept(*SCREEN_CODE),
        "effectiveDateTime": screen["date"],
        "valueBoolean": any(answers.values()),
        **({"component": components} if components else {}),
    }
    return _entry(target, f"safety-screen/{key}", resource, FINAL)


def record_entries(
    target: Target,
    checkins: Iterable[dict[str, Any]],
    edits: Iterable[dict[str, Any]],
    sessions: Iterable[tuple[int, dict[str, Any]]],
    session_deletes: Iterable[tuple[int, dict[str, Any]]],
    screens: Iterable[dict[str, Any]] = (),
    responses: Iterable[dict[str, Any]] = (),
    measures: dict[str, dict[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record's entry (the Patient not included): current check-ins (amended when the day was edited or
    re-entered), deleted days and scores as entered-in-error, sessions, deleted sessions, the screens given, and
    each outcome-measure take (`measures`: each measure's title and LOINC codes, by id)."""
    edited: set[str] = set()
    gone: dict[str, dict[str, Any]] = {}  # day -> the latest values that day had, for what is gone now
    for edit in edits:
        edited.add(edit["date"])
        before = dict(edit["before"])
        gone[edit["date"]] = {**gone.get(edit["date"], {}), **{k: v for k, v in before.items() if v is not None}}
    for checkin in checkins:
        day = checkin["date"]
        yield from checkin_entries(target, checkin, AMENDED if day in edited else FINAL)
        was = gone.pop(day, None)
        if was:  # a score the day had before an edit and has no longer
            lost = {k: was[k] for k in CHECKIN_METRICS if k in was and checkin.get(k) is None}
            if lost:
                yield from checkin_entries(target, {"date": day, **lost}, ERROR)
    for day, was in sorted(gone.items()):
        yield from checkin_entries(target, {**was, "date": day, "note": None}, ERROR)
    # Sessions and screens are never changed, only added (or a session deleted): each one's key comes from its
    # content, not from a row number, so a home imported into another install keeps its records' identities
    # and a row number reused there never points at another record on the server.
    keys = _ContentKeys()
    for _session_id, session in sessions:
        yield session_entry(target, keys.key(session), session, FINAL)
    for _session_id, session in session_deletes:
        yield session_entry(target, keys.key(session), session, ERROR)
    screen_keys = _ContentKeys()
    for screen in screens:
        yield screen_entry(target, screen_keys.key(screen), screen)
    for response in responses:
        yield from measure_entries(target, response, (measures or {}).get(response["measure"], {}))


class _ContentKeys:
    """A short digest of a record's content; the second record with the same content gets `-2`, and so on."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def key(self, record: dict[str, Any]) -> str:
        import hashlib
        import json

        text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()
        n = self.seen[digest] = self.seen.get(digest, 0) + 1
        return digest if n == 1 else f"{digest}-{n}"


def bundle(target: Target, entries: Iterable[dict[str, Any]], *, timestamp: str) -> dict[str, Any]:
    """One transaction Bundle: the Patient first, then the entries."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "timestamp": timestamp,
        "entry": [patient_entry(target), *entries],
    }


T = TypeVar("T")


def batches(entries: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """The entries in lists of at most `size - 1` (each Bundle also carries the Patient entry)."""
    batch: list[T] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size - 1:
            yield batch
            batch = []
    if batch:
        yield batch


def write(out: TextIO, target: Target, entries: Iterable[dict[str, Any]], *, timestamp: str) -> None:
    """Write one transaction Bundle to `out`, entry by entry."""
    head = {"resourceType": "Bundle", "type": "transaction", "timestamp": timestamp}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2])
    sep = ',\n  "entry": [\n'
    for entry in _with_patient(target, entries):
        out.write(sep)
        out.write(textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    "))
        sep = ",\n"
    out.write("\n  ]\n}\n")


def _with_patient(target: Target, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield patient_entry(target)
    yield from entries
