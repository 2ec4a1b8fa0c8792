"""Trends over check-ins and sessions: pure statistics, each one pass over the history (linear in its length).

- the 7-day mean is a trailing mean over calendar days that ignores missing days (a gap is never a zero) and is
  None when the window holds no check-in;
- baseline vs now compares the first 7 check-ins (of the routine, if it started later) with the last 7, and
  classifies the change with the minimal clinically important change for a 0-10 rating: 2 points or 30 %
  (Ostelo et al., Spine 2008;33(1):90-94);
- tag effects are associations between a tag and the day's pain, never causes;
- the default window is the last 90 days, or less when the first check-in is more recent (a 20-day diary is
  shown as 20 days, and adherence counts from then, never empty weeks before the start);
- sleep and stress (and other daily scores as they are recorded) are summarised, and set against pain in the
  same careful way as tags: ASSOCIATION_RULE below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from backcare.domain.checkin import CheckIn, scale
from backcare.valueclass import frozen

WINDOW = 7  # days in the trailing mean
BASELINE_CHECKINS = 7  # check-ins in the baseline and in the "now" window
MIN_CHECKINS = 2 * BASELINE_CHECKINS
MCID_POINTS = 2
MCID_PERCENT = 30
MIN_TAG_DAYS = 5
TOO_FEW = "too few check-ins to tell"
MCID_SOURCE = "Ostelo et al., Spine 2008"
METRICS = ("pain", "stiffness")


# -- the daily series --------------------------------------------------------------------------
class Day(NamedTuple):  # a tuple: thousands are made per run, and tuples are cheap
    day: date
    pain: int | None
    stiffness: int | None
    pain_7d: float | None
    stiffness_7d: float | None
    checkin: CheckIn | None = None  # the day's check-in, for its optional values

    def as_dict(self) -> dict[str, Any]:
        c = self.checkin
        return {
            "date": self.day.isoformat(),
            "pain": self.pain,
            "stiffness": self.stiffness,
            "pain_7d": _r2(self.pain_7d),
            "stiffness_7d": _r2(self.stiffness_7d),
            "sleep": c.sleep if c else None,
            "stress": c.stress if c else None,
            "leg_pain": c.leg_pain if c else None,
            "leg_side": c.leg_side if c else None,
            "medicines": list(c.meds) if c else [],
        }


def trailing_mean(values: Sequence[int | None], window: int = WINDOW) -> list[float | None]:
    """Mean of the present values among the last `window` entries (this one included); None when all are missing.

    One pass with a running sum and count, so it is linear in len(values).
    """
    out: list[float | None] = []
    total = 0
    count = 0
    for i, value in enumerate(values):
        if value is not None:
            total += value
            count += 1
        if i >= window:
            old = values[i - window]
            if old is not None:
                total -= old
                count -= 1
        out.append(total / count if count else None)
    return out


def series(checkins: Iterable[CheckIn], start: date, end: date) -> list[Day]:
    """One entry per calendar day from start to end; missing days have None values.

    Check-ins from the 6 days before `start` feed the first days' 7-day means.
    """
    if end < start:
        return []
    lead = WINDOW - 1
    first = start - timedelta(days=lead)
    n = (end - first).days + 1
    pain: list[int | None] = [None] * n
    stiffness: list[int | None] = [None] * n
    rows: list[CheckIn | None] = [None] * n
    for c in checkins:
        i = (c.day - first).days
        if 0 <= i < n:
            pain[i], stiffness[i], rows[i] = c.pain, c.stiffness, c
    pain_7d, stiff_7d = trailing_mean(pain), trailing_mean(stiffness)
    return [
        Day(first + timedelta(days=i), pain[i], stiffness[i], pain_7d[i], stiff_7d[i], rows[i]) for i in range(lead, n)
    ]


# -- chart buckets -----------------------------------------------------------------------------
class Bucket(NamedTuple):
    first: date
    last: date
    pain: float | None  # mean of the check-ins in the bucket
    stiffness: float | None
    pain_7d: float | None  # the 7-day mean on the bucket's last day
    stiffness_7d: float | None


def bucket_size(days: int, width: int) -> int:
    """Days per chart column so `days` fit in `width` columns: 1-3 days, else whole weeks."""
    if days <= 0 or width <= 0:
        return 1
    size = math.ceil(days / width)
    return size if size <= 3 else WINDOW * math.ceil(size / WINDOW)


def buckets(days: Sequence[Day], size: int) -> list[Bucket]:
    """Consecutive groups of `size` days, aligned so the last group ends on the last day."""
    size = max(1, size)
    out: list[Bucket] = []
    n = len(days)
    start = n % size
    if start:
        out.append(_bucket(days[:start]))
    for i in range(start, n, size):
        out.append(_bucket(days[i : i + size]))
    return out


def _bucket(group: Sequence[Day]) -> Bucket:
    p_sum = s_sum = p_n = s_n = 0
    for d in group:
        if d.pain is not None:
            p_sum += d.pain
            p_n += 1
        if d.stiffness is not None:
            s_sum += d.stiffness
            s_n += 1
    last = group[-1]
    return Bucket(
        group[0].day,
        last.day,
        p_sum / p_n if p_n else None,
        s_sum / s_n if s_n else None,
        last.pain_7d,
        last.stiffness_7d,
    )


# -- weeks and adherence -----------------------------------------------------------------------
@frozen
class Week:
    year: int
    number: int
    monday: date
    pain: float | None
    stiffness: float | None
    checkins: int
    sessions: int  # days with a completed session
    planned: int | None  # None when no routine had started

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def sessions_cell(self, sep: str = "/", none: str = "-") -> str:
        """'4/5'; `none` for a week with no plan and no session; '2/-' for sessions outside a plan."""
        if not self.planned:
            return f"{self.sessions}{sep}{none}" if self.sessions else none
        return f"{self.sessions}{sep}{self.planned}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.label,
            "start": self.monday.isoformat(),
            "pain": _r2(self.pain),
            "stiffness": _r2(self.stiffness),
            "checkins": self.checkins,
            "sessions": self.sessions,
            "planned": self.planned,
        }


def planned_sessions(per_week: int, days: int) -> int:
    """Sessions planned for `days` days of a week (pro rata for a part week, rounded half up)."""
    return (2 * per_week * days + 7) // 14


def paused_days(decisions: Iterable[tuple[date, str]], start: date, end: date) -> frozenset[date]:
    """Days in [start, end] on which no exercises were offered for safety: from a day whose decision was a stop
    up to the day before the next decision that was not, or to `end` while the stop stands. `decisions` are the
    engine's day decisions (day, decision) in the order they were made."""
    paused: set[date] = set()
    since: date | None = None
    for day, decision in sorted(decisions, key=lambda d: d[0]):
        if decision == "stop":
            since = day if since is None else since
        elif since is not None:
            paused.update(_days(max(since, start), min(day - timedelta(days=1), end)))
            since = None
    if since is not None:
        paused.update(_days(max(since, start), end))
    return frozenset(paused)


