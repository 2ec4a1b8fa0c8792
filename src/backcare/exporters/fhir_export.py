"""A FHIR R4 Bundle (type "collection") of Observations, one per metric per day, written by hand.

No FHIR library is needed at run time; the tests validate the output against the fhir.resources R4B
models. Pain uses LOINC 72514-3; the other scores have no LOINC code for a generic 0-10 self-rating,
so they use a backcare code system with a clear `code.text`.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
BACKCARE_SYSTEM = "https://backcare.invalid/fhir/CodeSystem/observations"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://backcare.invalid/fhir")

PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
# metric -> (system, code, display, text); the text states what 0 and 10 mean (sleep is the one where 10 is good)
METRICS: dict[str, tuple[str, str, str, str]] = {
    "pain": (LOINC, "72514-3", PAIN_DISPLAY, PAIN_DISPLAY),
    "stiffness": (
        BACKCARE_SYSTEM,
        "back-stiffness",
        "Back stiffness",
        "Back stiffness, 0-10 self-rated (0 = none, 10 = worst imaginable)",
    ),
    "sleep": (
        BACKCARE_SYSTEM,
        "sleep-quality",
        "Sleep quality",
        "Sleep quality last night, 0-10 self-rated (0 = very poor, 10 = very good)",
    ),
    "stress": (BACKCARE_SYSTEM, "stress", "Stress", "Stress today, 0-10 self-rated (0 = none, 10 = extreme)"),
    "leg_pain": (
        BACKCARE_SYSTEM,
        "leg-pain",
        "Leg pain",
        "Pain down the leg (sciatica-type), 0-10 self-rated (0 = none, 10 = worst imaginable)",
    ),
}


def full_url(day: str, metric: str) -> str:
    """Stable across exports: the same day and metric always get the same id."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{day}/{metric}')}"


def observation(day: str, metric: str, value: int, side: str | None = None) -> dict[str, Any]:
    system, code, display, text = METRICS[metric]
    found: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": text},
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"},
    }
    if side is not None:
        found["bodySite"] = {"text": f"{side} leg" if side != "both" else "both legs"}
    return found


def entries(checkins: Iterable[dict]) -> Iterator[dict[str, Any]]:
    for c in checkins:
        for metric in METRICS:
            if c.get(metric) is not None:
                side = c.get("leg_side") if metric == "leg_pain" else None
                resource = observation(c["date"], metric, c[metric], side)
                yield {"fullUrl": full_url(c["date"], metric), "resource": resource}


QUESTIONNAIRE_BASE = "https://backcare.invalid/fhir/Questionnaire/"


def response_entries(responses: Iterable[dict], measures: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Per take of an outcome measure: a QuestionnaireResponse (its answers) and an Observation of its score,
    derived from it. `measures` gives each measure's title and LOINC codes (id -> {title, loinc, score_loinc})."""
    for r in responses:
        about = measures.get(r["measure"], {})
        title = about.get("title") or r["measure"]
        answers_url = full_url(r["date"], f"measure/{r['measure']}/response")
        questionnaire: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": QUESTIONNAIRE_BASE + r["measure"],
            "authored": r["date"],
            "item": [
                {"linkId": a["item"], "text": a["text"], "answer": [{"valueInteger": a["value"]}]} for a in r["answers"]
            ],
        }
        if about.get("loinc"):
            questionnaire["meta"] = {"tag": [{"system": LOINC, "code": about["loinc"]}]}
        yield {"fullUrl": answers_url, "resource": questionnaire}
        code = (
            {"system": LOINC, "code": about["score_loinc"], "display": f"{title} score"}
            if about.get("score_loinc")
            else {"system": BACKCARE_SYSTEM, "code": f"measure-{r['measure']}", "display": f"{title} score"}
        )
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}],
            "code": {"coding": [code], "text": f"{title} score"},
            "effectiveDateTime": r["date"],
            "valueQuantity": {"value": r["score"], "unit": "{score}", "system": UCUM, "code": "{score}"},
            "derivedFrom": [{"reference": answers_url}],
        }
        if r.get("band"):
            observation["interpretation"] = [{"text": r["band"]}]
        yield {"fullUrl": full_url(r["date"], f"measure/{r['measure']}/score"), "resource": observation}


def write(
    out: TextIO,
    checkins: Iterable[dict],
    *,
    timestamp: str,
    responses: Iterable[dict] = (),
    measures: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Write the Bundle to `out` entry by entry (memory stays flat however many days there are): the
    check-ins' Observations, then each outcome measure's QuestionnaireResponse and score Observation.

    The check-ins' text is the same as `json.dumps(entry, indent=2)` indented by four spaces, but made from one
    template per metric (Python's indented encoder is the slow pure-Python one: it took most of a 50-year
    export's time). Measure takes are few: they are written with json.dumps."""
    head = {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2])  # without the closing "\n}"
    sep = ',\n  "entry": [\n'
    templates = _templates()
    for c in checkins:
        day = c["date"]
        for metric, template in templates.items():
            value = c.get(metric)
            if value is None:
                continue
            out.write(sep)
            side = c.get("leg_side") if metric == "leg_pain" else None
            if side:  # the side as bodySite: rare, so written the plain way
                entry = {"fullUrl": full_url(day, metric), "resource": observation(day, metric, value, side)}
                out.write(textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    "))
            else:
                out.write(template % (full_url(day, metric), json.dumps(day), _number(value)))
            sep = ",\n"
    for entry in response_entries(responses, measures or {}):
        out.write(sep)
        out.write(textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    "))
        sep = ",\n"
    if sep == ",\n":  # FHIR forbids empty arrays: no "entry" at all when there is nothing
        out.write("\n  ]")
    out.write("\n}\n")


def _number(value: Any) -> str:
    return str(value) if type(value) is int else json.dumps(value)


_URL, _DAY, _VALUE = "\x00url\x00", "\x00day\x00", "\x00value\x00"


def _templates() -> dict[str, str]:
    """Per metric, an entry as written by `json.dumps(indent=2)` and indented, with %s for the full URL, the day
    (as JSON) and the value (as JSON)."""
    out = {}
    for metric in METRICS:
        entry = {"fullUrl": _URL, "resource": observation(_DAY, metric, _VALUE)}  # type: ignore[arg-type]
        text = textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    ").replace("%", "%%")
        for marker, slot in ((json.dumps(_URL), '"%s"'), (json.dumps(_DAY), "%s"), (json.dumps(_VALUE), "%s")):
            assert text.count(marker) == 1
            text = text.replace(marker, slot)
        out[metric] = text
    return out
