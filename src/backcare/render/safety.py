"""The safety notice (urgent care, a clinician's check, or the questions first) and a screen's result."""

from __future__ import annotations

from rich.panel import Panel
from rich.text import Text

from backcare import messages
from backcare.domain.safety import SafetyState, describe_clearance, notice, notice_title
from backcare.render.console import console


def notice_panel(state: SafetyState) -> Panel:
    """The notice every command shows while something stands in the way of exercising."""
    style = "bold red" if state.stop else "bold yellow"
    return Panel(Text("\n\n".join(notice(state))), title=notice_title(state), border_style=style, style="bold")


def show_notice(state: SafetyState, *, stderr: bool = False) -> None:
    console(stderr=stderr).print(notice_panel(state))


def show_screen_result(state: SafetyState) -> None:
    """After a screen was recorded: the notice, or thanks for an all-clear."""
    out = console()
    if state.blocked:
        out.print(notice_panel(state))
    else:
        day = state.last_screen.isoformat() if state.last_screen else ""
        if state.history:
            out.print(f"Safety check recorded for {day}: no current symptoms. Thank you.")
        else:
            out.print(f"Safety check recorded for {day}: all answers 'no'. Thank you.")
        if state.clearance is not None:
            out.print(Text(describe_clearance(state.clearance)))
        out.print(messages.NOT_A_DIAGNOSIS)


def show_session_advice(summary: str, advice: list[str]) -> None:
    """A logged session's summary, then any advice to contact the physio (in bold)."""
    out = console()
    out.print(Text(summary))
    for line in advice:
        out.print(Text(line, style="bold yellow"))
