"""The clinician report as a PDF (reportlab): the same sections and words as the HTML page (report_page), the
first page shrunk to fit one A4 page when it must, the details from the second page on."""

from __future__ import annotations

from backcare import __version__
from backcare.domain import trends as tr
from backcare.render import report_page as page
from backcare.render.pdf import alert_box, build, frame_size, side_by_side, styles, text
from backcare.render.report_format import day_label as _d

PAIN = "#b3261e"
HALF_ROWS = 30  # rows of each half of a two-column table, per piece (a piece never splits across pages)
FOOT = "Self-reported data from backcare, a self-care companion; it does not diagnose."
COLOURS = {"better": "#1b6e20", "worse": "#a33b00"}
STIFF = "#1f5fa8"


def render(report) -> bytes:  # report: backcare.services.report.Report
    from reportlab.platypus import KeepInFrame, PageBreak, Paragraph

    st = styles(9)
    title, lines = page.header(report)
    first: list = [Paragraph(text(title), st["h1"])]
    if report.who:
        first.append(Paragraph(text(lines[0]), st["lead"]))
    first.append(
        Paragraph(
            text(
                f"{lines[-1]} Made on {_d(report.generated)} by backcare {__version__} from the person's own "
                "ratings (pain and stiffness: 0 = none, 10 = the worst imaginable)."
            ),
            st["muted"],
        )
    )
    details: list = []
    for sec in page.sections(report):
        target = details if sec.details else first
        if not any(isinstance(b, page.Alert) for b in sec.blocks):
            target.append(Paragraph(text(sec.title), st["h2"]))
        for block in sec.blocks:
            target += _block(block, report, st)
    first.append(Paragraph(text(page.footer()), st["muted"]))
    width, height = frame_size()
    story = [KeepInFrame(width, height, first, mode="shrink")]
    if details:
        story += [PageBreak(), Paragraph("Details", st["muted"]), *details]
    t = report.trend
    return build(story, title=f"Back pain self-care report: {_d(t.start)} to {_d(t.end)}", footer=FOOT)


def _block(block, report, st) -> list:
    from reportlab.platypus import Paragraph, Spacer

    width, _height = frame_size()
    if isinstance(block, page.Para):
        return [Paragraph(text(block.text), st.get(block.style or "body", st["body"]))]
    if isinstance(block, page.Items):
        return [Paragraph(text(x), st["item"], bulletText="•") for x in block.items]
    if isinstance(block, page.Alert):
        box = alert_box(block.title, block.lines, st, width)
        return [Spacer(1, 4), box, Spacer(1, 2)]
    if isinstance(block, page.Chart):
        if not report.trend.checkins:
            return [Paragraph("No check-ins in this period.", st["body"])]
        return [_chart(report, width), Paragraph(text(_legend(report)), st["muted"])]
    if isinstance(block, page.Bars):
        return [
            _bars(block.values, block.limit, width),
            Paragraph(
                text(f"{block.label}; grey at or below the limit ({block.limit}/10, dashed), red above it."),
                st["muted"],
            ),
        ]
    if isinstance(block, page.Table):
        if block.halves and len(block.rows) > 4:
            out = []
            for at in range(0, len(block.rows), 2 * HALF_ROWS):  # a nested table cannot split across pages
                chunk = block.rows[at : at + 2 * HALF_ROWS]
                half = (len(chunk) + 1) // 2
                gap = 10
                left = _table(block, chunk[:half], at, (width - gap) / 2, st)
                right = _table(block, chunk[half:], at + half, (width - gap) / 2, st)
                out.append(side_by_side(left, right, width, gap))
            return out
        return [_table(block, block.rows, 0, width, st)]
    raise TypeError(type(block).__name__)


def _table(block, rows: list[list[str]], offset: int, width: float, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    ncols = len(block.head)
    numeric = set(block.numeric)
    text_cols = [j for j in range(ncols) if j not in numeric]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    bold, size = st["cellb"].fontName, st["cellb"].fontSize

    def fit(j: int, whole: bool) -> float:
        """Wide enough for the column's longest value and its heading on one line (`whole`), or the heading's
        longest word."""
        head = block.head[j]
        words = [stringWidth(w, bold, size) for w in ([head] if whole else head.split())]
        cells = [stringWidth(row[j], bold, size) for row in rows]
        return max(20.0, *words, *cells) + 8

    # a number column's heading on one line ("Per cent", "First 7") when the page is wide enough for that
    need = [fit(j, whole=j in numeric) for j in range(ncols)]
    if sum(need) > width:
        need = [fit(j, whole=False) for j in range(ncols)]
    if sum(need) > width:  # too narrow for every value on one line: share the width in proportion
        widths = [w * width / sum(need) for w in need]
    else:  # numbers as wide as they need, the text columns share the rest
        rest = width - sum(need[j] for j in numeric)
        widths = [need[j] if j in numeric else rest / max(len(text_cols), 1) for j in range(ncols)]
        if not block.head[0] and len(text_cols) == 2:  # the row names get more room than the verdict
            widths[text_cols[0]] = rest * 0.55
            widths[text_cols[1]] = rest * 0.45

    def cell(value: str, j: int, bold: bool = False, colour: str | None = None) -> object:
        style = st["cellb"] if bold else st["cell"]
        shown = f'<font color="{colour}">{text(value)}</font>' if colour else text(value)
        if j in numeric:
            return Paragraph(f'<para alignment="right">{shown}</para>', style)
        return Paragraph(shown, style)

    data = [[cell(h, j, True) for j, h in enumerate(block.head)]]
    for i, row in enumerate(rows, start=offset):
        line = []
        for j, x in enumerate(row):
            style = block.styles.get((i, j))
            line.append(cell(x, j, (j == 0 and not block.head[0]) or style is not None, COLOURS.get(style or "")))
        data.append(line)
    table = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(commands))
    return table


