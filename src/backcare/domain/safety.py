"""The red-flag screen for serious causes of back pain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    emergency: bool  # cauda equina signs: go to an emergency department now


QUESTIONS: tuple[Question, ...] = (
    Question(
        "bladder-bowel",
        "Since this back pain began, have you had new trouble passing urine, "
        "controlling your bladder, or controlling your bowels?",
        True,
    ),
    Question(
        "saddle-numbness",
        "Do you have numbness or tingling in the 'saddle' area: between your legs, "
        "around your buttocks or genitals (for example, toilet paper feels different)?",
        True,
    ),
    Question(
        "leg-weakness",
        "Do you have new weakness or numbness in both legs, or weakness in one leg that is getting worse?",
        True,
    ),
    Question("sexual-function", "Have you noticed a new change in sexual function, such as loss of feeling?", True),
    Question("fever-unwell", "Do you have a fever, or feel very unwell, along with the back pain?", False),
    Question("cancer-weight", "Have you lost weight without trying, or have you ever had cancer?", False),
    Question("trauma", "Did the pain start after a significant fall or accident?", False),
    Question("night-pain", "Is the pain severe and constant, worse at night, and not eased by any position?", False),
)
BY_ID = {q.id: q for q in QUESTIONS}


@dataclass(frozen=True)
class Screen:
    day: date
    answers: dict[str, bool]

    @property
    def flagged(self) -> list[str]:
        return [qid for qid, yes in self.answers.items() if yes]

    @property
    def any_yes(self) -> bool:
        return any(self.answers.values())

    @property
    def emergency(self) -> bool:
        return any(BY_ID[qid].emergency for qid in self.flagged if qid in BY_ID)


def all_clear(day: date) -> Screen:
    return Screen(day, {q.id: False for q in QUESTIONS})


def status(latest: Screen | None) -> str:
    """'not-screened', 'clear' or 'red-flag' (not for self-care progression)."""
    if latest is None:
        return "not-screened"
    return "red-flag" if latest.any_yes else "clear"


def parse_yes_no(raw: str) -> bool | None:
    text = raw.strip().lower()
    if text in {"y", "yes"}:
        return True
    if text in {"n", "no"}:
        return False
    return None
