"""Interactive questions (Rich prompts). Only imported when a person is at a terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from rich.markup import escape
from rich.prompt import Prompt
from rich.text import Text

from backcare.domain import checkin as ck
from backcare.domain.checkin import CheckIn
from backcare.errors import InvalidInput
from backcare.render.console import console

if TYPE_CHECKING:
    from backcare.services.checkins import Offers
    from backcare.store import Store

T = TypeVar("T")


def ask(question: str, parse: Callable[[str], T], *, default: str | None = None) -> T:
    """Ask until `parse` accepts the answer; a bad answer explains itself and asks again."""
    out = console(stderr=True)
    while True:
        answer = Prompt.ask(escape(question), console=out, default=default, show_default=default not in (None, ""))
        try:
            return parse(answer or "")
        except InvalidInput as exc:
            from backcare.textsafe import inert

            out.print(f"[red]{escape(inert(exc.message))}[/red] Please try again.")


def _score(name: str, *, optional: bool) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        if not text.strip():
            if optional:
                return None
            raise InvalidInput(f"{name} is needed: type a whole number from 0 to 10.")
        return ck.parse_score(text, name)

    return parse


def ask_checkin(values: dict, *, ask_note: bool, current: CheckIn | None = None, offers: Offers | None = None) -> dict:
    """Ask for whatever core value is missing, then the optional ones (Enter skips)."""
    out = console(stderr=True)
    if current is None:
        out.print("[bold]Daily check-in[/bold] (each scale runs 0-10; Enter skips optional questions)")
    else:
        out.print(f"Updating today's check-in (now pain {current.pain}, stiffness {current.stiffness}).")
    answers: dict = {}
    for name, label, optional in (
        ("pain", f"Back pain, on average over the last 24 hours ({ck.scale('pain')})", False),
        ("stiffness", f"Stiffness ({ck.scale('stiffness')})", False),
        ("sleep", f"Sleep quality last night ({ck.scale('sleep')}; optional)", True),
        ("stress", f"Stress today ({ck.scale('stress')}; optional)", True),
    ):
        if values.get(name) is None:
            default = str(getattr(current, name)) if current and getattr(current, name) is not None else None
            answers[name] = ask(label, _score(name, optional=optional or current is not None), default=default)
    if values.get("leg_pain") is None:
        answers.update(
            _ask_leg(leg_first=bool((offers and offers.leg_first) or (current and current.leg_pain)), current=current)
        )
    if values.get("meds") is None:
        answers["meds"] = _ask_picks("Medicines taken today", offers.meds if offers else [], ck.parse_meds, False)
    if values.get("tags") is None:
        answers["tags"] = _ask_picks("Tags for today", offers.tags if offers else [], ck.parse_tags, True)
    if ask_note:
        answers["note"] = ask("A short note (optional)", ck.parse_note, default="")
    return answers


def _ask_leg(*, leg_first: bool, current: CheckIn | None = None) -> dict:
    """Leg pain: straight away when it has mattered lately, otherwise after a yes to "any pain down the leg?".
    Updating a day offers its leg pain and side as the defaults, so Enter keeps them."""
    label = f"Pain down the leg today ({ck.scale('leg_pain')})"
    was_pain = current.leg_pain if current else None
    was_side = (current.leg_side if current else None) or ""
    if leg_first:
        default = "" if was_pain is None else str(was_pain)
        pain = ask(f"{label}; optional", _score("leg pain", optional=True), default=default)
    else:
        if not ask("Any pain down the leg today? [y/n, Enter for no]", _yes_no_or_skip, default=""):
            return {}
        pain = ask(label, _score("leg pain", optional=False))
    if not pain:
        return {"leg_pain": pain}

    def side(text: str) -> str | None:
        return ck.parse_leg(pain, text.strip() or None)[1]

    question = "Which leg: left, right or both?" + ("" if was_side else " (Enter skips)")
    return {"leg_pain": pain, "leg_side": ask(question, side, default=was_side)}


def _yes_no_or_skip(text: str) -> bool | None:
    from backcare.domain.safety import parse_yes_no

    if not text.strip():
        return None
    answer = parse_yes_no(text)
    if answer is None:
        raise InvalidInput("Please answer y (yes), n (no), or press Enter to skip.")
    return answer


def _ask_picks(what: str, offered: list[str], parse: Callable, words: bool) -> tuple[str, ...] | None:
    """Recent items by number ("1) desk  2) gardening") and new ones as text; Enter: none."""
    from backcare.textsafe import inert

    out = console(stderr=True)
    if offered:
        out.print(Text(inert(f"  {ck.numbered(offered)}")))
        question = f"{what}: pick numbers or type new ones (optional)"
    else:
        question = f"{what}, separated by commas (optional)"

    def parse_answer(text: str) -> tuple[str, ...] | None:
        return parse(ck.pick(text, offered, words=words))

    return ask(question, parse_answer, default="")


def ask_yes_no(question: str) -> bool:
    from backcare.domain.safety import parse_yes_no

    def parse(text: str) -> bool:
        answer = parse_yes_no(text)
        if answer is None:
            raise InvalidInput("Answer y (yes) or n (no).")
        return answer

    return ask(f"{question} [y/n]", parse)


def ask_settled() -> bool | None:
    question = "Did any soreness from yesterday's session settle by this morning? [y/n]"
    return ask(question, _yes_no_or_skip, default="")


def run_safety_screen(store: Store, day: date, *, only_current: bool = False, why: str | None = None) -> None:
    """Ask the red-flag questions (all of them, or the current-symptom ones for a re-check) and record them.

    When the last emergency answer has not been seen by a doctor, ask about that first.
    """
    from backcare import messages
    from backcare.domain.safety import CURRENT_QUESTIONS, QUESTIONS, Screen
    from backcare.render.safety import show_screen_result
    from backcare.services import safety

    out = console(stderr=True)
    if only_current:
        out.print(f"[bold]Safety re-check[/bold] ({escape(why or 'it is due')}). {messages.RECHECK_INTRO}")
    else:
        out.print(f"[bold]Safety check[/bold]. {messages.SAFETY_INTRO}")
    emergency = safety.open_emergency(store)
    seen = ask_yes_no(messages.SEEN_DOCTOR_QUESTION.format(day=emergency.isoformat())) if emergency else None
    questions = CURRENT_QUESTIONS if only_current else QUESTIONS
    answers = {q.id: ask_yes_no(q.text) for q in questions}
    show_screen_result(safety.record(store, Screen(day, answers, seen)))


def first_run_safety(store: Store, day: date) -> bool:
    """Before the first check-in or exercise session at a terminal, ask the red-flag questions.

    True when they were asked (and their result shown) now."""
    from backcare.services import safety

    if safety.screened(store):
        return False
    run_safety_screen(store, day)
    return True


def safety_before_checkin(store: Store, day: date) -> None:
    """At a terminal: the first screen, or the current-symptom re-check when one is due (28 days, a flare-up)."""
    from backcare.services import safety

    if not safety.screened(store):
        run_safety_screen(store, day)
        return
    state = safety.current(store, day)
    if state.recheck_due:
        run_safety_screen(store, day, only_current=True, why=state.recheck_reason)
