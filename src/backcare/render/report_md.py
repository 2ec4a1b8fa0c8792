"""The clinician report as Markdown: the same sections as the HTML page, the chart as weekly sparklines."""

from __future__ import annotations

import re

from backcare import __version__
from backcare.render.report_format import day_label as _d
from backcare.textsafe import inert

SPARKS = "▁▂▃▄▅▆▇█"
MAX_WEEKS = 26  # rows of the weekly table (the most recent weeks)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")  # anywhere in a line
_MD_LEADING = re.compile(r"^(#+|[>+-]|\d+[.)])(?=\s|$)")  # only where a line starts (headings, quotes, lists)


def md(text: str) -> str:
    """Person's text made inert: controls and bidi characters made visible, HTML-escaped (Markdown viewers render
    raw HTML) and Markdown-escaped, one line."""
    text = inert(text, newlines=True).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


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
    from backcare.render import report_page as page

    title, head = page.header(report)
    lines = [f"# {title}", ""]
    if report.who:
        lines += [f"**{md(head[0])}**", ""]
    lines += [
        f"{md(head[-1])} Made on {_d(report.generated)} by backcare {__version__} from the person's own ratings "
        "(pain and stiffness: 0 = none, 10 = the worst imaginable).",
    ]
    details = False
    for sec in page.sections(report):
        if sec.details and not details:
            lines += ["", "---", "", "# Details"]
            details = True
        if not any(isinstance(b, page.Alert) for b in sec.blocks):
            lines += ["", f"## {sec.title}"]
        for block in sec.blocks:
            lines += ["", *_block(block, report)]
    lines += ["", "---", "", md(page.footer())]
    return "\n".join(lines) + "\n"


def _block(block, report) -> list[str]:
    from backcare.render import report_page as page

    if isinstance(block, page.Para):
        return [md(block.text)]
    if isinstance(block, page.Items):
        return [f"- {md(x)}" for x in block.items]
    if isinstance(block, page.Alert):
        return [f"## {block.title}", "", *[f"> - **{md(x)}**" for x in block.lines]]
    if isinstance(block, page.Bars):
        return ["```text", f"pain during  {sparkline([float(v) for v in block.values])}", "```", md(block.label) + "."]
    if isinstance(block, page.Chart):
        t = report.trend
        if not t.weeks:
            return ["No check-ins in this period."]
        first, last = t.weeks[0], t.weeks[-1]
        return [
            f"Weekly means on a 0-10 scale ({SPARKS[0]} = 0, {SPARKS[-1]} = 10; a space is a week without "
            f"check-ins), {first.label} to {last.label}:",
            "",
            "```text",
            f"pain       {sparkline([w.pain for w in t.weeks])}",
            f"stiffness  {sparkline([w.stiffness for w in t.weeks])}",
            "```",
        ]
    if isinstance(block, page.Table):
        head = [md(h) if h else " " for h in block.head]
        align = ["---:" if j in block.numeric else "---" for j in range(len(head))]
        out = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
        for i, row in enumerate(block.rows):
            cells = [md(x) for x in row]
            for (r, j), _style in block.styles.items():
                if r == i:
                    cells[j] = f"**{cells[j]}**"
            out.append("| " + " | ".join(cells) + " |")
        return out
    raise TypeError(type(block).__name__)