def _days(lo: date, hi: date) -> Iterable[date]:
    return (lo + timedelta(days=n) for n in range((hi - lo).days + 1))


def weeks(
    checkins: Iterable[CheckIn],
    session_days: Iterable[date],
    start: date,
    end: date,
    *,
    per_week: int,
    plan_start: date | None,
    paused: frozenset[date] = frozenset(),
) -> list[Week]:
    """ISO weeks overlapping [start, end]: means, check-ins, days with a completed session and sessions planned.

    Only days inside [start, end] count; the plan starts on `plan_start` (None: no plan), so the first week of a
    routine and the current, unfinished week are planned pro rata, and days paused for safety (`paused`: no
    exercises were offered) are not planned at all.
    """
    if end < start:
        return []
    first_monday = start - timedelta(days=start.weekday())
    n_weeks = (end - first_monday).days // 7 + 1
    p_sum = [0] * n_weeks
    s_sum = [0] * n_weeks
    count = [0] * n_weeks
    for c in checkins:
        if start <= c.day <= end:
            w = (c.day - first_monday).days // 7
            p_sum[w] += c.pain
            s_sum[w] += c.stiffness
            count[w] += 1
    done_days: list[set[date]] = [set() for _ in range(n_weeks)]
    for day in session_days:  # days with a completed session (several on one day count once)
        if start <= day <= end:
            done_days[(day - first_monday).days // 7].add(day)
    out = []
    for w in range(n_weeks):
        monday = first_monday + timedelta(days=7 * w)
        planned = None
        if plan_start is not None:
            lo = max(monday, start, plan_start)
            hi = min(monday + timedelta(days=6), end)
            open_days = sum(1 for d in _days(lo, hi) if d not in paused) if hi >= lo else 0
            planned = planned_sessions(per_week, open_days)
        iso = monday.isocalendar()
        n = count[w]
        out.append(
            Week(
                iso.year,
                iso.week,
                monday,
                p_sum[w] / n if n else None,
                s_sum[w] / n if n else None,
                n,
                len(done_days[w]),
                planned,
            )
        )
    return out


@frozen
class Adherence:
    per_week: int
    done: int
    planned: int
    weeks_planned: int
    weeks_met: int

    @property
    def percent(self) -> float | None:
        return None if not self.planned else 100 * self.done / self.planned

    @property
    def words(self) -> str:
        if not self.planned:
            return "No sessions were planned in this period (no routine had started)."
        s = "s" if self.weeks_planned != 1 else ""
        return (
            f"{self.done} of {self.planned} planned sessions done ({self.percent:.0f} %); "
            f"{self.weeks_met} of {self.weeks_planned} week{s} met the plan of {self.per_week} a week."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_week": self.per_week,
            "done": self.done,
            "planned": self.planned,
            "percent": None if self.percent is None else round(self.percent, 1),
            "weeks_planned": self.weeks_planned,
            "weeks_met": self.weeks_met,
            "words": self.words,
        }


def adherence(week_rows: Iterable[Week], per_week: int) -> Adherence:
    """Sessions done against sessions planned, over the weeks that had a plan."""
    done = planned = weeks_planned = weeks_met = 0
    for w in week_rows:
        if not w.planned:
            continue
        done += w.sessions
        planned += w.planned
        weeks_planned += 1
        weeks_met += w.sessions >= w.planned
    return Adherence(per_week, done, planned, weeks_planned, weeks_met)


# -- baseline vs now ---------------------------------------------------------------------------
# Means are compared as shown, to one decimal, and held as whole tenths (integers), so the arithmetic is exact
# and the words always agree with the numbers printed next to them.
@frozen
class Window:
    """A run of check-ins: their dates and score sums."""

    first: date
    last: date
    checkins: int
    pain_sum: int
    stiffness_sum: int

    def tenths(self, metric: str) -> int:
        """The mean in tenths, rounded half up: 5.43 -> 54."""
        total = self.pain_sum if metric == "pain" else self.stiffness_sum
        return (20 * total + self.checkins) // (2 * self.checkins)

    def mean(self, metric: str) -> float:
        """The mean as shown (one decimal)."""
        return self.tenths(metric) / 10

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "checkins": self.checkins,
            "pain": self.mean("pain"),
            "stiffness": self.mean("stiffness"),
        }


