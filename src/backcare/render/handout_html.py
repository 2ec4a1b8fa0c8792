"""The routine hand-out as one self-contained HTML page for print: inline CSS, no script, no remote resource.

Every piece of text from a routine file or the profile is made inert (control and direction-changing characters
replaced, then html.escape). Each stage starts on a new A4 page."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from backcare import __version__

if TYPE_CHECKING:
    from backcare.domain.handout import Handout, HandoutCard, HandoutStage

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Characters that could reorder or hide text when shown (bidi controls, zero-width marks) and C0/C1 controls.
_INVISIBLE = {
    *range(0x00, 0x09),
    0x0B,
    0x0C,
    *range(0x0E, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200B,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0xFEFF,
}
_NEUTRAL = {cp: "\ufffd" for cp in _INVISIBLE}

CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10pt; line-height: 1.35; color: #111;
  max-width: 190mm; margin: 0 auto; padding: 8mm; }
h1 { font-size: 17pt; margin: 0 0 1mm 0; }
h2 { font-size: 13pt; margin: 0 0 2mm 0; border-bottom: 2px solid #2a6; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 0; }
p { margin: 1mm 0; }
.who { font-weight: bold; font-size: 10.5pt; }
.meta { color: #444; font-size: 9pt; }
.review { font-weight: bold; }
.alert { border: 2.5px solid #a30000; background: #fdecea; padding: 1.5mm 3mm; margin: 2mm 0; }
.alert h2 { color: #a30000; border: none; margin: 0 0 0.5mm; }
.alert li { font-weight: 600; }
.box { border: 1px solid #9bc; background: #f3f8fb; padding: 2mm 3mm; margin: 2mm 0 3mm 0; }
.pain { border-color: #d9a; background: #fdf5f7; }
.stage { page-break-before: always; break-before: page; }
.stage.first { page-break-before: auto; break-before: auto; }
.stage-head { display: flex; justify-content: space-between; align-items: baseline; }
.current { font-size: 9pt; color: #2a6; font-weight: bold; }
.card { border: 1px solid #bbb; border-radius: 2mm; padding: 2mm 3mm; margin: 0 0 2.5mm 0;
  page-break-inside: avoid; break-inside: avoid; }
.card-head { display: flex; justify-content: space-between; gap: 4mm; align-items: baseline; }
.dose { font-weight: bold; color: #164; text-align: right; }
.card ol, .card ul { margin: 1mm 0 1mm 5mm; padding-left: 3mm; }
.card li { margin: 0; }
.label { font-weight: bold; }
.cautions { color: #8a1020; }
.note { background: #fff8dc; border-left: 3px solid #c90; padding: 1mm 2mm; margin-top: 1mm; }
.summary { color: #333; font-style: italic; }
.picture { display: block; max-width: 100%; max-height: 45mm; margin: 1mm auto; }
table.ticks { border-collapse: collapse; width: 100%; margin-top: 2mm; page-break-inside: avoid;
  break-inside: avoid; font-size: 9pt; }
.ticks th, .ticks td { border: 1px solid #777; padding: 1mm 1.5mm; }
.ticks th.day, .ticks td.tick { width: 11mm; text-align: center; }
.ticks td.tick { height: 7mm; }
.ticks caption { text-align: left; font-weight: bold; margin-bottom: 1mm; }
footer { margin-top: 4mm; color: #555; font-size: 8pt; border-top: 1px solid #bbb; padding-top: 1mm; }
.cards { column-count: 2; column-gap: 3mm; }
.cards .card { display: inline-block; width: 100%; }
.ticks th:first-child { text-align: left; }
@media print {
  body { padding: 0; margin: 0; max-width: none; width: 186mm; font-size: 7.5pt; line-height: 1.2; }
  h1 { font-size: 14pt; } h2 { font-size: 11.5pt; margin-bottom: 1.5mm; } h3 { font-size: 9pt; }
  .box { padding: 1mm 2mm; margin: 1mm 0 2mm 0; }
  .cards { column-count: 3; column-gap: 2.5mm; }
  .card { padding: 1.2mm 2mm; margin-bottom: 2mm; }
  .card-head { display: block; } .dose { text-align: left; display: block; }
  .card ol, .card ul { margin: 0.5mm 0 0.5mm 3mm; padding-left: 2mm; }
  .picture { max-height: 28mm; }
  table.ticks { font-size: 8pt; margin-top: 1mm; } .ticks th, .ticks td { padding: 0.3mm 1.5mm; }
  .ticks td.tick { height: 4mm; }
  .stage[data-print="dense"] { font-size: 6.8pt; } .stage[data-print="denser"] { font-size: 6.2pt; }
  footer { margin-top: 1mm; padding-top: 0.5mm; font-size: 7pt; }
}
"""


def clean(text: object) -> str:
    """Text made safe for the page: control and direction-changing characters made visible and inert (the
    project's shared rule), zero-width marks replaced, then HTML-escaped."""
    from backcare.textsafe import inert

    return escape(inert(str(text).translate(_NEUTRAL)), quote=True)


def pain_guidance(limit: int) -> str:
    return (
        f"Some pain while you do these exercises is fine if it stays at {limit} out of 10 or below "
        "and has settled by the next morning. If it goes above "
        f"{limit}, or is still worse the next morning, do a little less next time rather than stopping. "
        "Stop and get advice if pain spreads down a leg, or you have numbness, weakness, or problems "
        "with bladder or bowel."
    )


