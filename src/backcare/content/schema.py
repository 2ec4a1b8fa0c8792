"""The JSON Schema (draft-07) of the routine format, shipped as data/routine.schema.json for editors."""

from __future__ import annotations

SCHEMA_FILE = "routine.schema.json"


def routine_schema_text() -> str:
    """The schema file's text, exactly as shipped."""
    from backcare.content.data import data_file

    return data_file(SCHEMA_FILE).read_text(encoding="utf-8")


def routine_schema() -> dict:
    """The JSON Schema (draft-07) for backcare-routine/1 files."""
    import json

    return json.loads(routine_schema_text())
