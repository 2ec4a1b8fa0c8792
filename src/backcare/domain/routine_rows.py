"""The person's routines as `routine list` and `routine versions` show them (built by services.routines, shown by
render.routine, printed by `--json` through `as_dict`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from backcare.domain.dashboard import Stage
from backcare.valueclass import frozen


@frozen
class RoutineRow:
    name: str
    builtin: bool
    origin: str | None  # the file it was imported from
    imported_at: str | None
    active: bool

    def as_dict(self) -> dict[str, Any]:
        """The `routine list --json` shape; an imported routine's keys come in the order they always have."""
        if self.builtin:
            return asdict(self)
        shape = {"name": self.name, "origin": self.origin, "imported_at": self.imported_at, "builtin": False}
        return {**shape, "active": self.active}


@frozen
class RoutineVersion:
    version: int
    current: bool
    imported_at: str | None
    origin: str | None
    builtin: bool
    stages: list[Stage]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
