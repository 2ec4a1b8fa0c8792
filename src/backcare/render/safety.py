"""The safety notice (urgent care, a clinician's check, or the questions first) and a screen's result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare import messages
from backcare.domain.safety import SafetyState, describe_clearance, notice, notice_title

if TYPE_CHECKING:
    from rich.panel import Panel


def console(stderr: bool = False):  # Rich is imported only where a notice is shown (start-up time)
    from backcare.render.console import console as make

    return make(stderr=stderr)


def notice_panel(state: SafetyState) -> Panel:
    """The notice every command shows while something stands in the way of exercising."""
    from rich.panel import Panel
    from rich.text import Text

    style = "bold red" if state.stop else "bold yellow"
    return Panel(Text("\n\n".join(notice(state))), title=notice_title(state), border_style=style, style="bold")


def show_notice(state: SafetyState, *, stderr: bool = False) -> None:
    console(stderr=stderr).print(notice_panel(state))


def show_screen_result(state: SafetyState) -> None:
    """After a screen was recorded: the notice, or thanks for an all-clear.

    The all-clear is plain lines without styling, printed without Rich (start-up time: this is the daily
    `safety --none`); a clinician's name in a clearance is shown with its control characters made visible."""
    if state.blocked:
        console().print(notice_panel(state))
        return
    day = state.last_screen.isoformat() if state.last_screen else ""
    if state.history:
        lines = [f"Safety check recorded for {day}: no current symptoms. Thank you."]
    else:
        lines = [f"Safety check recorded for {day}: all answers 'no'. Thank you."]
    if state.clearance is not None:
        from backcare.textsafe import inert  # only a clearance quotes text a person typed

        lines.append(inert(describe_clearance(state.clearance)))
    lines.append(messages.NOT_A_DIAGNOSIS)
    print("\n".join(lines))


def show_session_advice(summary: str, advice: list[str]) -> None:
    """A logged session's summary, then any advice to contact the physio (in bold). Without advice the summary
    is a plain line, printed without Rich (start-up time of the daily `session --done`)."""
    if not advice:
        from backcare.textsafe import inert

        print(inert(summary, newlines=True))
        return
    from rich.text import Text

    out = console()
    out.print(Text(summary))
    for line in advice:
        out.print(Text(line, style="bold yellow"))
