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


def current_schema(schema: dict | None = None) -> dict:
    """The schema with the parts that come from backcare's data filled in afresh: the library's exercise ids
    and the education topic ids as `examples`, so editors complete them. The shipped file must equal this
    (a test checks it; write_schema() brings it up to date)."""
    import copy

    from backcare.content.education import topics
    from backcare.content.exercises import library

    out = copy.deepcopy(schema if schema is not None else routine_schema())
    exercise_ids = list(library())
    out["definitions"]["prescription"]["properties"]["id"]["examples"] = exercise_ids
    for link in ("easier", "harder"):
        out["definitions"]["exercise"]["properties"][link]["examples"] = exercise_ids
    out["properties"]["topics"]["items"]["examples"] = [t.id for t in topics()]
    return out


def schema_text(schema: dict) -> str:
    """The schema as the shipped file writes it."""
    import json

    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema() -> None:
    """Bring data/routine.schema.json up to date with the exercise library and education topics (run after
    changing either: python -c 'from backcare.content.schema import write_schema; write_schema()')."""
    from backcare.content.data import data_file

    data_file(SCHEMA_FILE).write_text(schema_text(current_schema()), encoding="utf-8")
