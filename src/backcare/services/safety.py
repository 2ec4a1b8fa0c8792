"""The red-flag screen and clinicians' clearances: reading and recording them for the commands."""

from __future__ import annotations

from datetime import date

from backcare.domain import safety
from backcare.domain.safety import Clearance, SafetyState, Screen
from backcare.errors import BackcareError, InvalidInput
from backcare.store import Store

MAX_NAME = 200
MAX_NOTE = 1000


def last_step_back(store: Store) -> date | None:
    """The latest day backcare eased off after a flare-up (any routine)."""
    days = [e.day for e in store.stage_history() if e.decision == "step_back"]
    return max(days) if days else None


def current(store: Store, today: date) -> SafetyState:
    """What the stored screens and clearances mean today."""
    return safety.assess(store.screens(), store.clearances(), today, last_step_back=last_step_back(store))


def gate(store: Store, today: date) -> SafetyState:
    """The safety state the progression engine needs (without the re-check schedule)."""
    return safety.assess(store.screens(), store.clearances(), today)


def screened(store: Store) -> bool:
    return store.latest_screen() is not None


def open_emergency(store: Store) -> date | None:
    """The day of an emergency answer that no later screen says a doctor has seen, if any."""
    return safety.unseen_since(store.screens())


def record(store: Store, screen: Screen) -> SafetyState:
    """Store a screen; returns the state it leaves, as its result is shown (see `_left`)."""
    earlier, kept = store.add_screen(lambda _: screen)
    return _left(store, [*earlier, kept], kept.day)


def answer(store: Store, day: date, answers: dict[str, bool], seen_doctor: bool | None) -> SafetyState:
    """Record the answers given on `day` (`safety --none` / `--yes-to`) and return the state they leave.

    An emergency answer that no later screen says a doctor has seen needs `seen_doctor` (yes or no) unless these
    answers are themselves an emergency; without it nothing is kept (a usage error). The screens are read once,
    in the same transaction as the write, and the check and the result are worked out from them."""

    def make(earlier: list[Screen]) -> Screen:
        unseen = safety.unseen_since(earlier)
        if unseen is not None and seen_doctor is None and not Screen(day, answers).emergency:
            raise InvalidInput(
                f"On {unseen.isoformat()} you answered 'yes' to a sign that needs the emergency department: "
                "add --seen-doctor yes or --seen-doctor no (has a doctor seen you about it since?)."
            )
        return Screen(day, answers, seen_doctor if unseen is not None else None)

    earlier, kept = store.add_screen(make)
    return _left(store, [*earlier, kept], day)


def _left(store: Store, screens: list[Screen], day: date) -> SafetyState:
    """The state the screens (the new one last) leave on `day`, after any decision kept for the day follows it.

    Read no more than the result shows (render.safety.show_screen_result: the notice or the all-clear, never the
    re-check schedule): no stage history (the flare-up that would make a re-check due), and the clearances only
    when history answers stand (a clearance covers nothing else)."""
    _refresh_day(store, day)
    state = safety.assess(screens, (), day)
    if state.history:
        state = safety.assess(screens, store.clearances(), day)
    return state


def answers_from_flags(flags: list[str], *, only_current: bool = False) -> dict[str, bool]:
    """An answer for every question ('yes' to the given ids); unknown ids are a usage error."""
    questions = safety.CURRENT_QUESTIONS if only_current else safety.QUESTIONS
    known = {q.id for q in questions}
    unknown = [f for f in flags if f not in known]
    if unknown:
        raise InvalidInput(f"Unknown question id {unknown[0]!r}; see 'backcare safety --list'.")
    return {q.id: q.id in flags for q in questions}


def _clean(text: str, what: str, limit: int) -> str:
    value = text.strip()
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise InvalidInput(f"{what} cannot contain control characters (such as tabs, newlines or escapes).")
    if len(value) > limit:
        raise InvalidInput(f"{what} is {len(value)} characters long; keep it to {limit} or fewer.")
    return value


def clear(store: Store, by: str, note: str | None, today: date) -> tuple[Clearance, SafetyState]:
    """Record a clinician's clearance of the history answers that stand now.

    A clearance covers history answers only: it never lifts a current symptom, and with no history answer
    standing there is nothing to clear (a clearance cannot cover answers not given yet).
    """
    name = _clean(by, "--by", MAX_NAME)
    if not name:
        raise InvalidInput("--by needs the name of the clinician who cleared you, e.g. --by 'Dr A Khan (GP)'.")
    text = _clean(note, "--note", MAX_NOTE) if note is not None else None
    before = current(store, today)
    if not before.screened:
        raise BackcareError("There is nothing to clear yet: answer the safety questions first (run: backcare safety).")
    if not before.history:
        extra = (
            ", and a current symptom is lifted only by a later screen that is all 'no' (run: backcare safety)"
            if before.stop
            else ""
        )
        raise BackcareError(
            "There is nothing to clear: your latest safety answers have no 'yes' about your history "
            f"(a past cancer, or pain that began with a fall or accident){extra}."
        )
    clearance = Clearance(today, name, text or None, before.history)
    store.record_clearance(clearance)
    _refresh_day(store, today)
    return clearance, current(store, today)


def _refresh_day(store: Store, day: date) -> None:
    if not store.any_day_decision(day):  # nothing kept for the day to follow the answers: no routine to load
        return
    from backcare.services import routines  # imported here: routines decides with this module's gate

    routines.refresh_day(store, day)
