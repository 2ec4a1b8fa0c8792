"""Flare-ups: the one rule, used by the progression engine, `trend` and the report.

A person's *usual* pain is a rolling level: the median of their check-ins over the previous 28 days, leaving
out flare days (at least 3 such check-ins are needed to know it). A *flare day* is a day whose pain is at
least `above_usual` points above that usual level on `days` days running, or a single day at `pain` or more
that is also `above_usual` points above it. A high number alone is never a flare: someone whose pain is
usually 7-8 is not in a flare-up every day, and someone back at 6-7 after weeks at 2 is.

Flare days less than a week apart are one flare-up (an episode); an episode is *settling* for a week after
its last flare day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from backcare.domain.checkin import CheckIn
from backcare.domain.routine import Settings
from backcare.valueclass import frozen

USUAL_WINDOW_DAYS = 28
USUAL_MIN_CHECKINS = 3
EPISODE_GAP_DAYS = 7  # flare days closer than this are one flare-up; it settles for this long after its last day


@frozen
class Rule:
    above_usual: int = 2
    days: int = 2
    pain: int = 8

    @classmethod
    def of(cls, settings: Settings) -> Rule:
        """The rule a routine's (or stage's) Settings set."""
        return cls(settings.flare_above_usual, settings.flare_days, settings.flare_pain)

    def describe(self) -> str:
        """The rule in words, for the report."""
        running = "on 2 days running" if self.days == 2 else f"on {self.days} days running"
        if self.days == 1:
            running = "on any day"
        return (
            f"pain at least {self.above_usual} points above the person's usual level (the median of the previous "
            f"{USUAL_WINDOW_DAYS} days, leaving out flare days) {running}, or a single day at {self.pain}/10 or "
            f"more that is also {self.above_usual} points above it"
        )


DEFAULT_RULE = Rule()


@frozen
class Flare:
    """One flare-up: consecutive flare days (less than a week apart)."""

    first: date
    last: date
    peak: int
    days: int  # check-in days in the flare
    usual: float | None = None  # the usual level on its first day

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "peak_pain": self.peak, "days": self.days}


@frozen
class Levels:
    """The usual level before each check-in day, and which days are flare days."""

    usual: dict[date, float | None]
    flare_days: tuple[date, ...]  # oldest first


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def levels(checkins: Sequence[CheckIn], rule: Rule = DEFAULT_RULE) -> Levels:
    """One pass over check-ins (oldest first, one per day): each day's usual level, and the flare days."""
    usual: dict[date, float | None] = {}
    flare: set[date] = set()
    run: list[CheckIn] = []
    lo = 0
    for i, c in enumerate(checkins):
        while (c.day - checkins[lo].day).days > USUAL_WINDOW_DAYS:
            lo += 1
        window = [x.pain for x in checkins[lo:i] if x.day not in flare]
        level = median(window) if len(window) >= USUAL_MIN_CHECKINS else None
        usual[c.day] = level
        if level is None or c.pain < level + rule.above_usual:
            run = []
            continue
        run = [*run, c] if run and (c.day - run[-1].day).days == 1 else [c]
        if len(run) >= rule.days:
            flare.update(x.day for x in run)
        elif c.pain >= rule.pain:
            flare.add(c.day)
    return Levels(usual, tuple(sorted(flare)))


def episodes(checkins: Sequence[CheckIn], rule: Rule = DEFAULT_RULE, extra_days: Iterable[date] = ()) -> list[Flare]:
    """Flare-ups in check-ins (oldest first), each a run of flare days less than a week apart.

    `extra_days` are flare days found another way (the engine adds sessions that hurt too much)."""
    lv = levels(checkins, rule)
    pain = {c.day: c.pain for c in checkins}
    out: list[Flare] = []
    for day in sorted({*lv.flare_days, *extra_days}):
        p = pain.get(day, 0)
        if out and (day - out[-1].last).days < EPISODE_GAP_DAYS:
            prev = out[-1]
            out[-1] = Flare(prev.first, day, max(prev.peak, p), prev.days + (day in pain), prev.usual)
        else:
            out.append(Flare(day, day, p, int(day in pain), lv.usual.get(day)))
    return out


def settling(episode: Flare | None, today: date) -> bool:
    """Whether a flare-up is still going or settling on `today` (its last flare day less than a week ago)."""
    return episode is not None and 0 <= (today - episode.last).days < EPISODE_GAP_DAYS
