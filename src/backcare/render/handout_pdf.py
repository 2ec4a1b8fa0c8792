"""The routine hand-out as a PDF (reportlab): the same parts as the HTML hand-out, each stage on one A4 page
(shrunk to fit when a stage is long), exercise cards in two columns, then the weekly tick grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare import __version__
from backcare.render.handout_html import DAYS, pain_guidance
from backcare.render.pdf import alert_box, build, frame_size, side_by_side, styles, text

if TYPE_CHECKING:
    from backcare.domain.handout import Handout, HandoutCard, HandoutStage


def render(data: Handout) -> bytes:
    from reportlab.platypus import KeepInFrame, PageBreak, Paragraph

    st = styles(8.5)
    width, height = frame_size()
    head: list = [Paragraph(text(data.title), st["h1"])]
    if data.who:
        head.append(Paragraph(text(data.who), st["lead"]))
    if data.safety:
        head.append(alert_box(data.safety_title, data.safety, st, width))
    meta = ([f"From: {data.author}"] if data.author else []) + [f"About {data.per_week} sessions a week"]
    head.append(Paragraph(text(" · ".join(meta)), st["muted"]))
    if data.review_date:
        head.append(Paragraph(text(f"Review with your physio on {data.review_date}."), st["lead"]))
    if data.description:
        head.append(Paragraph(text("About this routine"), st["h3"]))
        for para in [p for p in str(data.description).split("\n\n") if p.strip()]:
            head.append(Paragraph(text(" ".join(para.split())), st["body"]))
    head.append(Paragraph(text("Pain during the exercises"), st["h3"]))
    head.append(Paragraph(text(pain_guidance(data.pain_limit)), st["body"]))
    story: list = []
    for index, stage in enumerate(data.stages):
        page = list(head) if index == 0 else []
        page += _stage(stage, data, st, width)
        if index:
            story.append(PageBreak())
        story.append(KeepInFrame(width, height, page, mode="shrink"))
    foot = f"Printed on {data.generated} by backcare {__version__}; it does not replace advice from your physio."
    return build(story, title=str(data.title), footer=foot)


def _stage(stage: HandoutStage, data: Handout, st, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    out: list = [
        Spacer(1, 4),
        Paragraph(
            text(f"Stage {stage.number} of {data.stage_count}: {stage.name}")
            + (" — you are here" if stage.current else ""),
            st["h2"],
        ),
    ]
    if stage.pain_limit != data.pain_limit:
        out.append(Paragraph(text("In this stage: " + pain_guidance(stage.pain_limit)), st["body"]))
    cards = [_card(card, n, st) for n, card in enumerate(stage.exercises, start=1)]
    gap = 8
    # fill the two columns by length so they end at about the same height
    left: list = []
    right: list = []
    size = [0, 0]
    for card, cost in cards:
        side = 0 if size[0] <= size[1] else 1
        (left if side == 0 else right).extend([card, Spacer(1, 5)])
        size[side] += cost
    out.append(side_by_side(left, right, width, gap))
    out.append(Spacer(1, 4))
    out.append(Paragraph(text("Tick each exercise when you have done it. Week starting: ____________"), st["lead"]))
    rows = [["Exercise", *DAYS]] + [[Paragraph(text(c.name), st["cell"]), *[""] * len(DAYS)] for c in stage.exercises]
    day_w = 13 * 2.835
    ticks = Table(
        rows, colWidths=[width - day_w * len(DAYS), *[day_w] * len(DAYS)], rowHeights=[12] + [14] * (len(rows) - 1)
    )
    ticks.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("FONTSIZE", (0, 0), (-1, 0), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    out.append(ticks)
    return out


def _card(card: HandoutCard, n: int, st) -> tuple[object, int]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    parts: list = [
        Paragraph(text(f"{n}. {card.name}"), st["h3"]),
        Paragraph(text(card.dose), st["dose"]),
    ]
    picture = _picture(card.image or "")
    if picture is not None:
        parts.append(picture)
    if card.summary:
        parts.append(Paragraph(f"<i>{text(card.summary)}</i>", st["body"]))
    for i, step in enumerate(card.steps or [], start=1):
        parts.append(Paragraph(text(step), st["item"], bulletText=f"{i}."))
    if card.cues:
        parts.append(Paragraph("<b>Tips:</b> " + text(" ".join(card.cues)), st["body"]))
    if card.equipment:
        parts.append(Paragraph("<b>You need:</b> " + text(", ".join(card.equipment)), st["body"]))
    if card.cautions:
        parts.append(Paragraph("<b>Take care:</b> " + text(" ".join(card.cautions)), st["caution"]))
    if card.note:
        parts.append(Paragraph("<b>From your physio:</b> " + text(card.note), st["body"]))
    box = Table([[parts]])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#bbbbbb")),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    cost = 120 + sum(len(x) for key in ("steps", "cues", "cautions") for x in getattr(card, key) or ())
    cost += len(card.summary or "") + len(card.note or "")
    return box, cost


def _picture(uri: str, width: float = 150.0, height: float = 90.0):
    """A PNG or JPEG picture (a data: address from the hand-out data) scaled to fit; None for SVG or none."""
    import base64
    import io

    for kind in ("data:image/png;base64,", "data:image/jpeg;base64,"):
        if uri.startswith(kind):
            from reportlab.lib.utils import ImageReader
            from reportlab.platypus import Image

            raw = base64.b64decode(uri[len(kind) :])
            try:
                w, h = ImageReader(io.BytesIO(raw)).getSize()
            except Exception:  # a damaged picture stored before pictures were checked whole: leave it out
                return None
            scale = min(width / w, height / h, 1.0) if w and h else 1.0
            return Image(io.BytesIO(raw), width=w * scale, height=h * scale)
    return None
