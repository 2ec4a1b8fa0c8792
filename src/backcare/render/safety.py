"""The urgent-care message and the result of a safety screen."""

from __future__ import annotations

from rich.panel import Panel

from backcare import messages
from backcare.domain.safety import BY_ID, Screen
from backcare.render.console import console


def urgent_panel(screen: Screen) -> Panel:
    lines = [messages.URGENT_EMERGENCY if screen.emergency else messages.URGENT_SOON, ""]
    lines += [f"• {BY_ID[q].text}" for q in screen.flagged if q in BY_ID]
    lines += ["", messages.NOT_FOR_PROGRESSION]
    return Panel("\n".join(lines), title="SEEK URGENT CARE", border_style="bold red", style="bold")


def show_screen_result(screen: Screen) -> None:
    out = console()
    if screen.any_yes:
        out.print(urgent_panel(screen))
    else:
        out.print(f"Safety check recorded for {screen.day.isoformat()}: all answers 'no'. Thank you.")
        out.print(messages.NOT_A_DIAGNOSIS)