def window(checkins: Sequence[CheckIn]) -> Window:
    return Window(
        checkins[0].day,
        checkins[-1].day,
        len(checkins),
        sum(c.pain for c in checkins),
        sum(c.stiffness for c in checkins),
    )


def baseline_and_recent(
    checkins: Sequence[CheckIn], started: date | None = None, n: int = BASELINE_CHECKINS
) -> tuple[Window | None, Window | None]:
    """(baseline, recent) over check-ins sorted oldest first, or (None, None) when there are too few to tell.

    Baseline: the first n check-ins (on or after `started`, when a routine started then); recent: the last n.
    Too few: under 2n check-ins in all, or the two windows would overlap.
    """
    if len(checkins) < 2 * n:
        return None, None
    first = 0
    if started is not None:
        while first < len(checkins) and checkins[first].day < started:
            first += 1
    base = checkins[first : first + n]
    recent = checkins[-n:]
    if len(base) < n or base[-1].day >= recent[0].day:
        return None, None
    return window(base), window(recent)


def tenths(x: float | int) -> int:
    """A mean in whole tenths, rounded half up (float noise below 1e-6 ignored): 5.45 -> 55."""
    return math.floor(round(x * 10, 6) + 0.5)


@frozen
class Change:
    """A change from baseline on a 0-10 rating where lower is better, from the means as shown (in tenths)."""

    metric: str
    baseline10: int | None
    recent10: int | None

    @property
    def verdict(self) -> str:
        """'meaningful improvement', 'small worsening', 'no change' (MCID wording for tables)."""
        if self.direction == "same":
            return "no change"
        size = "meaningful" if self.meaningful else "small"
        return f"{size} {'improvement' if self.direction == 'better' else 'worsening'}"

    @property
    def known(self) -> bool:
        return self.baseline10 is not None and self.recent10 is not None

    @property
    def points10(self) -> int | None:
        return None if not self.known else self.recent10 - self.baseline10  # type: ignore[operator]

    @property
    def baseline(self) -> float | None:
        return None if self.baseline10 is None else self.baseline10 / 10

    @property
    def recent(self) -> float | None:
        return None if self.recent10 is None else self.recent10 / 10

    @property
    def points(self) -> float | None:
        """recent - baseline: negative is lower (better)."""
        p = self.points10
        return None if p is None else p / 10

    @property
    def percent(self) -> float | None:
        """Relative to the baseline; None when the baseline is 0 (or not known)."""
        p = self.points10
        return None if p is None or not self.baseline10 else 100 * p / self.baseline10

    def percent_truncated(self, places: int = 0) -> float | None:
        """The per cent cut toward zero, so a shown 30 % is never really 29.6 %."""
        p = self.points10
        if p is None or not self.baseline10:
            return None
        scale: int = 10**places
        cut = abs(p) * 100 * scale // self.baseline10
        return (-cut if p < 0 else cut) / scale

    @property
    def percent_whole(self) -> int | None:
        cut = self.percent_truncated(0)
        return None if cut is None else int(cut)

    @property
    def meaningful(self) -> bool | None:
        """At least 2 points, or at least 30 % of the baseline, either way (Ostelo 2008)."""
        p = self.points10
        if p is None:
            return None
        base = self.baseline10 or 0
        return abs(p) >= 10 * MCID_POINTS or (base != 0 and abs(p) * 100 >= MCID_PERCENT * base)

    @property
    def direction(self) -> str | None:
        p = self.points10
        return None if p is None else "better" if p < 0 else "worse" if p > 0 else "same"

    @property
    def words(self) -> str:
        return change_words(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "recent": self.recent,
            "points": self.points,
            "percent": self.percent_truncated(1),
            "meaningful": self.meaningful,
            "direction": self.direction,
            "words": self.words,
        }


