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
from backcare.render.report_format import day_label as _d
from backcare.textsafe import inert

PAIN_COLOUR = "#b3261e"
STIFF_COLOUR = "#1f5fa8"
CHART_COLUMNS = 180  # beyond this many days the chart shows weekly (or multi-week) means
MAX_WEEKS = 26  # rows of the weekly table (the most recent weeks)

CSS = """
@page { size: A4; margin: 9mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 9.5pt/1.26 "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: #1a1a1a;
       max-width: 186mm; margin: 10mm auto; padding: 0 4mm; }
h1 { font-size: 1.58em; margin: 0 0 0.5mm; }
h2 { font-size: 1.1em; margin: 1.8mm 0 0.6mm; padding-bottom: 0.3mm; border-bottom: 1px solid #bbb;
     break-after: avoid; page-break-after: avoid; }
p { margin: 0.7mm 0; }
.meta { color: #444; font-size: 0.9em; }
.who { font-size: 1.16em; font-weight: bold; margin: 0.5mm 0; }
.muted { color: #555; font-size: 0.9em; }
.lead { font-weight: 600; }
.better { color: #1b6e20; font-weight: 600; } .worse { color: #a33b00; font-weight: 600; }
.alert { border: 2.5px solid #a30000; background: #fdecea; padding: 1.5mm 3mm; margin: 2.5mm 0;
         break-inside: avoid; page-break-inside: avoid; }
.alert h2 { color: #a30000; border: none; margin: 0 0 0.5mm; }
.alert li { font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { text-align: left; padding: 0.3mm 1.5mm; border-bottom: 1px solid #e2e2e2; vertical-align: top; }
th { background: #f1f1f1; font-weight: 600; }
tbody th { background: none; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.halves { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; align-items: start; }
svg { width: 100%; height: auto; display: block; }
svg.bars { max-height: 16mm; }
.legend { font-size: 0.84em; color: #333; margin-top: 0.5mm; }
.key { display: inline-block; width: 7mm; height: 0; vertical-align: middle; margin: 0 1mm 0 3mm; }
ul { margin: 0.5mm 0; padding-left: 5mm; }
li { margin: 0.3mm 0; }
.details { break-before: page; page-break-before: always; }
.details section { break-inside: auto; }
#chart { break-inside: avoid; page-break-inside: avoid; }
footer { margin-top: 1.5mm; border-top: 1px solid #bbb; padding-top: 0.5mm; color: #555; font-size: 0.74em; }
@media print { body { margin: 0; padding: 0; max-width: none; }
  main[data-print="dense"] { font-size: 8.6pt; } main[data-print="denser"] { font-size: 7.6pt; } }
"""


def escape(text: str) -> str:
    """Text for the page: shown as written, never as markup, never reordered by a bidi control."""
    return html_escape(inert(text, newlines=True))


def render(report) -> str:  # report: backcare.services.report.Report
    from backcare.render import report_page as page

    t = report.trend
    e = escape
    title, lines = page.header(report)
    head = f"Back pain self-care report: {_d(t.start)} to {_d(t.end)}"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(head)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f'<main class="first"{_density(report)}>',
        "<header>",
        f"<h1>{e(title)}</h1>",
    ]
    if report.who:
        parts.append(f'<p class="who">{e(lines[0])}</p>')
    parts.append(
        f'<p class="meta">{e(lines[-1])} Made on {_d(report.generated)} by backcare {e(__version__)} from the '
        "person's own ratings (pain and stiffness: 0 = none, 10 = the worst imaginable).</p>"
    )
    parts.append("</header>")
    details_open = False
    for sec in page.sections(report):
        if sec.details and not details_open:
            parts += [f"<footer>{e(page.footer())}</footer>", "</main>", '<div class="details">']
            parts.append('<p class="meta">Details</p>')
            details_open = True
        cls = ' class="alert-section"' if sec.id == "alerts" else ""
        parts.append(f'<section id="{sec.id}"{cls}>')
        if not any(isinstance(b, page.Alert) for b in sec.blocks):
            parts.append(f"<h2>{e(sec.title)}</h2>")
        for block in sec.blocks:
            parts += _block(block, report)
        parts.append("</section>")
    parts += [
        "</div>" if details_open else f"<footer>{e(page.footer())}</footer></main>",
        "</body>",
        "</html>",
    ]
    return inert("\n".join(parts) + "\n", newlines=True)


FIRST_PAGE_LINES = 66  # lines of body text that fit the first A4 page at the normal size (measured in Chromium)


