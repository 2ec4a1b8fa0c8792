"""The clinician report as a list of sections made of plain blocks (paragraphs, lists, tables, the alert box).

One place decides every word and number of the report; the HTML, Markdown and PDF renderers only lay the
blocks out, so the three always say the same thing. Text from the person stays plain text here: each renderer
escapes it for its own format.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date

from backcare.domain import trends as tr
from backcare.domain.safety import BY_ID
from backcare.render.report_format import DECISIONS
from backcare.render.report_format import day_label as _d
from backcare.render.report_format import number as _n
from backcare.render.report_format import short_day as _ds
from backcare.valueclass import frozen

FIRST_PAGE_NOTES = 3  # the latest notes on the first page; every note is in the details
FIRST_PAGE_EXERCISES = 12
NO_MEASURES = "No outcome measures recorded."


@frozen
class Para:
    text: str
    style: str = ""  # "", "muted", "lead"


@frozen
class Items:
    items: list[str]


@frozen
class Table:
    head: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns aligned right
    halves: bool = False  # long and narrow: may be laid out in two halves side by side
    styles: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "better" / "worse"


@frozen
class Alert:
    title: str
    lines: list[str]


@frozen
class Chart:
    """The pain and stiffness chart (each renderer draws its own)."""


@frozen
class Bars:
    """A small bar per value (0-10) with a limit line: pain during each session."""

    values: list[int]
    limit: int
    label: str


Block = Para | Items | Table | Alert | Chart | Bars


@frozen
class Section:
    id: str
    title: str
    blocks: list[Block]
    details: bool = False  # on the details pages (after the first page)


def header(report) -> tuple[str, list[str]]:
    """The report's title and the lines under it: who, the period, how it was made."""
    t = report.trend
    lines = []
    if report.who:
        lines.append(report.who)
    made = len(t.checkins)
    since = f"; from the first check-in on {_d(report.first_checkin)}" if report.first_checkin else ""
    span = "1 day" if t.n_days == 1 else f"{t.n_days} days"
    lines.append(
        f"Period: {_d(t.start)} to {_d(t.end)} ({span}{since}). "
        f"Check-ins on {made} of {span} ({round(100 * made / t.n_days)} %)."
    )
    return "Back pain self-care report", lines


def sections(report) -> list[Section]:
    return [
        _alerts(report),
        _change(report),
        _programme(report),
        _adherence(report),
        _exercise_pain(report),
        _wellbeing(report),
        _measures(report),
        _notes_first(report),
        Section("chart", "Pain and stiffness", [Chart()], details=True),
        _daily(report),
        _weeks(report),
        _stages(report),
        _flares(report),
        _screens(report),
        *([_tags(report)] if report.trend.tags else []),
        _notes_all(report),
    ]