def classify(baseline: float | int | None, recent: float | int | None, metric: str = "pain") -> Change:
    """The change between two means (rounded half up to one decimal first, as they are shown)."""
    if baseline is None or recent is None:
        return Change(metric, None, None)
    return Change(metric, tenths(baseline), tenths(recent))


def compare(baseline: Window | None, recent: Window | None, metric: str) -> Change:
    if baseline is None or recent is None:
        return Change(metric, None, None)
    return Change(metric, baseline.tenths(metric), recent.tenths(metric))


def change_words(c: Change) -> str:
    name = c.metric.capitalize()
    if not c.known:
        return f"{name}: {TOO_FEW}."
    b, r = f"{c.baseline:.1f}", f"{c.recent:.1f}"
    if c.direction == "same":
        return f"{name} stayed at {b}: no change since the baseline."
    pts = f"{abs(c.points or 0):.1f}"
    unit = "point" if abs(c.points10 or 0) == 10 else "points"
    if c.percent is None:
        size = f"{pts} {unit}; no percentage, as the baseline was 0"
    else:
        size = f"{pts} {unit}, {abs(c.percent_whole or 0)} %"
    moved = "down" if c.direction == "better" else "up"
    if c.meaningful:
        verdict = "a meaningful improvement" if c.direction == "better" else "a meaningful change for the worse"
    else:
        verdict = (
            "a small change: a slight improvement" if c.direction == "better" else "a small change: slightly worse"
        )
    return f"{name} went {moved} from {b} to {r} ({size}): {verdict}."


def mcid_note() -> str:
    return (
        f"A change of {MCID_POINTS} points or {MCID_PERCENT} % on a 0-10 rating is the usual threshold for a change "
        f"that matters to people ({MCID_SOURCE}); smaller changes may be day-to-day variation."
    )


