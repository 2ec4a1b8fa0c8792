"""Outcome measures (questionnaires): what one is, how its answers are scored, and what a change means.

Pure: no I/O. A Measure comes from a `backcare-measure/1` file (content/measures.py checks those); answers
are whole numbers, one per item, in the order of the items (for a measure with named items, in the order of
the person's own activities).
"""

from __future__ import annotations

from dataclasses import field
from datetime import date, timedelta

from backcare.valueclass import frozen

FORMAT = "backcare-measure/1"
KINDS = ("rating", "yesno", "choice")
METHODS = ("sum", "mean")
DEFAULT_EVERY_DAYS = 14


@frozen
class Item:
    """One question. A rating runs from low to high with a label at each end; yes/no is 1 (yes) or 0 (no);
    a choice is one of its (value, label) pairs. A reverse-scored item counts as low + high - answer."""

    id: str
    text: str
    kind: str = "rating"
    low: int = 0
    high: int = 10
    min_label: str = ""
    max_label: str = ""
    choices: tuple[tuple[int, str], ...] = ()
    reverse: bool = False
    loinc: str | None = None

    def allowed(self) -> tuple[int, ...]:
        if self.kind == "choice":
            return tuple(value for value, _ in self.choices)
        if self.kind == "yesno":
            return (0, 1)
        return tuple(range(self.low, self.high + 1))

    @property
    def bounds(self) -> tuple[int, int]:
        values = self.allowed()
        return min(values), max(values)

    def counted(self, answer: int) -> int:
        """The answer as it is scored (reversed when the item says so)."""
        if not self.reverse:
            return answer
        low, high = self.bounds
        return low + high - answer

    def describe(self) -> str:
        """What the item accepts, in words: '0-10 (0 = unable, 10 = as before)', 'yes/no', '1 = ..., 2 = ...'."""
        if self.kind == "yesno":
            return "1 = yes, 0 = no"
        if self.kind == "choice":
            return ", ".join(f"{value} = {label}" for value, label in self.choices)
        return f"{self.low}-{self.high} ({self.low} = {self.min_label}, {self.high} = {self.max_label})"


@frozen
class Named:
    """Items the person names (the PSFS's activities): up to `most`, each rated like `rating`. The person
    names them the first time; later takes ask about the same ones."""

    prompt: str
    most: int
    rating: Item


@frozen
class Subscale:
    id: str
    title: str
    items: tuple[str, ...]
    method: str = "sum"


@frozen
class Band:
    low: float
    high: float
    label: str

    def holds(self, score: float) -> bool:
        return self.low <= score <= self.high


@frozen
class Measure:
    id: str
    title: str
    instructions: str
    notice: str
    items: tuple[Item, ...] = ()
    named: Named | None = None
    method: str = "sum"
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    important_change: float = 1.0
    higher_is_better: bool = True
    every_days: int = DEFAULT_EVERY_DAYS
    loinc: str | None = None  # the questionnaire's code
    score_loinc: str | None = None  # the total score's code
    unit: str = "points"

    def questions(self, activities: tuple[str, ...] = ()) -> tuple[Item, ...]:
        """The items of one take: the fixed items, or one rating per named activity."""
        if self.named is None:
            return self.items
        base = self.named.rating
        return tuple(
            Item(str(n), text, base.kind, base.low, base.high, base.min_label, base.max_label)
            for n, text in enumerate(activities, start=1)
        )


@frozen
class Score:
    total: float
    subscales: dict[str, float] = field(default_factory=dict)
    band: str | None = None


def combine(values: list[int], method: str) -> float:
    if not values:
        return 0.0
    total = sum(values)
    return round(total / len(values), 2) if method == "mean" else float(total)


def problem(item: Item, answer: object) -> str | None:
    """Why an answer is not acceptable for an item (one clause), or None."""
    if isinstance(answer, bool) or not isinstance(answer, int):
        return f"must be a whole number ({item.describe()})"
    if answer not in item.allowed():
        return f"must be {item.describe()} (got {answer})"
    return None


def score(measure: Measure, answers: tuple[int, ...], activities: tuple[str, ...] = ()) -> Score:
    """The total (sum or mean of the counted answers), each subscale, and the band the total falls in.
    Raises ValueError when the answers do not fit the items (count or range)."""
    questions = measure.questions(activities)
    if measure.named is not None and not 1 <= len(activities) <= measure.named.most:
        raise ValueError(f"give 1 to {measure.named.most} activities")
    if len(answers) != len(questions):
        raise ValueError(f"{len(questions)} answers are needed (got {len(answers)})")
    for item, answer in zip(questions, answers):
        why = problem(item, answer)
        if why is not None:
            raise ValueError(f"answer {item.id} {why}")
    counted = {item.id: item.counted(answer) for item, answer in zip(questions, answers)}
    total = combine(list(counted.values()), measure.method)
    subs = {s.id: combine([counted[i] for i in s.items if i in counted], s.method) for s in measure.subscales}
    band = next((b.label for b in measure.bands if b.holds(total)), None)
    return Score(total, subs, band)


@frozen
class Change:
    first: float
    latest: float
    change: float
    verdict: str  # "better", "worse", "no important change", or "first score"


def change(measure: Measure, first: float, latest: float, takes: int = 2) -> Change:
    """The change from the first score to the latest, judged against the measure's own important change
    (in its direction: for some measures a lower score is better)."""
    delta = round(latest - first, 2)
    if takes < 2:
        return Change(first, latest, delta, "first score")
    gain = delta if measure.higher_is_better else -delta
    if gain >= measure.important_change:
        verdict = "better"
    elif gain <= -measure.important_change:
        verdict = "worse"
    else:
        verdict = "no important change"
    return Change(first, latest, delta, verdict)


def next_due(measure: Measure, last: date | None, every_days: int | None = None) -> date | None:
    """The day a measure is next due: `every_days` after the last take (None: never taken, due now)."""
    if last is None:
        return None
    return last + timedelta(days=every_days or measure.every_days)


def number(value: float) -> str:
    """A score as people read it: 7, 6.5, 6.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