def first_page_lines(report) -> float:
    """About how many lines of body text the first page takes, to choose a smaller print size when it is long:
    headings, wrapped paragraphs (about 110 characters a line), table rows (a two-halves table takes half)."""
    total = 4.0 + (1 if report.who else 0) + 2  # title, who, period, footer
    for sec in sections(report):
        if sec.details:
            continue
        total += 1.6
        for b in sec.blocks:
            if isinstance(b, Para):
                total += -(-len(b.text) // 110)
            elif isinstance(b, (Items, Alert)):
                total += sum(-(-len(x) // 100) for x in (b.items if isinstance(b, Items) else b.lines)) + 1
            elif isinstance(b, Table):
                rows = -(-len(b.rows) // 2) if b.halves and len(b.rows) > 4 else len(b.rows)
                total += 1 + rows * 1.05
            elif isinstance(b, Bars):
                total += 5
    return total


def footer() -> str:
    return (
        "Self-reported data from backcare, a self-care companion; it does not diagnose. "
        f"Change threshold: {tr.MCID_SOURCE} (2 points or 30 % on a 0-10 rating). "
        "Tag comparisons are associations, not causes."
    )


def _alerts(report) -> Section:
    if report.alerts:
        return Section("alerts", "Red flags and safety stops", [Alert("Red flags and safety stops", report.alerts)])
    return Section(
        "alerts", "Red flags and safety stops", [Para("None in this period, and none standing now.", "muted")]
    )


def _change(report) -> Section:
    t = report.trend
    b, r = t.baseline, t.recent
    if not (b and r):
        return Section(
            "change",
            "Change since baseline",
            [
                Para(
                    f"{tr.TOO_FEW.capitalize()}: this needs at least {tr.MIN_CHECKINS} check-ins, with the "
                    f"first {tr.BASELINE_CHECKINS} and the last {tr.BASELINE_CHECKINS} not overlapping."
                )
            ],
        )
    rows, styles = [], {}
    for i, m in enumerate(tr.METRICS):
        c = t.changes[m]
        pct = "–" if c.percent_whole is None else f"{c.percent_whole:+d} %"
        rows.append([m.capitalize(), f"{c.baseline:.1f}", f"{c.recent:.1f}", f"{c.points:+.1f}", pct, c.verdict])
        if c.meaningful and c.direction in ("better", "worse"):
            styles[(i, 5)] = str(c.direction)
    since = ""
    if t.routine.started and b.first >= t.routine.started > t.start:
        since = f" since the routine started on {_ds(report, t.routine.started)}"
    return Section(
        "change",
        "Change since baseline",
        [
            Table(["", "Baseline", "Now", "Change", "Per cent", "Meaning"], rows, (1, 2, 3, 4), styles=styles),
            Para(
                f"Baseline: mean of the first {b.checkins} check-ins{since} "
                f"({_ds(report, b.first)} to {_ds(report, b.last)}); now: mean of the last {r.checkins} "
                f"({_ds(report, r.first)} to {_ds(report, r.last)}). {tr.mcid_note()}",
                "muted",
            ),
        ],
    )


def _programme(report) -> Section:
    p = report.programme
    if p is None:
        return Section("programme", "Current routine", [Para("No routine is followed.")])
    return Section(
        "programme",
        "Current routine",
        [
            Para(
                f"{p.routine}: stage {p.stage_number} of {p.stage_count}, {p.stage}; about {p.per_week} sessions "
                f"a week; pain during exercise up to {p.pain_limit}/10 if it settles by the next morning."
            ),
            Table(["Exercise", "Dose"], [[name, dose] for name, dose in p.doses], halves=len(p.doses) > 4),
        ],
    )


def _adherence(report) -> Section:
    t = report.trend
    a = t.adherence
    if a.percent is not None:
        lead = f"Sessions done / planned: {a.done} / {a.planned} ({a.percent:.0f} %)."
    else:
        lead = "No sessions planned in this period."
    blocks: list[Block] = [Para(lead, "lead")]
    shown = report.exercises[:FIRST_PAGE_EXERCISES]
    if shown:
        blocks.append(
            Table(["Exercise", "Done", "Skipped"], [[e.name, str(e.done), str(e.skipped)] for e in shown], (1, 2), True)
        )
        left = len(report.exercises) - len(shown)
        if left:
            blocks.append(Para(f"And {left} more exercises, done less often.", "muted"))
    else:
        blocks.append(Para("No sessions recorded in this period."))
    return Section("adherence", "Adherence", blocks)


def _exercise_pain(report) -> Section:
    rated = [s for s in report.sessions if s.pain_during is not None]
    limit = report.pain_limit
    blocks: list[Block] = []
    if rated:
        values = [s.pain_during for s in rated if s.pain_during is not None]
        over = sum(v > limit for v in values)
        blocks.append(
            Para(
                f"Rated in {len(rated)} of {len(report.sessions)} sessions: mean {sum(values) / len(values):.1f}, "
                f"highest {max(values)} ({_ds(report, rated[values.index(max(values))].day)}), "
                f"last {values[-1]}; {over} above the limit of {limit}/10."
            )
        )
        blocks.append(Bars(values, limit, "Pain during each session, oldest first"))
    else:
        blocks.append(Para("No pain during exercise rated in this period."))
    if report.unsettled:
        days = ", ".join(_ds(report, d) for d in report.unsettled[-8:])
        more = f" and {len(report.unsettled) - 8} earlier" if len(report.unsettled) > 8 else ""
        n = len(report.unsettled)
        what = "1 day" if n == 1 else f"{n} days"
        blocks.append(Para(f"Soreness had not settled by the next morning on {what}: {days}{more}."))
    else:
        blocks.append(Para("No day with soreness that had not settled by the next morning."))
    return Section("exercise-pain", "Pain during exercise", blocks)


def _wellbeing(report) -> Section:
    rows = []
    for w in report.wellbeing:
        rows.append(
            [
                f"{w.metric.capitalize()} ({w.anchors})",
                str(w.days),
                _n(w.mean),
                _n(w.first),
                _n(w.last),
            ]
        )
    window = max((w.window for w in report.wellbeing), default=0)
    head = ["", "Days rated", "Mean", f"First {window}" if window else "First", f"Last {window}" if window else "Last"]
    if not any(w.days for w in report.wellbeing):
        return Section("wellbeing", "Sleep and stress", [Para("No sleep or stress ratings in this period.")])
    return Section("wellbeing", "Sleep and stress", [Table(head, rows, (1, 2, 3, 4))])


def _measures(report) -> Section:
    if not report.measures:
        return Section("measures", "Outcome measures", [Para(NO_MEASURES)])
    rows = []
    for m in report.measures:
        change = "–" if m.change is None else f"{m.change:+.1f}"
        name = f"{m.name} ({m.scale})" if m.scale else m.name
        rows.append([name, f"{m.latest:g}", _ds(report, m.day), change, m.verdict or "–"])
    return Section(
        "measures", "Outcome measures", [Table(["Measure", "Latest", "On", "Change", "Meaning"], rows, (1, 3))]
    )


def _notes_first(report) -> Section:
    if not report.notes:
        return Section("notes", "Notes", [Para("No notes in this period.")])
    shown = report.notes[-FIRST_PAGE_NOTES:]
    blocks: list[Block] = [Items([f"{_ds(report, d)}: {n}" for d, n in reversed(shown)])]
    if len(report.notes) > len(shown):
        blocks.append(Para(f"The latest {len(shown)} of {len(report.notes)} notes; all are in the details.", "muted"))
    return Section("notes", "Notes", blocks)


# -- details -------------------------------------------------------------------------------------
def _daily(report) -> Section:
    t = report.trend
    by_day: dict[date, list] = {}
    for s in report.sessions:
        by_day.setdefault(s.day, []).append(s)
    rows = []
    for c in t.checkins:
        ses = by_day.get(c.day, [])
        pains = [str(s.pain_during) for s in ses if s.pain_during is not None]
        rows.append(
            [
                _ds(report, c.day),
                str(c.pain),
                str(c.stiffness),
                "–" if c.sleep is None else str(c.sleep),
                "–" if c.stress is None else str(c.stress),
                ", ".join(pains) if pains else ("done" if any(s.done for s in ses) else "–"),
                {True: "yes", False: "no", None: "–"}[c.settled],
            ]
        )
    if not rows:
        return Section("daily", "Day by day", [Para("No check-ins in this period.")], details=True)
    return Section(
        "daily",
        "Day by day",
        [
            Table(
                ["Day", "Pain", "Stiff", "Sleep", "Stress", "Session pain", "Settled"],
                rows,
                (1, 2, 3, 4, 5, 6),
                halves=True,
            )
        ],
        details=True,
    )


def _weeks(report) -> Section:
    t = report.trend
    rows = [
        [
            f"{w.label} ({_ds(report, w.monday)})",
            _n(w.pain),
            _n(w.stiffness),
            str(w.checkins),
            w.sessions_cell(" / ", "–"),
        ]
        for w in t.weeks[-26:]
    ]
    blocks: list[Block] = [
        Table(["ISO week", "Pain", "Stiffness", "Check-ins", "Sessions done / planned"], rows, (1, 2, 3, 4))
    ]
    if len(t.weeks) > 26:
        blocks.append(Para(f"The last 26 of {len(t.weeks)} weeks; the figures cover the whole period.", "muted"))
    blocks.append(Para(f"Sessions: {t.adherence.words}"))
    if t.routine.name:
        started = f", started {_d(t.routine.started)}" if t.routine.started else ""
        blocks.append(
            Para(
                f"Routine: {t.routine.name} ({t.routine.per_week} sessions a week{started}). A session counts when "
                "at least one exercise was done; part weeks are planned pro rata.",
                "muted",
            )
        )
    return Section("weeks", "Week by week", blocks, details=True)


def _stages(report) -> Section:
    blocks: list[Block] = []
    if report.stage_before:
        b = report.stage_before
        blocks.append(Para(f"At the start of the period: {report.stage_name(b.stage)} (since {_d(b.day)})."))
    if not report.stages:
        blocks.append(Para("No stage changes in this period."))
    else:
        items = []
        for ev in report.stages:
            reasons = " ".join(ev.reasons)
            what = DECISIONS.get(ev.decision, ev.decision)
            items.append(
                f"{_ds(report, ev.day)}: {report.stage_name(ev.stage)} ({what})" + (f" — {reasons}" if reasons else "")
            )
        blocks.append(Items(items))
    return Section("stages", "Stage history", blocks, details=True)


def _flares(report) -> Section:
    rule = report.flare_rule
    if not report.flares:
        return Section("flares", "Flare-ups", [Para(f"None ({rule}).")], details=True)
    shown, earlier = report.listed_flares()
    blocks: list[Block] = []
    if earlier:
        blocks.append(Para(f"{len(report.flares)} in this period; the {len(shown)} most recent:"))
    items = []
    for f in shown:
        when = _ds(report, f.first) if f.first == f.last else f"{_ds(report, f.first)} to {_ds(report, f.last)}"
        items.append(f"{when}: peak pain {f.peak} ({f.days} day{'s' if f.days != 1 else ''})")
    blocks += [Items(items), Para(f"Counted as a flare-up: {rule}.", "muted")]
    return Section("flares", "Flare-ups", blocks, details=True)


def _screens(report) -> Section:
    blocks: list[Block] = []
    if report.screen_before:
        s = report.screen_before
        result = "red flag" if s.any_yes else "all clear"
        blocks.append(Para(f"None in this period; the last one, on {_d(s.day)}, was {result}."))
    elif not report.screens:
        blocks.append(Para("No safety screen answered yet."))
    else:
        shown, left_out = report.listed_screens()
        items = []
        for s in shown:
            if s.any_yes:
                flagged = "; ".join(BY_ID[q].text if q in BY_ID else q for q in s.flagged)
                label = "red flag" if s.current_flags else "history"
                items.append(f"{_ds(report, s.day)}: {label}: {flagged}")
            else:
                items.append(f"{_ds(report, s.day)}: all clear")
        blocks.append(Items(items))
        if left_out:
            blocks.append(Para(f"And {left_out} earlier all-clear screens.", "muted"))
    for c in report.clearances:
        covers = "; ".join(BY_ID[q].text if q in BY_ID else q for q in c.covers)
        note = f" ({c.note})" if c.note else ""
        blocks.append(Para(f"Clearance: {_d(c.day)} by {c.by}{note}, for: {covers}"))
    return Section("safety", "Red-flag screens", blocks, details=True)


def _tags(report) -> Section:
    rows = [
        [
            e.tag,
            f"{e.with_mean:.1f}",
            str(e.with_days),
            f"{e.without_mean:.1f}",
            str(e.without_days),
            f"{e.difference:+.1f}",
        ]
        for e in report.trend.tags
    ]
    return Section(
        "tags",
        "Tags and pain",
        [
            Table(["Tag", "Pain with", "Days", "Pain without", "Days", "Difference"], rows, (1, 2, 3, 4, 5)),
            Para(
                f"Tags on at least {tr.MIN_TAG_DAYS} days and missing from at least {tr.MIN_TAG_DAYS}. "
                "These are associations, not causes.",
                "muted",
            ),
        ],
        details=True,
    )


def _notes_all(report) -> Section:
    if not report.notes:
        return Section("notes-all", "All notes", [Para("No notes in this period.")], details=True)
    shown, earlier = report.listed_notes()
    blocks: list[Block] = []
    if earlier:
        blocks.append(Para(f"The {len(shown)} most recent of {len(report.notes)} notes."))
    blocks.append(Table(["Day", "Note"], [[_ds(report, d), n] for d, n in shown]))
    return Section("notes-all", "All notes", blocks, details=True)
