"""The clinician report as Markdown: the same sections as the HTML page, the chart as weekly sparklines."""

from __future__ import annotations

import re

from backcare import __version__
from backcare.domain import trends as tr
from backcare.domain.safety import BY_ID
from backcare.render.report_format import DECISIONS
from backcare.render.report_format import day_label as _d
from backcare.render.report_format import number as _n
from backcare.render.report_format import short_day as _ds
from backcare.textsafe import inert

SPARKS = "▁▂▃▄▅▆▇█"
MAX_WEEKS = 26  # rows of the weekly table (the most recent weeks)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def md(text: str) -> str:
    """Person's text made inert: controls and bidi characters made visible, HTML-escaped (Markdown viewers render
    raw HTML) and Markdown-escaped, one line."""
    text = inert(text, newlines=True).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def sparkline(values: list[float | None]) -> str:
    """One character per value on a fixed 0-10 scale; a space for a gap (never a zero)."""
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, int(v / 10 * (len(SPARKS) - 1) + 0.5))])
    return "".join(out)


def render(report) -> str:  # report: backcare.services.report.Report
    t = report.trend
    made = len(t.checkins)
    lines = [
        "# Back pain self-care report",
        "",
        *([f"**{md(report.who)}**", ""] if report.who else []),
        f"**Period:** {_d(t.start)} to {_d(t.end)} ({t.n_days} days). "
        f"Made on {_d(report.generated)} by backcare {__version__} from the person's own daily ratings "
        "(0 = no pain or stiffness, 10 = the worst imaginable).",
        "",
        f"**Check-ins made:** {made} of {t.n_days} days ({round(100 * made / t.n_days)} %).",
        "",
        "## Baseline vs now",
        "",
    ]
    b, r = t.baseline, t.recent
    if b and r:
        lines += [
            "| | Baseline | Now | Change | Per cent | Meaning |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for m in tr.METRICS:
            c = t.changes[m]
            pct = "–" if c.percent_whole is None else f"{c.percent_whole:+d} %"
            verdict = c.verdict
            lines.append(
                f"| {m.capitalize()} | {c.baseline:.1f} | {c.recent:.1f} | {c.points:+.1f} | {pct} | {verdict} |"
            )
        since = ""
        if t.routine.started and b.first >= t.routine.started > t.start:
            since = f" since the routine started on {_ds(report, t.routine.started)}"
        lines += [
            "",
            f"Baseline: mean of the first {b.checkins} check-ins{since} "
            f"({_ds(report, b.first)} to {_ds(report, b.last)}); "
            f"now: mean of the last {r.checkins} ({_ds(report, r.first)} to {_ds(report, r.last)}). {tr.mcid_note()}",
            "",
        ]
        lines += [f"- {t.changes[m].words}" for m in tr.METRICS]
    else:
        lines.append(
            f"{tr.TOO_FEW.capitalize()}: this needs at least {tr.MIN_CHECKINS} check-ins, with the first "
            f"{tr.BASELINE_CHECKINS} and the last {tr.BASELINE_CHECKINS} not overlapping."
        )

    lines += ["", "## Pain and stiffness", ""]
    if t.weeks:
        first, last = t.weeks[0], t.weeks[-1]
        lines += [
            f"Weekly means on a 0-10 scale ({SPARKS[0]} = 0, {SPARKS[-1]} = 10; a space is a week without "
            f"check-ins), {first.label} to {last.label}:",
            "",
            "```text",
            f"pain       {sparkline([w.pain for w in t.weeks])}",
            f"stiffness  {sparkline([w.stiffness for w in t.weeks])}",
            "```",
        ]

    lines += [
        "",
        "## Week by week",
        "",
        "| ISO week | Pain | Stiffness | Check-ins | Sessions done / planned |",
        "|---|---:|---:|---:|---:|",
    ]
    for w in t.weeks[-MAX_WEEKS:]:
        lines.append(
            f"| {w.label} ({_ds(report, w.monday)}) | {_n(w.pain)} | {_n(w.stiffness)} | {w.checkins} | "
            f"{w.sessions_cell(' / ', '–')} |"
        )

    if len(t.weeks) > MAX_WEEKS:
        lines += ["", f"The last {MAX_WEEKS} of {len(t.weeks)} weeks; the figures cover the whole period."]
    lines += ["", "## Sessions", "", t.adherence.words]
    if t.routine.name:
        started = f", started {_d(t.routine.started)}" if t.routine.started else ""
        lines += [
            "",
            f"Routine: {md(t.routine.name)} ({t.routine.per_week} sessions a week{started}). "
            "A session counts when at least one exercise was done; part weeks are planned pro rata.",
        ]

    lines += ["", "## Stage history", ""]
    if report.stage_before:
        sb = report.stage_before
        lines += [f"At the start of the period: {md(report.stage_name(sb.stage))} (since {_d(sb.day)}).", ""]
    if report.stages:
        for ev in report.stages:
            reasons = " ".join(ev.reasons)
            lines.append(
                f"- **{_ds(report, ev.day)}**: {md(report.stage_name(ev.stage))} "
                f"({DECISIONS.get(ev.decision, md(ev.decision))})" + (f" — {md(reasons)}" if reasons else "")
            )
    else:
        lines.append("No stage changes in this period.")

    lines += ["", "## Flare-ups", ""]
    rule = report.flare_rule
    if report.flares:
        shown, earlier = report.listed_flares()
        if earlier:
            lines += [f"{len(report.flares)} in this period; the {len(shown)} most recent:", ""]
        for f in shown:
            when = _ds(report, f.first) if f.first == f.last else f"{_ds(report, f.first)} to {_ds(report, f.last)}"
            lines.append(f"- **{when}**: peak pain {f.peak} ({f.days} day{'s' if f.days != 1 else ''})")
        lines += ["", f"Counted as a flare-up: {rule}."]
    else:
        lines.append(f"None ({rule}).")

    lines += ["", "## Red-flag screens", ""]
    if report.screen_before:
        s = report.screen_before
        result = "red flag" if s.any_yes else "all clear"
        lines.append(f"None in this period; the last one, on {_d(s.day)}, was {result}.")
    elif not report.screens:
        lines.append("No safety screen answered yet.")
    shown_screens, left_out = report.listed_screens()
    for s in shown_screens:
        if s.any_yes:
            items = "; ".join(md(BY_ID[q].text if q in BY_ID else q) for q in s.flagged)
            label = "red flag" if s.current_flags else "history"
            lines.append(f"- **{_ds(report, s.day)}**: **{label}**: {items}")
        else:
            lines.append(f"- **{_ds(report, s.day)}**: all clear")
    if left_out:
        lines += ["", f"And {left_out} earlier all-clear screens."]
    lines += _safety_now_md(report)

    if t.tags:
        lines += [
            "",
            "## Tags and pain",
            "",
            "| Tag | Pain with | Days | Pain without | Days | Difference |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for e in t.tags:
            lines.append(
                f"| {md(e.tag)} | {e.with_mean:.1f} | {e.with_days} | {e.without_mean:.1f} | "
                f"{e.without_days} | {e.difference:+.1f} |"
            )
        lines += [
            "",
            f"Tags on at least {tr.MIN_TAG_DAYS} days and missing from at least {tr.MIN_TAG_DAYS}. "
            "These are associations, not causes.",
        ]

    measures = getattr(report, "measures", None) or []
    if measures:  # outcome measures taken in the period
        lines += ["", "## Outcome measures", ""]
        lines += [f"- {md(line.text)}" for line in measures]
    lines += ["", "## Notes", ""]
    if report.notes:
        notes, earlier = report.listed_notes()
        if earlier:
            lines += [f"The {len(notes)} most recent of {len(report.notes)} notes.", ""]
        lines += [f"- **{_ds(report, day)}**: {md(note)}" for day, note in notes]
    else:
        lines.append("No notes in this period.")
    lines += [
        "",
        "---",
        "",
        "Self-reported data from backcare, a self-care companion; it does not diagnose. "
        f"Change threshold: {tr.MCID_SOURCE} (2 points or 30 % on a 0-10 rating). "
        "Tag comparisons are associations, not causes.",
    ]
    return "\n".join(lines) + "\n"


def _safety_now_md(report) -> list[str]:
    """The safety notice as it stands (the same lines the person sees) and the clinicians' clearances."""
    lines: list[str] = []
    if report.safety_now:
        lines += ["", "**Now:**", ""]
        lines += [f"- {md(line)}" for line in report.safety_now]
    for c in report.clearances:
        covers = "; ".join(md(BY_ID[q].text if q in BY_ID else q) for q in c.covers)
        note = f" ({md(c.note)})" if c.note else ""
        lines += ["", f"Clearance: **{_d(c.day)}** by {md(c.by)}{note}, for: {covers}"]
    return lines