def render(data: Handout) -> str:
    e = clean
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(data.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top">',
        f"<h1>{e(data.title)}</h1>",
    ]
    if data.who:
        parts.append(f'<p class="who">{e(data.who)}</p>')
    if data.safety:
        parts.append('<section class="alert" role="alert">')
        parts.append(f"<h2>{e(data.safety_title)}</h2>")
        parts.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in data.safety) + "</ul>")
        parts.append("</section>")
    meta = []
    if data.author:
        meta.append(f"From: <b>{e(data.author)}</b>")
    meta.append(f"About {e(data.per_week)} sessions a week")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if data.review_date:
        parts.append(f'<p class="review">Review with your physio on {e(data.review_date)}.</p>')
    parts.append("</header>")
    if data.description:
        paragraphs = [p for p in str(data.description).split("\n\n") if p.strip()]
        parts.append('<section class="box physio-notes">')
        parts.append("<h3>About this routine</h3>")
        parts += [f"<p>{e(' '.join(p.split()))}</p>" for p in paragraphs]
        parts.append("</section>")
    parts.append('<section class="box pain">')
    parts.append("<h3>Pain during the exercises</h3>")
    parts.append(f"<p>{e(pain_guidance(data.pain_limit))}</p>")
    parts.append("</section>")
    for index, stage in enumerate(data.stages):
        parts += _stage(stage, data, first=index == 0)
    parts += [
        "<footer>",
        f"Printed on {e(data.generated)} by backcare {e(__version__)}, a self-care companion; it does not "
        "replace advice from your physio or doctor.",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# How much a printed A4 page holds at the normal print size, in characters of card text (a card and its tick row
# count as CARD_COST more); measured with headless Chromium on the built-in routine's stages.
PAGE_BUDGET = 5300
CARD_COST = 150


def density(stage: HandoutStage, data: Handout, *, first: bool) -> str:
    """'' when the stage fits one A4 page at the normal print size, else 'dense' or 'denser' (smaller type)."""
    cost = sum(
        CARD_COST
        + len(" ".join([c.name, c.dose, c.summary or "", c.note or ""]))
        + sum(len(x) for key in ("steps", "cues", "cautions", "equipment") for x in getattr(c, key) or ())
        + (1200 if c.image else 0)
        for c in stage.exercises
    )
    if first:  # the page also carries the title, the routine's notes and the pain guidance
        cost += 1300 + len(str(data.description or ""))
    if cost <= PAGE_BUDGET:
        return ""
    return "dense" if cost <= PAGE_BUDGET * 1.25 else "denser"


def _stage(stage: HandoutStage, data: Handout, *, first: bool) -> list[str]:
    e = clean
    cls = "stage first" if first else "stage"
    size = density(stage, data, first=first)
    extra = f' data-print="{size}"' if size else ""
    out = [f'<section class="{cls}" id="stage-{e(stage.id)}"{extra}>']
    head = f"Stage {stage.number} of {data.stage_count}: {stage.name}"
    now = '<span class="current">You are here</span>' if stage.current else ""
    out.append(f'<div class="stage-head"><h2>{e(head)}</h2>{now}</div>')
    if stage.pain_limit != data.pain_limit:
        out.append(f'<p class="box pain">In this stage: {e(pain_guidance(stage.pain_limit))}</p>')
    out.append('<div class="cards">')
    for n, card in enumerate(stage.exercises, start=1):
        out += _card(card, n)
    out.append("</div>")
    out += _ticks(stage)
    out.append("</section>")
    return out


def _card(card: HandoutCard, n: int) -> list[str]:
    e = clean
    out = [
        '<article class="card">',
        f'<div class="card-head"><h3>{n}. {e(card.name)}</h3><span class="dose">{e(card.dose)}</span></div>',
    ]
    if card.image and card.image.startswith("data:image/"):
        out.append(f'<img class="picture" alt="" src="{escape(card.image, quote=True)}">')
    if card.summary:
        out.append(f'<p class="summary">{e(card.summary)}</p>')
    if card.steps:
        out.append('<ol class="steps">' + "".join(f"<li>{e(s)}</li>" for s in card.steps) + "</ol>")
    if card.cues:
        out.append('<p class="cues"><span class="label">Tips:</span> ' + " ".join(e(c) for c in card.cues) + "</p>")
    if card.equipment:
        out.append(f'<p class="equipment"><span class="label">You need:</span> {e(", ".join(card.equipment))}</p>')
    if card.cautions:
        out.append(
            '<p class="cautions"><span class="label">Take care:</span> '
            + " ".join(e(c) for c in card.cautions)
            + "</p>"
        )
    if card.note:
        out.append(f'<p class="note"><span class="label">From your physio:</span> {e(card.note)}</p>')
    out.append("</article>")
    return out


def _ticks(stage: HandoutStage) -> list[str]:
    e = clean
    out = [
        '<table class="ticks">',
        "<caption>Tick each exercise when you have done it. Week starting: ____________</caption>",
        "<thead><tr><th>Exercise</th>" + "".join(f'<th class="day">{d}</th>' for d in DAYS) + "</tr></thead>",
        "<tbody>",
    ]
    for card in stage.exercises:
        cells = '<td class="tick"></td>' * len(DAYS)
        out.append(f"<tr><td>{e(card.name)}</td>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return out
