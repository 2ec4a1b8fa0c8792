"""PDF building blocks shared by the report and the hand-out (reportlab, the optional `pdf` extra).

Imported only when a PDF is asked for. Text from the person or a routine file is made inert (textsafe.inert)
and escaped for reportlab's paragraph markup, so it is shown as written and never read as markup. A Unicode
font is used when the system has DejaVu Sans; otherwise the built-in Helvetica (Latin-1). Chinese, Japanese and
Korean text uses reportlab's built-in CID fonts.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from backcare.textsafe import inert

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed, else Helvetica."""
    global _fonts
    if _fonts is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _fonts = ("Helvetica", "Helvetica-Bold")
        for regular in FONT_PATHS:
            bold = regular.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
            if Path(regular).is_file() and Path(bold).is_file():
                try:
                    pdfmetrics.registerFont(TTFont("BackcareSans", regular))
                    pdfmetrics.registerFont(TTFont("BackcareSans-Bold", bold))
                except Exception:  # a broken font file: fall back to the built-in font
                    continue
                pdfmetrics.registerFontFamily("BackcareSans", normal="BackcareSans", bold="BackcareSans-Bold")
                _fonts = ("BackcareSans", "BackcareSans-Bold")
                break
    return _fonts


# Chinese and Japanese (and Korean) characters: reportlab's built-in CID fonts, which need no font file
CJK_FONTS = (
    (
        "STSong-Light",
        (
            (0x2E80, 0x303F),
            (0x3040, 0x30FF),
            (0x31F0, 0x31FF),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF00, 0xFFEF),
        ),
    ),
    ("HYSMyeongJo-Medium", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
)


def _cjk_font(char: str) -> str | None:
    """The built-in CID font that draws this character, registered on first use; None for any other character."""
    code = ord(char)
    for name, ranges in CJK_FONTS:
        if any(low <= code <= high for low, high in ranges):
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(name))
            return name
    return None


def text(value: object) -> str:
    """Plain text for a reportlab Paragraph: inert, markup-escaped, and within the font's characters; Chinese,
    Japanese and Korean runs are drawn in a built-in font that has them (the Latin fonts show only boxes)."""
    shown = inert(str(value), newlines=True)
    runs: list[tuple[str | None, str]] = []
    for char in shown:
        font = _cjk_font(char) if ord(char) > 0x10FF else None
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    parts = []
    for font, run in runs:
        if font is not None:
            parts.append(f'<font name="{font}">{xml_escape(run)}</font>')
            continue
        if fonts()[0] == "Helvetica":
            run = run.encode("cp1252", "replace").decode("cp1252")
        parts.append(xml_escape(run))
    return "".join(parts)


def styles(base: float = 9.0) -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=base, leading=base * 1.3, spaceAfter=1.5)
    return {
        "body": body,
        "lead": ParagraphStyle("lead", parent=body, fontName=bold),
        "muted": ParagraphStyle(
            "muted", parent=body, fontSize=base - 1, leading=(base - 1) * 1.3, textColor=colors.HexColor("#555555")
        ),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=base + 6, leading=(base + 6) * 1.25),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=base + 2,
            leading=(base + 2) * 1.25,
            spaceBefore=5,
            spaceAfter=2,
            keepWithNext=True,
        ),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=base + 0.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=base - 0.5, leading=(base - 0.5) * 1.25, spaceAfter=0),
        "cellb": ParagraphStyle(
            "cellb", parent=body, fontName=bold, fontSize=base - 0.5, leading=(base - 0.5) * 1.25, spaceAfter=0
        ),
        "alert": ParagraphStyle(
            "alert", parent=body, fontName=bold, textColor=colors.HexColor("#7a0000"), leftIndent=8, bulletIndent=0
        ),
        "alerth": ParagraphStyle(
            "alerth", parent=body, fontName=bold, fontSize=base + 2, textColor=colors.HexColor("#a30000")
        ),
        "item": ParagraphStyle("item", parent=body, leftIndent=10, bulletIndent=2),
        "dose": ParagraphStyle("dose", parent=body, fontName=bold, textColor=colors.HexColor("#116644")),
        "caution": ParagraphStyle("caution", parent=body, textColor=colors.HexColor("#8a1020")),
    }


def build(story: list, *, title: str, footer: str) -> bytes:
    """Lay the flowables out on A4 pages (page numbers and the footer line at the bottom) and return the PDF."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    regular, _bold = fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=inert(title),
        author="backcare",
        invariant=True,  # the same data gives the same bytes
    )

    def page_foot(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillGray(0.35)
        foot = footer.encode("cp1252", "replace").decode("cp1252") if regular == "Helvetica" else footer
        canvas.drawString(12 * mm, 7 * mm, foot[:160])
        canvas.drawRightString(A4[0] - 12 * mm, 7 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=page_foot, onLaterPages=page_foot)
    return out.getvalue()


def frame_size() -> tuple[float, float]:
    """The usable width and height of a page laid out by `build`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    return A4[0] - 24 * mm - 12, A4[1] - 26 * mm - 12


def side_by_side(left: object, right: object, width: float, gap: float):
    """Two flowables (or lists of them) in two top-aligned columns of equal width."""
    from reportlab.platypus import Table, TableStyle

    col = (width - gap) / 2
    grid = Table([[left, "", right]], colWidths=[col, gap, col])
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return grid


def alert_box(title: str, lines: list[str], st: dict, width: float):
    """A red flag or safety stop, in a red box that cannot be missed (the report and the hand-out)."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    inner = [Paragraph(text(title), st["alerth"])]
    inner += [Paragraph(text(x), st["alert"], bulletText="•") for x in lines]
    box = Table([[inner]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2.2, colors.HexColor("#a30000")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecea")),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box