def _bars(values: list[int], limit: int, width: float):
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    from backcare.render.pdf import fonts

    h, left = 42.0, 16.0
    d = Drawing(width, h)
    n = max(len(values), 1)
    step = (width - left - 2) / n
    bar = max(0.8, min(9.0, step * 0.7))

    def y(v: float) -> float:
        return 3 + (h - 6) * v / 10

    d.add(Line(left, y(0), width - 2, y(0), strokeColor=colors.grey, strokeWidth=0.5))
    d.add(String(left - 3, y(10) - 3, "10", fontName=fonts()[0], fontSize=6, textAnchor="end"))
    d.add(String(left - 3, y(0) - 1, "0", fontName=fonts()[0], fontSize=6, textAnchor="end"))
    for i, v in enumerate(values):
        colour = colors.HexColor(PAIN) if v > limit else colors.HexColor("#8a8a8a")
        x = left + step * i + (step - bar) / 2
        d.add(Rect(x, y(0), bar, y(v) - y(0), fillColor=colour, strokeColor=None))
    d.add(
        Line(
            left,
            y(limit),
            width - 2,
            y(limit),
            strokeColor=colors.HexColor(PAIN),
            strokeWidth=0.7,
            strokeDashArray=[3, 2],
        )
    )
    return d


def _chart(report, width: float):
    """Daily pain and stiffness (dots and squares) with their 7-day means, or weekly means for long periods."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
    from reportlab.lib import colors

    from backcare.render.pdf import fonts
    from backcare.render.report_html import CHART_COLUMNS

    t = report.trend
    size = tr.bucket_size(len(t.days), CHART_COLUMNS)
    cols = tr.buckets(t.days, size)
    n = len(cols)
    h, left, bottom, top = 150.0, 18.0, 16.0, 4.0
    d = Drawing(width, h)
    span = width - left - 4

    def x(i: int) -> float:
        return left + (span * i / (n - 1) if n > 1 else span / 2)

    def y(v: float) -> float:
        return bottom + (h - bottom - top) * v / 10

    font = fonts()[0]
    d.add(Rect(left, bottom, span, h - bottom - top, fillColor=None, strokeColor=colors.grey, strokeWidth=0.5))
    for v in range(0, 11, 2):
        d.add(Line(left, y(v), left + span, y(v), strokeColor=colors.HexColor("#dddddd"), strokeWidth=0.4))
        d.add(String(left - 3, y(v) - 2, str(v), fontName=font, fontSize=6, textAnchor="end"))
    ticks = sorted({round(k * (n - 1) / 5) for k in range(6)}) if n > 1 else [0]
    for i in ticks:
        day = cols[i].first if size == 1 or i == 0 else cols[i].last
        d.add(String(x(i), 5, f"{day.day} {day:%b}", fontName=font, fontSize=6, textAnchor="middle"))

    def lines(values: list[float | None], colour: str, dash: list[float] | None) -> None:
        run: list[float] = []
        for i, v in enumerate([*values, None]):
            if v is None:
                if len(run) > 2:
                    d.add(PolyLine(run, strokeColor=colors.HexColor(colour), strokeWidth=1.3, strokeDashArray=dash))
                run = []
            else:
                run += [x(i), y(v)]

    if size < tr.WINDOW:
        lines([c.stiffness_7d for c in cols], STIFF, [3, 2])
        lines([c.pain_7d for c in cols], PAIN, None)
        for i, c in enumerate(cols):
            if c.stiffness is not None:
                d.add(
                    Rect(x(i) - 1.4, y(c.stiffness) - 1.4, 2.8, 2.8, fillColor=None, strokeColor=colors.HexColor(STIFF))
                )
            if c.pain is not None:
                d.add(Circle(x(i), y(c.pain), 1.4, fillColor=colors.HexColor(PAIN), strokeColor=None))
    else:
        lines([c.stiffness for c in cols], STIFF, [3, 2])
        lines([c.pain for c in cols], PAIN, None)
    return d


def _legend(report) -> str:
    size = tr.bucket_size(len(report.trend.days), 180)
    if size < tr.WINDOW:
        what = "day" if size == 1 else f"{size}-day mean"
        return (
            f"Red line: pain, 7-day mean; red dots: pain ({what}). Blue dashed line: stiffness, 7-day mean; "
            f"blue squares: stiffness ({what}). Gaps are days without a check-in."
        )
    what = "weekly mean" if size == tr.WINDOW else f"{size // tr.WINDOW}-week mean"
    return f"Red line: pain, {what}. Blue dashed line: stiffness, {what}. Gaps are days without a check-in."
