"""One line of `backcare sessions`: a logged session and whether it counts towards moving on (built by
services.sessions.listing, shown by render.sessions, printed by `sessions --json` through `as_dict`)."""

from __future__ import annotations

from typing import Any

from backcare.domain.progress import PARTLY, SKIPPED, Session
from backcare.valueclass import frozen


@frozen
class SessionRow:
    session: Session  # as stored, with its number
    counts: bool  # towards moving on to the next stage
    why: str  # why it counts or not, in words

    @property
    def done(self) -> int:
        """Exercises done at least partly."""
        return sum(1 for e in self.session.records if e.status != SKIPPED)

    @property
    def partly(self) -> int:
        return sum(1 for e in self.session.records if e.status == PARTLY)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.session.id, **self.session.as_dict(), "counts": self.counts, "why": self.why}