# -- tags --------------------------------------------------------------------------------------
@frozen
class TagEffect:
    tag: str
    with_days: int
    with_mean: float
    without_days: int
    without_mean: float

    @property
    def difference(self) -> float:
        return self.with_mean - self.without_mean

    @property
    def words(self) -> str:
        return (
            f"On days tagged {self.tag} your pain averaged {self.with_mean:.1f} ({self.with_days} days) vs "
            f"{self.without_mean:.1f} without ({self.without_days} days){_link(self.with_mean, self.without_mean)}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "with_days": self.with_days,
            "with_pain": round(self.with_mean, 2),
            "without_days": self.without_days,
            "without_pain": round(self.without_mean, 2),
            "difference": round(self.difference, 2),
            "words": self.words,
        }


def tag_effects(checkins: Iterable[CheckIn], min_days: int = MIN_TAG_DAYS) -> list[TagEffect]:
    """Mean pain on days with each tag vs days without, where both sides have at least `min_days` days.

    Largest differences first. One pass over the check-ins.
    """
    total = n = 0
    sums: dict[str, list[int]] = {}
    for c in checkins:
        total += c.pain
        n += 1
        for tag in set(c.tags):
            acc = sums.setdefault(tag, [0, 0])
            acc[0] += c.pain
            acc[1] += 1
    out = []
    for tag, (s, k) in sums.items():
        if k >= min_days and n - k >= min_days:
            out.append(TagEffect(tag, k, s / k, n - k, (total - s) / (n - k)))
    out.sort(key=lambda t: (-abs(t.difference), t.tag))
    return out


# -- the default window ------------------------------------------------------------------------
DEFAULT_DAYS = 90


def default_start(first: date | None, end: date, days: int = DEFAULT_DAYS) -> date:
    """The first day of the default window ending on `end`: `days` days back, or the first check-in when that is
    more recent (so a new diary is not squeezed into empty weeks). `first` None: no check-in yet."""
    start = end - timedelta(days=days - 1)
    return max(start, first) if first is not None and first <= end else start


# -- sleep, stress and the other daily scores --------------------------------------------------
# Each optional 0-10 score recorded with a check-in (an attribute of CheckIn of the same name), with what its ends
# mean and the words for its low and high days. Leg pain joins here as one more entry once the check-in records it
# (e.g. "leg_pain": ("0 = none, 10 = worst imaginable", "little leg pain (0-4)", "more leg pain (6-10)")); medicine
# days are a count of days, not a score, and belong next to these in the trend's "daily" section.
SCORES: dict[str, tuple[str, str, str]] = {
    # name: (anchors, low days, high days); the anchors are the check-in's own (domain.checkin.scale)
    "sleep": (scale("sleep"), "poor sleep (0-4)", "good sleep (6-10)"),
    "stress": (scale("stress"), "low stress (0-4)", "high stress (6-10)"),
    "leg_pain": (scale("leg_pain"), "little leg pain (0-4)", "more leg pain (6-10)"),
}
ASSOCIATED = ("sleep", "stress")  # the scores whose high and low days are compared with pain
LOW_MAX = 4  # a score of 0-4 is a low day, 6-10 a high day; a 5 sits between and is left out of the comparison
HIGH_MIN = 6
MIN_SIDE_DAYS = MIN_TAG_DAYS  # an association is shown only with at least this many days on each side
ASSOCIATION_RULE = (
    f"Associations compare your average pain on days with and without something (a tag; a low or high sleep or "
    f"stress score: {LOW_MAX} or less vs {HIGH_MIN} or more). They are shown only with at least {MIN_SIDE_DAYS} "
    "days on each side, and they show what goes together, not what causes what."
)


@frozen
class ScoreSummary:
    """One daily score over the period: how many days have it, its mean, and the mean of its last 7 entries."""

    name: str
    days: int
    mean: float | None
    recent: float | None

    @property
    def words(self) -> str:
        anchors = SCORES[self.name][0]
        label, flag = self.name.replace("_", " ").capitalize(), self.name.replace("_", "-")
        if not self.days:
            return f"{label}: not recorded in this period (--{flag} N, {anchors})."
        return (
            f"{label}: recorded on {self.days} day{'s' if self.days != 1 else ''}, average "
            f"{self.mean:.1f}, last {min(self.days, WINDOW)} recorded {self.recent:.1f} ({anchors})."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "mean": _r2(self.mean),
            "recent": _r2(self.recent),
            "scale": SCORES[self.name][0],
            "words": self.words,
        }


