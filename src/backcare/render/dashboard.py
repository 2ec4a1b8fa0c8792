"""The daily dashboard, in plain text (it runs every day, so it avoids Rich's import cost).

It shows the dashboard's JSON shape (`Dashboard.as_dict()`, what `today --json` prints): plain dicts and lists, as
the day's kept dashboard is read back, so showing a kept one loads none of the classes that decide it."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import TYPE_CHECKING

from backcare import messages
from backcare.render.plain import Out, eased_words, table_lines

if TYPE_CHECKING:  # (typing only: showing a kept dashboard makes none of the dashboard's classes)
    from backcare.domain.dashboard import DashboardJson, SafetyJson


def bar(value: int | None) -> str:
    """A tiny text bar for a 0-10 score; '·' for a missing day (a gap, not a zero)."""
    return "·" if value is None else "█" * value + "░" * (10 - value)


def show(data: DashboardJson) -> None:
    out = Out()
    out.row([("backcare", "bold"), (f" · {data['date_label']}", "")])
    safety = data["safety"]
    if safety["status"] == "not-screened":
        out.para(safety["message"] or "", "yellow")
    elif safety["lines"]:
        _notice(out, safety)
    elif safety["recheck_due"]:
        out.para(messages.RECHECK_DUE.format(why=safety["recheck_reason"]), "yellow")
    elif safety["next_recheck"]:
        out.para(messages.RECHECK_NEXT.format(day=safety["next_recheck"]))

    if data["checked_in"]:
        out.para(f"Today: checked in (pain {data['pain']}, stiffness {data['stiffness']}).")
        if data["today_more"]:
            out.para(data["today_more"])
    else:
        out.para(messages.CHECKIN_HINT)

    wide = out.width >= 60
    rows = []
    for row in data["last_7_days"]:
        day = date.fromisoformat(row["date"])
        pain, stiff = row["pain"], row["stiffness"]
        cells = [f"{day:%a %d}", "-" if pain is None else str(pain)]
        cells += [bar(pain)] if wide else []
        cells += ["-" if stiff is None else str(stiff)]
        cells += [bar(stiff)] if wide else []
        rows.append(cells)
    header = ["Day", "Pain", "", "Stiff", ""] if wide else ["Day", "Pain", "Stiff"]
    out.para("Last 7 days", "bold")
    for line in table_lines(header, rows, align="lrlrl" if wide else "lrr"):
        out.row([(line, "")])
    out.para(streak_line(data["streak"], data["days_in_last_7"]))
    backfill = data["backfill"]
    if backfill:
        day = date.fromisoformat(backfill["date"])
        out.para(f"Missed {day:%a} {day.day} {day:%b}? Fill it in: {backfill['command']}")
    _routine(out, data)
    for due in data["measures_due"]:
        when = f"last taken {due['last']}" if due["last"] else "not taken yet"
        out.para(f"Outcome measure due: {due['title']} ({when}).")
        out.para(f"  Take it: backcare measure take {due['id']}")
    topic = data["topic"]
    if topic:
        out.para(f"Topic of the day: {topic['title']}. {topic['summary']}")
        out.para(f"  Read it: backcare learn {topic['id']}")
    out.flush()


def streak_line(run: int, recent: int | None) -> str:
    """'Streak: 3 days in a row · 5 of the last 7 days.' (the count left out when not given)."""
    if not run and not recent:
        return "Streak: start one today."
    days = f"{run} day{'s' if run != 1 else ''} in a row" if run else "no current run"
    return f"Streak: {days}." if recent is None else f"Streak: {days} · {recent} of the last 7 days."


def _notice(out: Out, safety: SafetyJson) -> None:
    """The safety notice: the same lines `session`, `routine` and the report show."""
    urgent = safety["status"] == "red-flag"
    style = "bold red" if urgent else "bold yellow"
    rule = "!" * min(out.width, 72)
    out.row([(rule, style)])
    out.para(safety["title"] or "", style)
    for n, line in enumerate(safety["lines"]):
        if line.startswith("You answered"):
            _bullet(out, line)
        else:
            out.para(line, "bold" if n == 0 else "")
    out.row([(rule, style)])


def _bullet(out: Out, text: str) -> None:
    for line in textwrap.wrap(text, max(10, out.width - 4), initial_indent="  • ", subsequent_indent="    "):
        out.row([(line, "")])


def _routine(out: Out, data: DashboardJson) -> None:
    problem, note = data.get("routine_problem"), data.get("routine_note")
    if problem:
        out.para(f"Routine: {problem}", "red")
        return
    prog = data["progression"]
    if not prog:
        return
    if note:
        out.para(note, "yellow")
    stage = prog["stage"]["name"] if prog["stage"] else ""
    label = messages.DECISION_LABELS.get(prog["decision"], prog["decision"])
    out.para(f"Routine: {data['routine']} · {stage} · {label}", "bold")
    if prog["decision"] == "stop":  # the reasons are the safety notice, shown above
        out.para("No exercises today: see the safety notice above.")
        return
    # A hold lists what is still to do (the first few); easing off, a settling flare-up (both with the flare-up
    # plan) and stopping are shown whole.
    whole = prog["decision"] in ("step_back", "stop") or prog["flare"]
    reasons = prog["reasons"] if whole else prog["reasons"][:3]
    for reason in reasons:
        _bullet(out, reason)
    if data["session_done"]:
        out.para("Today's session: done. Well done.", "green")
        return
    exercises = prog["exercises"]
    if exercises:
        out.para("Today's exercises", "bold")
        rows = [
            [str(n), ex["name"] + eased_words(ex["easier_version_of"], ex["lighter"]), ex["dose"]]
            for n, ex in enumerate(exercises, start=1)
        ]
        lines = table_lines(["#", "Exercise", "Dose"], rows, align="rll")
        if max(map(len, lines)) <= out.width:
            for line in lines:
                out.row([(line, "")])
        else:  # too narrow for columns: one wrapped line per exercise
            for n, name, dose in rows:
                text = f"{n}. {name}: {dose}"
                for line in textwrap.wrap(text, out.width, subsequent_indent="   "):
                    out.row([(line, "")])
        for number, ex in enumerate(exercises, start=1):
            if ex["notes"]:
                for line in textwrap.wrap(f"{number}. {ex['name']}, from your physio: {ex['notes']}", out.width):
                    out.row([(line, "")])
        out.para("Start a guided session: backcare session")
