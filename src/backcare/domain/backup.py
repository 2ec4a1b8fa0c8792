"""What a checked backup holds (built by services.transfer.backup, said by `backcare backup`)."""

from __future__ import annotations

from backcare.valueclass import frozen


@frozen
class CheckedBackup:
    """A backup that passed its integrity check, read back: how many check-ins and sessions it holds."""

    checkins: int
    sessions: int

    def counts(self) -> str:
        """'3 check-ins, 1 session' (the backup message's words)."""
        n, m = self.checkins, self.sessions
        return f"{n} check-in{'' if n == 1 else 's'}, {m} session{'' if m == 1 else 's'}"
