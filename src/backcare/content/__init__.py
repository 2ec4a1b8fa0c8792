"""Content files: the exercise library, routine files (bundled or a physio's), their JSON Schema, and the
strict YAML reader they all go through.

Importing this package is cheap, and so is asking for the bundled content when the per-user cache of it is
fresh (see cache.py): the reader and checkers are imported only when a file is actually read.

Public API:
    Problem(path, line, column, message)        str() -> "FILE:LINE:COLUMN: message"
    check_routine_text(text, source)            -> (Routine | None, [Problem])  never raises
    check_routine_file(path)                    -> (Routine | None, [Problem])  never raises
    lint_routine_text(text, source) / lint_routine_file(path) -> Checked(routine, problems, warnings)
    load_routine_text(text, source) / load_routine_file(path) -> Routine, or raise ContentError
    library()                                   -> {id: Exercise}   (data/exercises.yaml, cached)
    topics()                                    -> (Topic, ...)     (data/education.yaml, cached)
    bundled_routine_names() / bundled_routine_text(name) / bundled_routine(name)
    routine_schema() -> dict, routine_schema_text() -> str
    load_yaml(text, source)                     -> (plain data | None, [Problem])  the strict reader
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

from backcare.content.cache import MISSING, lookup

if TYPE_CHECKING:
    from backcare.domain.education import Topic
    from backcare.domain.routine import Exercise, Routine

_LAZY = {
    "MAX_BYTES": ("yamlsafe", "MAX_BYTES"),
    "MAX_DEPTH": ("yamlsafe", "MAX_DEPTH"),
    "Problem": ("problems", "Problem"),
    "bundled_routine_names": ("routines", "bundled_routine_names"),
    "bundled_routine_text": ("routines", "bundled_routine_text"),
    "check_routine_file": ("routines", "check_routine_file"),
    "check_routine_text": ("routines", "check_routine_text"),
    "lint_routine_file": ("routines", "lint_routine_file"),
    "lint_routine_text": ("routines", "lint_routine_text"),
    "load_routine_file": ("routines", "load_routine_file"),
    "load_routine_text": ("routines", "load_routine_text"),
    "load_yaml": ("yamlsafe", "load"),
    "routine_schema": ("schema", "routine_schema"),
    "routine_schema_text": ("schema", "routine_schema_text"),
    "topic_ids": ("exercises", "topic_ids"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f"backcare.content.{module}"), attr)
        globals()[name] = value
        return value
    raise AttributeError(name)


def library() -> dict[str, Exercise]:
    """The bundled exercise library by id (read and checked once, then from the cache)."""
    return dict(_library())


@functools.cache  # (plain `cache` would be shadowed by the cache submodule)
def _library() -> dict[str, Exercise]:
    value = lookup("library", home="backcare.domain.routine")
    if value is MISSING:
        from backcare.content.exercises import library as read

        value = read()
    return value


@functools.cache  # (plain `cache` would be shadowed by the cache submodule)
def topics() -> tuple[Topic, ...]:
    """The bundled education topics in course order."""
    value = lookup("topics", home="backcare.domain.education")
    if value is MISSING:
        from backcare.content.education import topics as read

        value = read()
    return value


@functools.cache  # (plain `cache` would be shadowed by the cache submodule)
def bundled_routine(name: str = "default") -> Routine:
    """A built-in routine, checked. Raises ContentError if it is unknown or (a packaging bug) not valid."""
    value = lookup("routine", name, home="backcare.domain.routine")
    if value is MISSING:
        from backcare.content.routines import bundled_routine as read

        value = read(name)
    return value


__all__ = ["bundled_routine", "library", "topics", *_LAZY]
