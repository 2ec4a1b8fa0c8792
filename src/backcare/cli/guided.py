"""The guided, interactive session: one exercise at a time, with countdowns for holds."""

from __future__ import annotations

import os
import select
import sys
import time
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from backcare.cli.prompts import ask
from backcare.domain import checkin as ck
from backcare.domain.progress import DONE, PARTLY, SKIPPED, ExerciseRecord, Session
from backcare.domain.routine import format_duration, format_seconds
from backcare.errors import InvalidInput
from backcare.render.console import console, joined
from backcare.render.routine import exercise_card
from backcare.services import sessions
from backcare.services.sessions import Logged, Plan
from backcare.textsafe import inert

if TYPE_CHECKING:
    from backcare.domain.education import RelatedTopic
    from backcare.domain.exercise_entry import TodaysExercise
    from backcare.store import Store

SCALE_ENV = "BACKCARE_TIMER_SCALE"  # for tests and demonstrations: 0.01 runs every timer 100 times faster
HOLD_REST = 5  # seconds between holds when the routine sets no rest
SET_REST = 30  # seconds between sets when the routine sets no rest


class _Quit(Exception):
    """q pressed during a timer."""


def _scale() -> float:
    try:
        value = float(os.environ.get(SCALE_ENV, "1"))
    except ValueError:
        return 1.0
    return value if 0 < value <= 1 else 1.0


