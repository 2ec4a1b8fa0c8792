"""The clinician report as one self-contained HTML page: inline SVG chart, no script, no external resources.

Prints on A4. Every piece of text that came from the person (notes, tags, routine and stage names, reasons)
goes through `escape`: control and bidirectional characters made visible (backcare.textsafe.inert), then
html.escape. The finished page gets the same inert pass, so nothing else can carry one in either.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as html_escape

from backcare import __version__
from backcare.domain import trends as tr
from backcare.domain.safety import BY_ID
from backcare.render.report_format import DECISIONS
from backcare.render.report_format import day_label as _d
from backcare.render.report_format import number as _n
from backcare.render.report_format import short_day as _ds
from backcare.textsafe import inert

PAIN_COLOUR = "#b3261e"
STIFF_COLOUR = "#1f5fa8"
CHART_COLUMNS = 180  # beyond this many days the chart shows weekly (or multi-week) means
MAX_WEEKS = 26  # rows of the weekly table (the most recent weeks)

CSS = """
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10.5pt/1.4 "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: #1a1a1a;
       max-width: 180mm; margin: 12mm auto; padding: 0 4mm; }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 5mm 0 1.5mm; padding-bottom: 0.5mm; border-bottom: 1px solid #bbb;
     break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0; }
.meta { color: #444; font-size: 9.5pt; }
.who { font-size: 11pt; font-weight: bold; margin: 1mm 0; }
.muted { color: #555; font-size: 9pt; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin: 3mm 0 1mm; }
.figure { border: 1px solid #ccc; border-radius: 2mm; padding: 1.5mm 2.5mm; }
.figure b { display: block; font-size: 13pt; }
.figure small { display: block; color: #444; font-size: 8.5pt; }
.better { color: #1b6e20; } .worse { color: #a33b00; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
table.keep { break-inside: avoid; page-break-inside: avoid; }
th, td { text-align: left; padding: 0.6mm 1.5mm; border-bottom: 1px solid #e2e2e2; vertical-align: top; }
td.nw { white-space: nowrap; }
th { font-size: 9pt; }
th { background: #f1f1f1; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; }
.cols > section { break-inside: avoid; page-break-inside: avoid; }
section { break-inside: auto; }
.chart { break-inside: avoid; page-break-inside: avoid; }
svg { width: 100%; height: auto; display: block; }
.legend { font-size: 8.5pt; color: #333; margin-top: 1mm; }
.key { display: inline-block; width: 7mm; height: 0; vertical-align: middle; margin: 0 1mm 0 3mm; }
.flag { color: #a30000; font-weight: 600; }
ul { margin: 1mm 0; padding-left: 5mm; }
li { margin: 0.5mm 0; }
footer { margin-top: 5mm; border-top: 1px solid #bbb; padding-top: 1.5mm; color: #555; font-size: 8.5pt; }
@media print { body { margin: 0; padding: 0; max-width: none; } }
"""


def escape(text: str) -> str:
    """Text for the page: shown as written, never as markup, never reordered by a bidi control."""
    return html_escape(inert(text, newlines=True))


def render(report) -> str:  # report: backcare.services.report.Report
    t = report.trend
    e = escape
    title = f"Back pain self-care report: {_d(t.start)} to {_d(t.end)}"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Back pain self-care report</h1>",
        *([f'<p class="who">{e(report.who)}</p>'] if report.who else []),
        f'<p class="meta">Period: <b>{_d(t.start)} to {_d(t.end)}</b> ({t.n_days} days). '
        f"Made on {_d(report.generated)} by backcare {e(__version__)} from the person's own daily ratings "
        "(0 = no pain or stiffness, 10 = the worst imaginable).</p>",
        "</header>",
    ]
    parts += _summary(report)
    parts += _change(report)
    parts += _chart_section(report)
    parts.append('<div class="cols">')
    parts += _weeks(report)
    parts.append("<div>")
    parts += _stages(report)
    parts += _flares(report)
    parts += _screens(report)
    parts.append("</div>")
    parts.append("</div>")
    parts += _tags(report)
    parts += _measures(report)
    parts += _notes(report)
    parts += [
        "<footer>",
        "Self-reported data from backcare, a self-care companion; it does not diagnose. "
        f"Change threshold: {e(tr.MCID_SOURCE)} (2 points or 30 % on a 0-10 rating). "
        "Tag comparisons are associations, not causes.",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return inert("\n".join(parts) + "\n", newlines=True)


def _summary(report) -> list[str]:
    t = report.trend
    made = len(t.checkins)
    figures = [(f"{made} of {t.n_days}", f"days with a check-in ({round(100 * made / t.n_days)} %)")]
    for m in tr.METRICS:
        c = t.changes[m]
        if c.recent is not None:
            cls = ""
            if c.meaningful:
                cls = ' class="better"' if c.direction == "better" else ' class="worse"'
            figures.append(
                (
                    f"<span{cls}>{c.recent:.1f}</span>",
                    f"{m} now (baseline {c.baseline:.1f})",
                )
            )
        else:
            figures.append(("–", f"{m}: {tr.TOO_FEW}"))
    a = t.adherence
    if a.percent is not None:
        figures.append((f"{a.done} of {a.planned}", f"planned sessions done ({a.percent:.0f} %)"))
    else:
        figures.append(("–", "no sessions planned"))
    out = ['<section id="summary" class="summary">']
    for big, small in figures:
        out.append(f'<div class="figure"><b>{big}</b><small>{escape(small)}</small></div>')
    out.append("</section>")
    return out


def _change(report) -> list[str]:
    t = report.trend
    out = ['<section id="change">', "<h2>Baseline vs now</h2>"]
    b, r = t.baseline, t.recent
    if not (b and r):
        out.append(
            f"<p>{escape(tr.TOO_FEW.capitalize())}: this needs at least {tr.MIN_CHECKINS} check-ins, with the "
            f"first {tr.BASELINE_CHECKINS} and the last {tr.BASELINE_CHECKINS} not overlapping.</p>"
        )
        out.append("</section>")
        return out
    since = ""
    if t.routine.started and b.first >= t.routine.started > t.start:
        since = f" since the routine started on {_ds(report, t.routine.started)}"
    out += [
        '<table class="keep">',
        '<thead><tr><th></th><th class="n">Baseline</th><th class="n">Now</th><th class="n">Change</th>'
        '<th class="n">Per cent</th><th>Meaning</th></tr></thead>',
        "<tbody>",
    ]
    for m in tr.METRICS:
        c = t.changes[m]
        pct = "–" if c.percent_whole is None else f"{c.percent_whole:+d} %"
        verdict = c.verdict
        cls = (
            ' class="better"'
            if c.meaningful and c.direction == "better"
            else (' class="worse"' if c.meaningful and c.direction == "worse" else "")
        )
        out.append(
            f'<tr><th>{m.capitalize()}</th><td class="n">{c.baseline:.1f}</td>'
            f'<td class="n">{c.recent:.1f}</td><td class="n">{c.points:+.1f}</td>'
            f'<td class="n">{pct}</td><td{cls}>{verdict}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    out.append(
        f'<p class="muted">Baseline: mean of the first {b.checkins} check-ins{escape(since)} '
        f"({_ds(report, b.first)} to {_ds(report, b.last)}); now: mean of the last {r.checkins} "
        f"({_ds(report, r.first)} to {_ds(report, r.last)}). "
        f"{escape(tr.mcid_note())}</p>"
    )
    out += [f"<p>{escape(t.changes[m].words)}</p>" for m in tr.METRICS]
    out.append("</section>")
    return out


# -- chart -------------------------------------------------------------------------------------
W, H = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 30


def _x(i: int, n: int) -> float:
    span = W - LEFT - RIGHT
    return LEFT + (span * i / (n - 1) if n > 1 else span / 2)


def _y(v: float) -> float:
    return TOP + (H - TOP - BOTTOM) * (1 - v / 10)


def _polylines(values: Sequence[float | None], n: int, colour: str, dash: str = "") -> list[str]:
    """One polyline per unbroken run: a missing value is a gap, never a zero."""
    out: list[str] = []
    run: list[str] = []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) > 1:
                extra = f' stroke-dasharray="{dash}"' if dash else ""
                out.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{extra} '
                    f'points="{" ".join(run)}"/>'
                )
            run = []
        else:
            run.append(f"{_x(i, n):.1f},{_y(v):.1f}")
    return out


def chart_svg(report) -> str:
    t = report.trend
    size = tr.bucket_size(len(t.days), CHART_COLUMNS)
    cols = tr.buckets(t.days, size)
    n = len(cols)
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="Daily pain and stiffness with 7-day means">',
        f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="#fff" '
        'stroke="#999" stroke-width="0.8"/>',
    ]
    # flare-ups shaded
    index = {b.first: i for i, b in enumerate(cols)}
    if size == 1:
        for f in report.flares:
            i0, i1 = index.get(f.first), index.get(f.last)
            if i0 is None or i1 is None:
                continue
            half = (W - LEFT - RIGHT) / max(n - 1, 1) / 2
            x0, x1 = max(LEFT, _x(i0, n) - half), min(W - RIGHT, _x(i1, n) + half)
            parts.append(
                f'<rect x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" height="{H - TOP - BOTTOM}" fill="#f6d6d2"/>'
            )
    for v in range(0, 11, 2):
        y = _y(v)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.8"/>')
        parts.append(f'<text x="{LEFT - 5}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" fill="#444">{v}</text>')
    # x labels: about six dates
    ticks = sorted({round(k * (n - 1) / 5) for k in range(6)}) if n > 1 else [0]
    span = (cols[-1].last - cols[0].first).days if cols else 0
    for i in ticks:
        day = cols[i].first if size == 1 or i == 0 else cols[i].last
        label = f"{day.day} {day:%b}" if span <= 366 else f"{day:%b %Y}"
        x = _x(i, n)
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        parts.append(f'<line x1="{x:.1f}" y1="{H - BOTTOM}" x2="{x:.1f}" y2="{H - BOTTOM + 4}" stroke="#666"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" font-size="10" text-anchor="{anchor}" '
            f'fill="#444">{escape(label)}</text>'
        )
    if size < tr.WINDOW:
        parts += _polylines([c.stiffness_7d for c in cols], n, STIFF_COLOUR, "6 3")
        parts += _polylines([c.pain_7d for c in cols], n, PAIN_COLOUR)
        for i, c in enumerate(cols):
            if c.stiffness is not None:
                x, y = _x(i, n), _y(c.stiffness)
                parts.append(
                    f'<rect x="{x - 2.3:.1f}" y="{y - 2.3:.1f}" width="4.6" height="4.6" fill="none" '
                    f'stroke="{STIFF_COLOUR}" stroke-width="1.1"/>'
                )
            if c.pain is not None:
                parts.append(f'<circle cx="{_x(i, n):.1f}" cy="{_y(c.pain):.1f}" r="2.4" fill="{PAIN_COLOUR}"/>')
    else:
        parts += _polylines([c.stiffness for c in cols], n, STIFF_COLOUR, "6 3")
        parts += _polylines([c.pain for c in cols], n, PAIN_COLOUR)
    parts.append("</svg>")
    return "\n".join(parts)


def _chart_section(report) -> list[str]:
    t = report.trend
    size = tr.bucket_size(len(t.days), CHART_COLUMNS)
    if size < tr.WINDOW:
        what = "day" if size == 1 else f"{size}-day mean"
        legend = (
            f'<span class="key" style="border-top:2px solid {PAIN_COLOUR}"></span>pain, 7-day mean'
            f'<svg width="8" height="8" viewBox="0 0 8 8" style="display:inline;width:8px;margin:0 1mm 0 3mm">'
            f'<circle cx="4" cy="4" r="3" fill="{PAIN_COLOUR}"/></svg>pain ({what})'
            f'<span class="key" style="border-top:2px dashed {STIFF_COLOUR}"></span>stiffness, 7-day mean'
            f'<svg width="8" height="8" viewBox="0 0 8 8" style="display:inline;width:8px;margin:0 1mm 0 3mm">'
            f'<rect x="1" y="1" width="6" height="6" fill="none" stroke="{STIFF_COLOUR}"/></svg>stiffness ({what})'
        )
    else:
        what = "weekly mean" if size == tr.WINDOW else f"{size // tr.WINDOW}-week mean"
        legend = (
            f'<span class="key" style="border-top:2px solid {PAIN_COLOUR}"></span>pain, {what}'
            f'<span class="key" style="border-top:2px dashed {STIFF_COLOUR}"></span>stiffness, {what}'
        )
    if report.flares and size == 1:
        legend += '<span class="key" style="height:3mm;background:#f6d6d2"></span>flare-up'
    return [
        '<section id="chart" class="chart">',
        "<h2>Pain and stiffness</h2>",
        chart_svg(report) if t.checkins else "<p>No check-ins in this period.</p>",
        f'<p class="legend">{legend}. Gaps are days without a check-in.</p>',
        "</section>",
    ]


# -- tables and lists --------------------------------------------------------------------------
def _weeks(report) -> list[str]:
    t = report.trend
    out = [
        '<section id="weeks">',
        "<h2>Week by week</h2>",
        "<table>",
        '<thead><tr><th>ISO week</th><th class="n">Pain</th><th class="n">Stiffness</th>'
        '<th class="n">Check-ins</th><th class="n">Sessions done / planned</th></tr></thead>',
        "<tbody>",
    ]
    for w in t.weeks[-MAX_WEEKS:]:
        out.append(
            f'<tr><td class="nw">{w.label} <span class="muted">{_ds(report, w.monday)}</span></td>'
            f'<td class="n">{_n(w.pain)}</td><td class="n">{_n(w.stiffness)}</td>'
            f'<td class="n">{w.checkins}</td><td class="n">{w.sessions_cell(" / ", "–")}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    if len(t.weeks) > MAX_WEEKS:
        out.append(
            f'<p class="muted">The last {MAX_WEEKS} of {len(t.weeks)} weeks; the chart and the figures '
            "cover the whole period.</p>"
        )
    out.append(f'<p id="adherence"><b>Sessions:</b> {escape(t.adherence.words)}</p>')
    name = t.routine.name
    if name:
        started = f", started {_d(t.routine.started)}" if t.routine.started else ""
        out.append(
            f'<p class="muted">Routine: {escape(name)} ({t.routine.per_week} sessions a week{started}). '
            "A session counts when at least one exercise was done; part weeks are planned pro rata.</p>"
        )
    out.append("</section>")
    return out


def _stages(report) -> list[str]:
    out = ['<section id="stages">', "<h2>Stage history</h2>"]
    if report.stage_before:
        b = report.stage_before
        out.append(f"<p>At the start of the period: {escape(report.stage_name(b.stage))} (since {_d(b.day)}).</p>")
    if not report.stages:
        out.append("<p>No stage changes in this period.</p>")
    else:
        out.append("<ul>")
        for ev in report.stages:
            what = DECISIONS.get(ev.decision, ev.decision)
            reasons = " ".join(ev.reasons)
            out.append(
                f"<li><b>{_ds(report, ev.day)}</b>: {escape(report.stage_name(ev.stage))} ({escape(what)})"
                + (f" — {escape(reasons)}" if reasons else "")
                + "</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out


def _flares(report) -> list[str]:
    out = ['<section id="flares">', "<h2>Flare-ups</h2>"]
    rule = report.flare_rule
    if not report.flares:
        out.append(f"<p>None ({escape(rule)}).</p>")
    else:
        shown, earlier = report.listed_flares()
        if earlier:
            out.append(f"<p>{len(report.flares)} in this period; the {len(shown)} most recent:</p>")
        out.append("<ul>")
        for f in shown:
            when = _ds(report, f.first) if f.first == f.last else f"{_ds(report, f.first)} to {_ds(report, f.last)}"
            out.append(f"<li><b>{when}</b>: peak pain {f.peak} ({f.days} day{'s' if f.days != 1 else ''})</li>")
        out.append("</ul>")
        out.append(f'<p class="muted">Counted as a flare-up: {escape(rule)}.</p>')
    out.append("</section>")
    return out


def _screens(report) -> list[str]:
    out = ['<section id="safety">', "<h2>Red-flag screens</h2>"]
    screens = report.screens
    if report.screen_before:
        s = report.screen_before
        result = "red flag" if s.any_yes else "all clear"
        out.append(f"<p>None in this period; the last one, on {_d(s.day)}, was {result}.</p>")
    elif not screens:
        out.append("<p>No safety screen answered yet.</p>")
    else:
        shown, left_out = report.listed_screens()
        out.append("<ul>")
        for s in shown:
            if s.any_yes:
                items = "; ".join(escape(BY_ID[q].text if q in BY_ID else q) for q in s.flagged)
                label = "red flag" if s.current_flags else "history"
                out.append(f'<li><b>{_ds(report, s.day)}</b>: <span class="flag">{label}</span>: {items}</li>')
            else:
                out.append(f"<li><b>{_ds(report, s.day)}</b>: all clear</li>")
        out.append("</ul>")
        if left_out:
            out.append(f'<p class="muted">And {left_out} earlier all-clear screens.</p>')
    out += _safety_now(report)
    out.append("</section>")
    return out


def _safety_now(report) -> list[str]:
    """The safety notice as it stands (the same lines the person sees) and the clinicians' clearances."""
    out: list[str] = []
    if report.safety_now:
        out.append('<p><b>Now:</b></p><ul class="flag">')
        out += [f"<li>{escape(line)}</li>" for line in report.safety_now]
        out.append("</ul>")
    for c in report.clearances:
        covers = "; ".join(escape(BY_ID[q].text if q in BY_ID else q) for q in c.covers)
        note = f" ({escape(c.note)})" if c.note else ""
        out.append(f"<p>Clearance: <b>{_d(c.day)}</b> by {escape(c.by)}{note}, for: {covers}</p>")
    return out


def _tags(report) -> list[str]:
    tags = report.trend.tags
    if not tags:
        return []
    out = [
        '<section id="tags">',
        "<h2>Tags and pain</h2>",
        '<table class="keep">',
        '<thead><tr><th>Tag</th><th class="n">Pain with</th><th class="n">Days</th>'
        '<th class="n">Pain without</th><th class="n">Days</th><th class="n">Difference</th></tr></thead>',
        "<tbody>",
    ]
    for t in tags:
        out.append(
            f'<tr><td>{escape(t.tag)}</td><td class="n">{t.with_mean:.1f}</td><td class="n">{t.with_days}</td>'
            f'<td class="n">{t.without_mean:.1f}</td><td class="n">{t.without_days}</td>'
            f'<td class="n">{t.difference:+.1f}</td></tr>'
        )
    out += [
        "</tbody>",
        "</table>",
        f'<p class="muted">Tags on at least {tr.MIN_TAG_DAYS} days and missing from at least '
        f"{tr.MIN_TAG_DAYS}. These are associations, not causes.</p>",
        "</section>",
    ]
    return out


def _measures(report) -> list[str]:
    """Outcome measures taken in the period (first and latest score, the change and its verdict); no section
    when none was taken."""
    lines = getattr(report, "measures", None) or []
    if not lines:
        return []
    out = ['<section id="measures">', "<h2>Outcome measures</h2>", "<ul>"]
    out += [f"<li>{escape(line.text)}</li>" for line in lines]
    out += ["</ul>", "</section>"]
    return out


def _notes(report) -> list[str]:
    out = ['<section id="notes">', "<h2>Notes</h2>"]
    if not report.notes:
        out.append("<p>No notes in this period.</p>")
    else:
        shown, earlier = report.listed_notes()
        if earlier:
            out.append(f"<p>The {len(shown)} most recent of {len(report.notes)} notes.</p>")
        out.append("<table>")
        out.append("<tbody>")
        for day, note in shown:
            out.append(f'<tr><td style="white-space:nowrap">{_ds(report, day)}</td><td>{escape(note)}</td></tr>')
        out.append("</tbody></table>")
    out.append("</section>")
    return out
