"""A physio's view of many patients: each one's figures and how much they need attention. Pure.

The figures are the ones backcare shows a person (domain/trends, domain/flares, domain/safety), computed
from what a FHIR server holds for them: daily pain scores, sessions with pain during, safety screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from datetime import date, timedelta
from typing import Any

from backcare.valueclass import frozen

RECENT_DAYS = 7  # the "7-day pain"
SESSION_DAYS = 14  # sessions counted over the last two weeks
QUIET_DAYS = 7  # no check-in for longer than this needs a look
PAIN_LIMIT = 5  # the default routine's acceptable pain during exercise


@frozen
class PatientData:
    """What the server holds for one patient (entered-in-error records already left out)."""

    identifier: str  # the clinic's id for them
    server_id: str
    pain: dict[date, int]  # day -> pain 0-10
    sessions: Sequence[tuple[date, int | None]]  # (day, pain during)
    screens: Sequence[tuple[date, bool]]  # (day, any yes)
    notes: Sequence[tuple[date, str]] = ()
    disagreements: int = 0  # days on which two backcare installs sent different pain (two people, one id?)


@frozen
class Summary:
    identifier: str
    server_id: str
    last_checkin: date | None
    pain_7d: float | None  # mean pain over the last 7 days (None: no check-in in them)
    baseline: float | None
    recent: float | None
    change: str  # the MCID verdict, or "too few check-ins to tell"
    worse: bool  # a meaningful worsening
    sessions_14d: int
    pain_during: bool  # a session in the last 14 days hurt enough to contact the physio
    flare: bool  # a flare-up going on or settling
    safety_stop: bool  # the latest safety screen had a yes
    reasons: tuple[str, ...] = field(default=())

    @property
    def attention(self) -> int:
        """Higher first: a safety stop above everything else, then a flare or painful sessions, a meaningful
        worsening, a week without check-ins."""
        return (
            16 * self.safety_stop
            + 4 * self.flare
            + 4 * self.pain_during
            + 2 * self.worse
            + 1 * ("no check-in for over a week" in self.reasons)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "server_id": self.server_id,
            "last_checkin": self.last_checkin.isoformat() if self.last_checkin else None,
            "pain_7d": self.pain_7d,
            "baseline_pain": self.baseline,
            "recent_pain": self.recent,
            "change": self.change,
            "sessions_14d": self.sessions_14d,
            "pain_during_signal": self.pain_during,
            "flare": self.flare,
            "safety_stop": self.safety_stop,
            "attention": self.attention,
            "reasons": list(self.reasons),
        }


def summarise(data: PatientData, today: date) -> Summary:
    from backcare.domain.checkin import CheckIn
    from backcare.domain.flares import episodes, settling
    from backcare.domain.safety import contact_physio
    from backcare.domain.trends import TOO_FEW, baseline_and_recent, compare

    days = sorted(d for d in data.pain if d <= today)
    # Only pain is on the panel: stiffness is not fetched, and no figure here reads it.
    checkins = [CheckIn(d, data.pain[d], 0) for d in days]
    recent7 = [data.pain[d] for d in days if (today - d).days < RECENT_DAYS]
    pain_7d = round(sum(recent7) / len(recent7), 1) if recent7 else None
    base, recent = baseline_and_recent(checkins)
    change = compare(base, recent, "pain")
    verdict = change.verdict if change.known else TOO_FEW
    worse = bool(change.known and change.direction == "worse" and change.meaningful)
    since = today - timedelta(days=SESSION_DAYS - 1)
    lately = [(d, p) for d, p in data.sessions if since <= d <= today]
    hurt = any(contact_physio(p, PAIN_LIMIT) for _d, p in lately)
    flares = episodes(checkins)
    flare = settling(flares[-1] if flares else None, today)
    screens = sorted(data.screens)
    stop = bool(screens and screens[-1][1])
    reasons = []
    if stop:
        reasons.append("safety question answered yes")
    if flare:
        reasons.append("flare-up")
    if hurt:
        reasons.append("painful session")
    if worse:
        reasons.append("pain meaningfully worse")
    if not days or (today - days[-1]).days > QUIET_DAYS:
        reasons.append("no check-in for over a week")
    if data.disagreements:
        n = data.disagreements
        reasons.append(
            f"{n} day{'' if n == 1 else 's'} with different pain from two backcare installs: "
            "check that no one else uses this clinic id"
        )
    return Summary(
        data.identifier,
        data.server_id,
        days[-1] if days else None,
        pain_7d,
        change.baseline,
        change.recent,
        verdict,
        worse,
        len(lately),
        hurt,
        flare,
        stop,
        tuple(reasons),
    )


def panel(patients: Iterable[PatientData], today: date) -> list[Summary]:
    """Every patient, who needs attention first; then the highest 7-day pain; then by identifier."""
    rows = [summarise(p, today) for p in patients]
    return sorted(rows, key=lambda s: (-s.attention, -(s.pain_7d if s.pain_7d is not None else -1), s.identifier))


def weekly_pain(pain: dict[date, int], today: date, weeks: int = 8) -> list[tuple[date, float | None, int]]:
    """(week start, mean pain, check-ins) for the last `weeks` weeks ending today, oldest first."""
    out = []
    for w in range(weeks - 1, -1, -1):
        start = today - timedelta(days=7 * w + 6)
        values = [v for d, v in pain.items() if start <= d <= start + timedelta(days=6)]
        out.append((start, round(sum(values) / len(values), 1) if values else None, len(values)))
    return out