def _density(report) -> str:
    """A smaller print size for a first page that would not fit one A4 page at the normal size."""
    from backcare.render.report_page import first_page_lines

    lines = first_page_lines(report)
    if lines <= FIRST_PAGE_LINES:
        return ""
    return ' data-print="dense"' if lines <= FIRST_PAGE_LINES * 1.12 else ' data-print="denser"'


def _block(block, report) -> list[str]:
    from backcare.render import report_page as page

    e = escape
    if isinstance(block, page.Para):
        cls = f' class="{block.style}"' if block.style else ""
        return [f"<p{cls}>{e(block.text)}</p>"]
    if isinstance(block, page.Items):
        return ["<ul>", *[f"<li>{e(x)}</li>" for x in block.items], "</ul>"]
    if isinstance(block, page.Alert):
        return [
            '<div class="alert" role="alert">',
            f"<h2>{e(block.title)}</h2>",
            "<ul>",
            *[f"<li>{e(x)}</li>" for x in block.lines],
            "</ul>",
            "</div>",
        ]
    if isinstance(block, page.Chart):
        if not report.trend.checkins:
            return ["<p>No check-ins in this period.</p>"]
        return [chart_svg(report), f'<p class="legend">{_legend(report)}. Gaps are days without a check-in.</p>']
    if isinstance(block, page.Bars):
        return [bars_svg(block.values, block.limit, block.label)]
    if isinstance(block, page.Table):
        if block.halves and len(block.rows) > 4:
            half = (len(block.rows) + 1) // 2
            return [
                '<div class="halves">',
                *_table(block, block.rows[:half], 0),
                *_table(block, block.rows[half:], half),
                "</div>",
            ]
        return _table(block, block.rows, 0)
    raise TypeError(type(block).__name__)


def _table(block, rows: list[list[str]], offset: int) -> list[str]:
    e = escape

    def cell(tag: str, i: int, j: int, text: str) -> str:
        classes = []
        if j in block.numeric:
            classes.append("n")
        if tag == "td" and (i, j) in block.styles:
            classes.append(block.styles[(i, j)])
        cls = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{cls}>{e(text)}</{tag}>"

    out = ["<table>", "<thead><tr>" + "".join(cell("th", -1, j, h) for j, h in enumerate(block.head)) + "</tr></thead>"]
    out.append("<tbody>")
    for i, row in enumerate(rows, start=offset):
        first = f"<th>{e(row[0])}</th>" if not block.head[0] else cell("td", i, 0, row[0])
        out.append("<tr>" + first + "".join(cell("td", i, j, x) for j, x in enumerate(row) if j) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def bars_svg(values: list[int], limit: int, label: str) -> str:
    """One bar per session (0-10), the pain limit as a dashed line."""
    w, h, left = 720, 70, 24
    n = max(len(values), 1)
    step = (w - left - 4) / n
    bar = max(1.0, min(14.0, step * 0.7))
    y = lambda v: 6 + (h - 12) * (1 - v / 10)  # noqa: E731
    parts = [
        f'<svg class="bars" viewBox="0 0 {w} {h}" role="img" aria-label="{escape(label)}">',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{w - 4}" y2="{y(0):.1f}" stroke="#999" stroke-width="0.8"/>',
        f'<text x="{left - 4}" y="{y(10) + 4:.1f}" font-size="10" text-anchor="end" fill="#444">10</text>',
        f'<text x="{left - 4}" y="{y(0) + 1:.1f}" font-size="10" text-anchor="end" fill="#444">0</text>',
    ]
    for i, v in enumerate(values):
        x = left + step * i + (step - bar) / 2
        colour = PAIN_COLOUR if v > limit else "#8a8a8a"
        parts.append(f'<rect x="{x:.1f}" y="{y(v):.1f}" width="{bar:.1f}" height="{y(0) - y(v):.1f}" fill="{colour}"/>')
    parts.append(
        f'<line x1="{left}" y1="{y(limit):.1f}" x2="{w - 4}" y2="{y(limit):.1f}" stroke="{PAIN_COLOUR}" '
        'stroke-width="1" stroke-dasharray="5 3"/>'
    )
    parts.append("</svg>")
    return (
        "\n".join(parts) + f'\n<p class="legend">{escape(label)}; grey at or below the limit '
        f"({limit}/10, dashed), red above it.</p>"
    )


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


def _legend(report) -> str:
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
    return legend