class Keys:
    """Single key presses while a timer runs: Enter skips the timer, p pauses (any key resumes), q quits.
    In a terminal the keys are read one at a time (cbreak mode, restored afterwards); otherwise by line."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.saved: list | None = None

    def __enter__(self) -> Keys:
        try:
            import termios
            import tty

            fd = sys.stdin.fileno()
            if os.isatty(fd):
                self.saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
                self.fd = fd
        except (ImportError, OSError, ValueError, AttributeError):
            self.fd = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None and self.saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def key(self, timeout: float | None) -> str | None:
        """The next key within timeout seconds (None: wait), or None."""
        try:
            ready, _, _ = select.select([sys.stdin], [], [], timeout)
        except (OSError, ValueError):
            if timeout:
                time.sleep(timeout)
            return None
        if not ready:
            return None
        if self.fd is not None:
            data = os.read(self.fd, 1)
            if not data or data == b"\x04":
                raise EOFError
            return data.decode(errors="replace")
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.strip()[:1] or "\n"


def countdown(seconds: int, label: str, *, keys: Keys, bell: bool, timed: bool = False) -> bool:
    """Count down `seconds` shown as `label`; False when Enter skipped it. p pauses, q quits (_Quit).
    A timed activity (timed=True) shows its length in minutes, as "20 min"."""
    out = console()
    scale = _scale()
    left = float(seconds)
    label = inert(label)  # it names the exercise, which may come from a physio's file
    out.print(Text(f"{label}: {format_duration(seconds) if timed else format_seconds(seconds)}"))
    shown, every = seconds, (5 if seconds <= 60 else 60)  # how often the time left is shown
    while left > 0:
        step = min(1.0, left)
        began = time.monotonic()
        key = keys.key(step * scale)
        left -= (time.monotonic() - began) / scale
        if key in ("\n", "\r", " "):
            out.print("  skipped", highlight=False)
            return False
        if key in ("q", "Q"):
            raise _Quit
        if key in ("p", "P"):
            out.print("  paused: press any key to go on", highlight=False)
            keys.key(None)
            out.print("  going on", highlight=False)
            continue
        if key is None and int(left + 0.999) < shown and int(left + 0.999) % every == 0 and left > 0:
            shown = int(left + 0.999)
            out.print(f"  {format_seconds(shown)} left", highlight=False)
    if bell:  # the terminal bell, written as is (Rich would drop it)
        out.file.write("\a")
        out.file.flush()
    out.print("  done", highlight=False)
    return True


def _rest(seconds: int, what: str, *, keys: Keys, bell: bool) -> None:
    if seconds > 0:
        countdown(seconds, f"Rest before {what}", keys=keys, bell=bell)


def run_timers(ex: TodaysExercise, *, keys: Keys, bell: bool) -> None:
    """The prescription, timed: each hold (or the activity's duration) one at a time, with the rest between
    holds and between sets; an each-side exercise does the left side, then the right."""
    sets = ex.sets or 1
    sides = ("left", "right") if ex.side == "each" else (None,)
    rest = ex.rest_seconds
    duration = ex.duration_seconds
    hold = ex.hold_seconds
    reps = 1 if duration else (ex.reps or 1)
    steps: list[tuple[int, str | None, str, int]] = []  # (set, side, label, seconds), in order
    for s in range(1, sets + 1):
        for side in sides:
            where = f", {side} side" if side else ""
            for r in range(1, reps + 1):
                if duration:  # a walk, a carry: "Easy walk: 20 min", "Farmer carry, 2 of 3: 30 s"
                    bout = f", {s} of {sets}" if sets > 1 else ""
                    steps.append((s, side, f"{ex.name}{bout}{where}", duration))
                else:
                    steps.append((s, side, f"Set {s} of {sets}{where}, hold {r} of {reps}", hold or 0))
    for index, (this_set, side, label, seconds) in enumerate(steps):
        if index:
            previous_set, previous_side = steps[index - 1][:2]
            if this_set != previous_set:
                _rest(SET_REST if rest is None else rest, f"set {this_set}", keys=keys, bell=bell)
            elif side != previous_side:
                _rest(HOLD_REST if rest is None else rest, f"the {side} side", keys=keys, bell=bell)
            else:
                _rest(HOLD_REST if rest is None else rest, "the next hold", keys=keys, bell=bell)
        countdown(seconds, label, keys=keys, bell=bell, timed=bool(duration))


MAX_SETS = 99


def _choice(text: str) -> str | int:
    """d (done), s (skip), q (stop here), or the number of sets done."""
    answer = text.strip().lower()
    if answer.isascii() and answer.isdigit() and len(answer) <= 2:
        return int(answer)
    answer = answer[:1]
    if answer not in ("d", "s", "q", ""):
        raise InvalidInput(f"Type d (done), s (skip), q (stop here) or the number of sets you did (0-{MAX_SETS}).")
    return answer or "d"


def _marked(plan: Plan, ex: TodaysExercise, answer: str | int) -> ExerciseRecord:
    """The record of an exercise from the answer: done, skipped, or a number of sets (fewer than prescribed is
    partly done, none is skipped)."""
    if answer == "d":
        return sessions.record(plan, ex.id, DONE)
    if answer == "s" or answer == 0:
        return sessions.record(plan, ex.id, SKIPPED)
    assert isinstance(answer, int)
    sets = ex.sets or 1
    return sessions.record(plan, ex.id, DONE if answer >= sets else PARTLY, min(answer, sets))


def _related(exercise_id: str) -> RelatedTopic | None:
    try:
        from backcare.services.education import related_topic
    except ImportError:
        return None
    return related_topic(exercise_id)


def run_guided(
    store: Store,
    plan: Plan,
    day: date,
    *,
    timers: bool,
    pain_during: int | None,
    effort: int | None,
    bell: bool = True,
) -> Logged | None:
    """Guide the day's exercises and log them as a new session; None when stopped before anything was marked.
    q (at a question or during a timer), Ctrl-C and Ctrl-D all stop the same way: what was marked is kept, in
    one write."""
    out = console()
    out.print(joined((plan.routine, "bold"), f" · {plan.stage_name} · {len(plan.exercises)} exercises"))
    out.print(
        f"Pain up to {plan.pain_limit}/10 during the exercises is fine if it settles by tomorrow morning. "
        "q, Ctrl-C or Ctrl-D stops; what you marked is kept."
    )
    if plan.notes:
        out.print(Text(inert(f"From your physio: {plan.notes.strip()}", newlines=True)))
    if timers:
        out.print("Timers: Enter skips the current one, p pauses, q stops.")
    started = sessions.started_at(day)
    marked: list[ExerciseRecord] = []
    total = len(plan.exercises)
    try:
        for n, ex in enumerate(plan.exercises, start=1):
            out.print(exercise_card(ex, n, total, _related(ex.id)))
            if timers and (ex.hold_seconds or ex.duration_seconds):
                ask("Press Enter to start the timer", str, default="")
                try:
                    with Keys() as keys:
                        run_timers(ex, keys=keys, bell=bell)
                except _Quit:
                    break
            answer = ask("[d]one, [s]kip, [q]uit, or the number of sets you did", _choice, default="d")
            if answer == "q":
                break
            if isinstance(answer, int) and answer > (ex.sets or 1):
                sets = ex.sets or 1
                out.print(Text(inert(f"{ex.name} has {sets} set{'s' if sets > 1 else ''} today: counted as done.")))
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
    rest = tuple(sessions.record(plan, e.id, SKIPPED) for e in plan.exercises if e.id not in seen)
    session = Session.of(day, plan.routine, plan.stage, (*marked, *rest), pain_during, effort, started)
    return sessions.save(store, session, plan.settings)
