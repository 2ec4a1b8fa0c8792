"""The guided, interactive session: one exercise at a time, with countdowns for holds."""

from __future__ import annotations

import select
import sys
import time
from datetime import date

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from backcare.cli.prompts import ask
from backcare.domain import checkin as ck
from backcare.domain.progress import Session
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


def _choice(text: str) -> str:
    answer = text.strip().lower()[:1]
    if answer not in ("d", "s", "q", ""):
        raise InvalidInput("Type d (done), s (skip) or q (stop here).")
    return answer or "d"


def _related(exercise_id: str) -> dict | None:
    try:
        from backcare.services.education import related_topic
    except ImportError:
        return None
    return related_topic(exercise_id)


def run_guided(
    store: Store, plan: Plan, day: date, *, timers: bool, pain_during: int | None, effort: int | None
) -> Logged:
    out = console()
    out.print(f"[bold]{plan.routine}[/bold] · {plan.stage_name} · {len(plan.exercises)} exercises")
    out.print(
        f"Pain up to {plan.pain_limit}/10 during the exercises is fine if it settles by tomorrow morning. "
        "Ctrl-C stops; what you marked is kept."
    )
    done: list[str] = []
    skipped: list[str] = []
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
            answer = ask("[d]one, [s]kip, or [q]uit", _choice, default="d")
            if answer == "q":
                skipped.extend(e["id"] for e in plan.exercises[n - 1 :])
                break
            (done if answer == "d" else skipped).append(ex["id"])
        if done and pain_during is None:
            pain_during = ask("Highest pain during the session (0-10)", lambda t: ck.parse_score(t, "pain"))
        if done and effort is None:
            effort = ask(
                "Effort (0-10, Enter to skip)", lambda t: ck.parse_score(t, "effort") if t.strip() else None, default=""
            )
    except KeyboardInterrupt:
        if not done:
            raise
        out.print("\nStopped. Keeping what you marked.")
    skipped += [e["id"] for e in plan.exercises if e["id"] not in done and e["id"] not in skipped]
    return sessions.save(
        store, Session(day, plan.routine, plan.stage, tuple(done), tuple(skipped), pain_during, effort), plan.settings
    )
