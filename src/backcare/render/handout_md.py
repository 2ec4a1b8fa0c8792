"""The routine hand-out as Markdown (for a clinic's notes system or a plain-text printout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare import __version__
from backcare.render.handout_html import DAYS, pain_guidance
from backcare.render.report_md import md

if TYPE_CHECKING:
    from backcare.domain.handout import Handout


def render(data: Handout) -> str:
    lines = [f"# {md(data.title)}", ""]
    if data.who:
        lines += [f"**{md(data.who)}**", ""]
    if data.safety:
        lines += [f"> **{md(data.safety_title)}**", ">"]
        lines += [f"> - **{md(line)}**" for line in data.safety]
        lines += [""]
    meta = []
    if data.author:
        meta.append(f"From: **{md(data.author)}**")
    meta.append(f"About {data.per_week} sessions a week")
    lines += [" · ".join(meta), ""]
    if data.review_date:
        lines += [f"**Review with your physio on {md(data.review_date)}.**", ""]
    if data.description:
        lines += ["## About this routine", ""]
        for paragraph in str(data.description).split("\n\n"):
            if paragraph.strip():
                lines += [md(paragraph), ""]
    lines += ["## Pain during the exercises", "", md(pain_guidance(data.pain_limit)), ""]
    for stage in data.stages:
        here = " (you are here)" if stage.current else ""
        lines += [f"## Stage {stage.number} of {data.stage_count}: {md(stage.name)}{here}", ""]
        if stage.pain_limit != data.pain_limit:
            lines += [f"In this stage: {md(pain_guidance(stage.pain_limit))}", ""]
        for n, card in enumerate(stage.exercises, start=1):
            lines += [f"### {n}. {md(card.name)}: {md(card.dose)}", ""]
            if card.summary:
                lines += [f"*{md(card.summary)}*", ""]
            lines += [f"{i}. {md(step)}" for i, step in enumerate(card.steps, start=1)]
            if card.steps:
                lines.append("")
            if card.cues:
                lines += ["**Tips:** " + " ".join(md(c) for c in card.cues), ""]
            if card.equipment:
                lines += ["**You need:** " + md(", ".join(card.equipment)), ""]
            if card.cautions:
                lines += ["**Take care:** " + " ".join(md(c) for c in card.cautions), ""]
            if card.note:
                lines += [f"**From your physio:** {md(card.note)}", ""]
        lines += ["Tick each exercise when you have done it. Week starting: ____________", ""]
        lines.append("| Exercise | " + " | ".join(DAYS) + " |")
        lines.append("|---|" + "|".join(":-:" for _ in DAYS) + "|")
        lines += [f"| {md(card.name)} |" + " |" * len(DAYS) for card in stage.exercises]
        lines.append("")
    lines.append(
        f"*Printed on {data.generated} by backcare {__version__}, a self-care companion; it does not replace "
        "advice from your physio or doctor.*"
    )
    return "\n".join(lines) + "\n"
