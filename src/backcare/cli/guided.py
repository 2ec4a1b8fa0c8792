"""The guided, interactive session: one exercise at a time, with countdowns for holds."""

from __future__ import annotations

import select
import sys
import time
from datetime import date

from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from backcare.cli.prompts import ask
from backcare.domain import checkin as ck
from backcare.domain.progress import DONE, PARTLY, SKIPPED, ExerciseRecord, Session
from backcare.errors import InvalidInput
from backcare.render.console import console
from backcare.render.routine import exercise_card
from backcare.services import sessions
from backcare.services.sessions import Logged, Plan
from backcare.store import Store


def _enter_pressed() -> bool:
    try:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
    except (OSError, ValueError):
        return False
    if ready:
        sys.stdin.readline()
        return True
    return False


def countdown(seconds: int, label: str) -> bool:
    """Count down a hold; returns False when the person pressed Enter to skip the rest."""
    out = console()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), console=out, transient=True
    ) as bar:
        task = bar.add_task(label, total=seconds)
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if _enter_pressed():
                return False
            bar.update(task, completed=seconds - left)
            time.sleep(0.1)
    return True


MAX_SETS = 99


def _choice(text: str) -> str | int:
    """d (done), s (skip), q (stop here), or the number of sets done."""
    answer = text.strip().lower()
    if answer.isdigit() and len(answer) <= 2:
        return int(answer)
    answer = answer[:1]
    if answer not in ("d", "s", "q", ""):
        raise InvalidInput(f"Type d (done), s (skip), q (stop here) or the number of sets you did (0-{MAX_SETS}).")
    return answer or "d"


def _marked(plan: Plan, ex: dict, answer: str | int) -> ExerciseRecord:
    """The record of an exercise from the answer: done, skipped, or a number of sets (fewer than prescribed is
    partly done, none is skipped)."""
    if answer == "d":
        return sessions.record(plan, ex["id"], DONE)
    if answer == "s" or answer == 0:
        return sessions.record(plan, ex["id"], SKIPPED)
    assert isinstance(answer, int)
    return sessions.record(plan, ex["id"], DONE if answer >= (ex.get("sets") or 1) else PARTLY, answer)


def _related(exercise_id: str) -> dict | None:
    try:
        from backcare.services.education import related_topic
    except ImportError:
        return None
    return related_topic(exercise_id)


def run_guided(
    store: Store, plan: Plan, day: date, *, timers: bool, pain_during: int | None, effort: int | None
) -> Logged | None:
    """Guide the day's exercises and log them as a new session; None when stopped before anything was marked.
    q, Ctrl-C and Ctrl-D all stop the same way: what was marked is kept, in one write."""
    out = console()
    out.print(f"[bold]{escape(plan.routine)}[/bold] · {escape(plan.stage_name)} · {len(plan.exercises)} exercises")
    out.print(
        f"Pain up to {plan.pain_limit}/10 during the exercises is fine if it settles by tomorrow morning. "
        "q, Ctrl-C or Ctrl-D stops; what you marked is kept."
    )
    started = sessions.started_at(day)
    marked: list[ExerciseRecord] = []
    total = len(plan.exercises)
    try:
        for n, ex in enumerate(plan.exercises, start=1):
            out.print(exercise_card(ex, n, total, _related(ex["id"])))
            if timers and ex["hold_seconds"]:
                reps = ex["sets"] * ex["reps"] * (2 if ex["side"] == "each" else 1)
                ask("Press Enter to start the timer", str, default="")
                for rep in range(1, reps + 1):
                    if not countdown(ex["hold_seconds"], f"Hold {rep}/{reps} (Enter skips)"):
                        break
            answer = ask("[d]one, [s]kip, [q]uit, or the number of sets you did", _choice, default="d")
            if answer == "q":
                break
            marked.append(_marked(plan, ex, answer))
        if any(r.status != SKIPPED for r in marked):
            if pain_during is None:
                pain_during = ask("Highest pain during the session (0-10)", lambda t: ck.parse_score(t, "pain"))
            if effort is None:
                effort = ask(
                    "Effort (0-10, Enter to skip)",
                    lambda t: ck.parse_score(t, "effort") if t.strip() else None,
                    default="",
                )
    except (KeyboardInterrupt, EOFError):
        out.print("\nStopped. Keeping what you marked." if marked else "\nStopped.")
    if not marked:
        return None
    seen = {r.id for r in marked}
    rest = tuple(sessions.record(plan, e["id"], SKIPPED) for e in plan.exercises if e["id"] not in seen)
    session = Session.of(day, plan.routine, plan.stage, (*marked, *rest), pain_during, effort, started)
    return sessions.save(store, session, plan.settings)
