"""Content files: the exercise library, routine files (bundled or a physio's), their JSON Schema, and the
strict YAML reader they all go through.

Importing this package is cheap: PyYAML is imported only when a file is actually read. The CLI imports it
inside the commands that need it, never at start-up.

Public API:
    Problem(path, line, column, message)        str() -> "FILE:LINE:COLUMN: message"
    check_routine_text(text, source)            -> (Routine | None, [Problem])  never raises
    check_routine_file(path)                    -> (Routine | None, [Problem])  never raises
    load_routine_text(text, source) / load_routine_file(path) -> Routine, or raise ContentError
    library()                                   -> {id: Exercise}   (data/exercises.yaml, cached)
    bundled_routine_names() / bundled_routine_text(name) / bundled_routine(name)
    routine_schema() -> dict, routine_schema_text() -> str
    load_yaml(text, source)                     -> (plain data | None, [Problem])  the strict reader
"""

from __future__ import annotations

from backcare.content.exercises import library, topic_ids
from backcare.content.problems import Problem
from backcare.content.routines import (
    bundled_routine,
    bundled_routine_names,
    bundled_routine_text,
    check_routine_file,
    check_routine_text,
    load_routine_file,
    load_routine_text,
)
from backcare.content.schema import routine_schema, routine_schema_text
from backcare.content.yamlsafe import MAX_BYTES, MAX_DEPTH
from backcare.content.yamlsafe import load as load_yaml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Problem",
    "bundled_routine",
    "bundled_routine_names",
    "bundled_routine_text",
    "check_routine_file",
    "check_routine_text",
    "library",
    "load_routine_file",
    "load_routine_text",
    "load_yaml",
    "routine_schema",
    "routine_schema_text",
    "topic_ids",
]
