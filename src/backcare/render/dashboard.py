"""The daily dashboard."""

from __future__ import annotations

from datetime import date

from rich.table import Table

from backcare import messages
from backcare.domain.safety import Screen
from backcare.render.console import bar, console
from backcare.render.safety import urgent_panel


def show(data: dict, latest_screen: Screen | None) -> None:
    out = console()
    out.print(f"[bold]backcare[/bold] · {data['date_label']}")
    safety = data["safety"]
    if safety["status"] == "red-flag" and latest_screen is not None:
        out.print(urgent_panel(latest_screen))
    elif safety["status"] == "not-screened":
        out.print(f"[yellow]{messages.SAFETY_REMINDER}[/yellow]")

    if data["checked_in"]:
        out.print(f"Today: checked in (pain {data['pain']}, stiffness {data['stiffness']}).")
    else:
        out.print(messages.CHECKIN_HINT)

    narrow = out.width < 60
    table = Table(title="Last 7 days", title_justify="left", show_edge=False, pad_edge=False, box=None)
    table.add_column("Day")
    table.add_column("Pain", justify="right")
    if not narrow:
        table.add_column("", no_wrap=True)
    table.add_column("Stiff", justify="right")
    if not narrow:
        table.add_column("", no_wrap=True)
    for row in data["last_7_days"]:
        day = date.fromisoformat(row["date"])
        label = f"{day:%a %d}"
        pain, stiff = row["pain"], row["stiffness"]
        cells = [label, "-" if pain is None else str(pain)]
        if not narrow:
            cells.append(bar(pain))
        cells.append("-" if stiff is None else str(stiff))
        if not narrow:
            cells.append(bar(stiff))
        table.add_row(*cells)
    out.print(table)
    streak = data["streak"]
    out.print(f"Streak: {streak} day{'s' if streak != 1 else ''} in a row." if streak else "Streak: start one today.")

    _routine(out, data)
    topic = data.get("topic")
    if topic:
        out.print(f"[bold]Topic of the day:[/bold] {topic['title']}. {topic['summary']}")
        out.print(f"  Read it: backcare learn {topic['id']}")


def _routine(out, data: dict) -> None:
    from backcare.render.routine import decision_label, exercise_table

    if data.get("routine_problem"):
        out.print(f"[red]Routine: {data['routine_problem']}[/red]")
        return
    prog = data.get("progression")
    if not prog:
        return
    stage = prog["stage"]["name"] if prog["stage"] else ""
    out.print(f"[bold]Routine:[/bold] {data['routine']} · {stage} · {decision_label(prog['decision'])}")
    for reason in prog["reasons"][:3]:
        out.print(f"  • {reason}")
    if prog["decision"] == "stop":
        return
    if data["session_done"]:
        out.print("Today's session: done. Well done.")
        return
    if prog["exercises"]:
        out.print(exercise_table(prog["exercises"], narrow=True))
        out.print("Start a guided session: backcare session")


def show_stop(reasons: tuple[str, ...] | list[str]) -> None:
    from rich.panel import Panel

    from backcare import messages

    out = console()
    body = "\n".join([*reasons, "", messages.URGENT_SOON, messages.NOT_FOR_PROGRESSION])
    out.print(Panel(body, title="NO EXERCISES TODAY: SEEK MEDICAL ADVICE", border_style="bold red", style="bold"))