def score_summary(checkins: Iterable[CheckIn], name: str) -> ScoreSummary:
    """The score `name` (an attribute of CheckIn) over check-ins sorted oldest first; days without it are gaps."""
    values = [v for v in (getattr(c, name) for c in checkins) if v is not None]
    last = values[-WINDOW:]
    return ScoreSummary(
        name,
        len(values),
        sum(values) / len(values) if values else None,
        sum(last) / len(last) if last else None,
    )


@frozen
class ScoreAssociation:
    """Mean pain on a score's high days vs its low days (an association, never a cause)."""

    name: str
    high_days: int
    high_pain: float
    low_days: int
    low_pain: float

    @property
    def difference(self) -> float:
        return self.high_pain - self.low_pain

    @property
    def words(self) -> str:
        _, low, high = SCORES[self.name]
        return (
            f"On days with {high} your pain averaged {self.high_pain:.1f} ({self.high_days} days) vs "
            f"{self.low_pain:.1f} with {low} ({self.low_days} days){_link(self.high_pain, self.low_pain)}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.name,
            "high_days": self.high_days,
            "high_pain": round(self.high_pain, 2),
            "low_days": self.low_days,
            "low_pain": round(self.low_pain, 2),
            "difference": round(self.difference, 2),
            "words": self.words,
        }


def score_associations(
    checkins: Iterable[CheckIn], names: Iterable[str] = tuple(SCORES), min_days: int = MIN_SIDE_DAYS
) -> list[ScoreAssociation]:
    """For each score: mean pain on its high days (HIGH_MIN-10) vs its low days (0-LOW_MAX), only when both sides
    have at least `min_days` days. Largest differences first."""
    rows = list(checkins)
    out = []
    for name in names:
        high = [c.pain for c in rows if (v := getattr(c, name)) is not None and v >= HIGH_MIN]
        low = [c.pain for c in rows if (v := getattr(c, name)) is not None and v <= LOW_MAX]
        if len(high) >= min_days and len(low) >= min_days:
            out.append(ScoreAssociation(name, len(high), sum(high) / len(high), len(low), sum(low) / len(low)))
    out.sort(key=lambda a: (-abs(a.difference), a.name))
    return out


@frozen
class MedicineDays:
    """The days in the period with any medicine recorded, and each medicine's days (most first)."""

    days: int
    checkins: int
    by_name: list[tuple[str, int]]

    @property
    def words(self) -> str:
        if not self.days:
            return 'Medicines: none recorded in this period (--med "NAME DOSE").'
        named = ", ".join(f"{name} on {days}" for name, days in self.by_name[:5])
        return f"Medicines: on {self.days} of {self.checkins} check-in days ({named})."

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "by_name": [{"name": name, "days": days} for name, days in self.by_name],
            "words": self.words,
        }


def medicine_days(checkins: Iterable[CheckIn]) -> MedicineDays:
    """Each medicine counted once whatever its case (as a check-in lists it), named as it was last spelt."""
    n = with_meds = 0
    per_med: dict[str, int] = {}
    spelt: dict[str, str] = {}
    for c in checkins:
        n += 1
        if c.meds:
            with_meds += 1
            for med in c.meds:
                key = med.casefold()
                per_med[key] = per_med.get(key, 0) + 1
                spelt[key] = med
    named = [(spelt[key], days) for key, days in per_med.items()]
    return MedicineDays(with_meds, n, sorted(named, key=lambda item: (-item[1], item[0])))


# -- helpers -----------------------------------------------------------------------------------
CLEAR_POINTS = 1  # pain means (as shown) less than this far apart are not called an association


def _link(one: float, other: float) -> str:
    """How an association sentence ends: a clear difference (CLEAR_POINTS or more, in the means as shown) is an
    association, never a cause; a smaller one is no clear association at all."""
    if abs(round(float(f"{one:.1f}") - float(f"{other:.1f}"), 1)) >= CLEAR_POINTS:  # the means as the words show them
        return "; this shows an association, not a cause."
    return f"; less than {CLEAR_POINTS} point apart, so no clear association."


def _r2(x: float | None) -> float | None:
    return None if x is None else round(x, 2)
