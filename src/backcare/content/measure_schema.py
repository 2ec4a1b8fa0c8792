"""The JSON Schema (draft-07) of the measure format, built from the checker's own limits and shipped as
data/measure.schema.json for editors (a test checks the shipped file is current; write_schema() updates it)."""

from __future__ import annotations

from typing import Any

from backcare.content import measures as m
from backcare.content.checks import ID_MAX, ID_PATTERN
from backcare.domain.measures import FORMAT, KINDS, METHODS


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": "\\S"}


def current_schema() -> dict[str, Any]:
    ident = {"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX}
    loinc = {"type": "string", "pattern": m.LOINC_PATTERN}
    value = {"type": "integer", "minimum": m.VALUE[0], "maximum": m.VALUE[1]}
    number = {"type": "number", "minimum": m.VALUE[0], "maximum": m.VALUE[1]}
    anchors = {
        "type": "object",
        "description": "What the lowest and the highest value mean.",
        "additionalProperties": False,
        "required": list(m.ANCHOR_KEYS),
        "properties": {"min": _text(m.LABEL_MAX), "max": _text(m.LABEL_MAX)},
    }
    choice = {
        "type": "object",
        "additionalProperties": False,
        "required": list(m.CHOICE_KEYS),
        "properties": {"value": value, "label": _text(m.LABEL_MAX)},
    }
    item = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "text"],
        "properties": {
            "id": ident,
            "text": _text(m.TEXT_MAX),
            "type": {"enum": list(KINDS), "default": "rating"},
            "min": value,
            "max": value,
            "anchors": anchors,
            "choices": {"type": "array", "minItems": m.CHOICES[0], "maxItems": m.CHOICES[1], "items": choice},
            "reverse": {"type": "boolean", "description": "Scored as min + max - answer."},
            "loinc": loinc,
        },
        "if": {"properties": {"type": {"const": "choice"}}, "required": ["type"]},
        "then": {"required": ["choices"]},
        "else": {
            "if": {"properties": {"type": {"const": "yesno"}}, "required": ["type"]},
            "else": {"required": ["anchors"]},
        },
    }
    named = {
        "type": "object",
        "description": "Activities the person names (up to `most`), each rated from min to max.",
        "additionalProperties": False,
        "required": ["prompt", "most", "anchors"],
        "properties": {
            "prompt": _text(m.TEXT_MAX),
            "most": {"type": "integer", "minimum": m.NAMED_MOST[0], "maximum": m.NAMED_MOST[1]},
            "min": value,
            "max": value,
            "anchors": anchors,
        },
    }
    subscale = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title", "items"],
        "properties": {
            "id": ident,
            "title": _text(m.TITLE_MAX),
            "items": {"type": "array", "minItems": 1, "items": ident},
            "method": {"enum": list(METHODS)},
        },
    }
    band = {
        "type": "object",
        "additionalProperties": False,
        "required": list(m.BAND_KEYS),
        "properties": {"from": number, "to": number, "label": _text(m.LABEL_MAX)},
    }
    scoring = {
        "type": "object",
        "additionalProperties": False,
        "required": list(m.SCORING_REQUIRED),
        "properties": {
            "method": {"enum": list(METHODS)},
            "subscales": {"type": "array", "maxItems": m.SUBSCALES[1], "items": subscale},
            "bands": {"type": "array", "maxItems": m.BANDS[1], "items": band},
            "important_change": {**number, "exclusiveMinimum": 0, "description": "The minimal important change."},
            "better": {"enum": list(m.BETTER), "description": "Whether a higher or a lower score is better."},
            "loinc": loinc,
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"backcare outcome measure ({FORMAT})",
        "type": "object",
        "additionalProperties": False,
        "required": list(m.TOP_REQUIRED),
        "oneOf": [{"required": ["items"]}, {"required": ["named_items"]}],
        "properties": {
            "format": {"const": FORMAT},
            "id": ident,
            "title": _text(m.TITLE_MAX),
            "instructions": _text(m.INSTRUCTIONS_MAX),
            "notice": {**_text(m.NOTICE_MAX), "description": "The copyright or licence notice shown with it."},
            "every_days": {"type": "integer", "minimum": m.EVERY_DAYS[0], "maximum": m.EVERY_DAYS[1]},
            "loinc": loinc,
            "items": {"type": "array", "minItems": m.ITEMS[0], "maxItems": m.ITEMS[1], "items": item},
            "named_items": named,
            "scoring": scoring,
        },
    }


def schema_text() -> str:
    """The shipped file's text (equal to current_schema(); a test checks it)."""
    from backcare.content.data import data_file

    return data_file(m.SCHEMA_FILE).read_text(encoding="utf-8")


def write_schema() -> None:
    """Bring data/measure.schema.json up to date (run after changing the format's limits)."""
    import json

    from backcare.content.data import data_file

    text = json.dumps(current_schema(), indent=2, ensure_ascii=False) + "\n"
    data_file(m.SCHEMA_FILE).write_text(text, encoding="utf-8")
