"""The clinic panel and one patient's page as plain text lines (plain values in; no Rich needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcare.domain.clinic import Summary


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def panel_lines(rows: Sequence[Summary], server: str) -> list[str]:
    """One line per patient, who needs attention first."""
    if not rows:
        return [f"No patients with backcare records on {server}."]
    head = (
        f"{'Patient':<20} {'Last check-in':<13} {'Pain 7d':>7} {'Change since baseline':<28} {'Sess 14d':>8}  Attention"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        ident = r.identifier if len(r.identifier) <= 20 else r.identifier[:19] + "~"
        last = r.last_checkin.isoformat() if r.last_checkin else "-"
        lines.append(
            f"{ident:<20} {last:<13} {_num(r.pain_7d):>7} {r.change:<28} "
            f"{r.sessions_14d:>8}  {', '.join(r.reasons) or '-'}"
        )
    n = len(rows)
    lines.append(f"{n} patient{'' if n == 1 else 's'} on {server}; who needs attention first.")
    return lines


def patient_lines(
    summary: Summary, weeks: Sequence[tuple[date, float | None, int]], notes: Sequence[tuple[date, str]]
) -> list[str]:
    last = summary.last_checkin.isoformat() if summary.last_checkin else "none"
    lines = [
        f"Patient {summary.identifier} (server id {summary.server_id})",
        f"Last check-in: {last}; pain over the last 7 days: {_num(summary.pain_7d)}",
        f"Pain since the baseline: {_num(summary.baseline)} -> {_num(summary.recent)}, {summary.change}",
        f"Sessions in the last 14 days: {summary.sessions_14d}",
        f"Needs attention: {', '.join(summary.reasons) or 'nothing flagged'}",
        "",
        "Weekly pain (week from, mean, check-ins):",
    ]
    for start, mean, n in weeks:
        bar = "#" * round(mean) if mean is not None else ""
        lines.append(f"  {start.isoformat()}  {_num(mean):>4}  {n}  {bar}")
    if notes:
        lines += ["", "Latest notes:"]
        lines += [f"  {day.isoformat()}  {text}" for day, text in notes]
    return lines
