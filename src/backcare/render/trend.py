"""`backcare trend` in the terminal: a text line chart, baseline vs now, the weekly table, adherence, tags.

The chart is drawn here as characters (no plotting library): each series has its own characters, so it reads
with NO_COLOR and on a 40-column terminal; colour only helps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from backcare.domain import trends as tr
from backcare.render.plain import Out, table_lines
from backcare.valueclass import frozen

Y_MAX = 10
LABEL_W = 3  # "10┤"
MAX_TABLE_WEEKS = 16


@frozen
class Glyphs:
    horizontal: str
    vertical: str
    up_from: str  # arrives from the left, turns up
    up_to: str  # arrives from below, leaves to the right
    down_from: str  # arrives from the left, turns down
    down_to: str  # arrives from above, leaves to the right


LIGHT = Glyphs("─", "│", "╯", "╭", "╮", "╰")
DOUBLE = Glyphs("═", "║", "╝", "╔", "╗", "╚")
PAIN_STYLE, STIFF_STYLE = "red", "cyan"
PAIN_POINT, STIFF_POINT = "o", "x"


@frozen
class Chart:
    title: str
    rows: list[list[tuple[str, str]]]  # each row: (text, style) segments
    legend: list[tuple[str, str]]


@frozen
class Series:
    name: str
    point: str
    line: Glyphs
    style: str


PAIN = Series("pain", PAIN_POINT, LIGHT, PAIN_STYLE)
STIFFNESS = Series("stiffness", STIFF_POINT, DOUBLE, STIFF_STYLE)


def _level(value: float) -> int:
    return max(0, min(Y_MAX, math.floor(value + 0.5)))


def _draw_line(grid: list[list[tuple[str, str] | None]], values: Sequence[float | None], g: Glyphs, style: str) -> None:
    """asciichart-style: one character per column, vertical runs where the level changes; None breaks the line."""
    prev: int | None = None
    for x, value in enumerate(values):
        if value is None:
            prev = None
            continue
        y = _level(value)
        if prev is None or prev == y:
            grid[y][x] = (g.horizontal, style)
        elif y > prev:
            grid[prev][x] = (g.up_from, style)
            for k in range(prev + 1, y):
                grid[k][x] = (g.vertical, style)
            grid[y][x] = (g.up_to, style)
        else:
            grid[prev][x] = (g.down_from, style)
            for k in range(y + 1, prev):
                grid[k][x] = (g.vertical, style)
            grid[y][x] = (g.down_to, style)
        prev = y


def _panel(cols: Sequence[tr.Bucket], series: Series, weekly: bool) -> list[list[tuple[str, str]]]:
    """Rows 10..0 of one metric: its points (daily values or bucket means) over its 7-day mean line."""
    n = len(cols)
    grid: list[list[tuple[str, str] | None]] = [[None] * n for _ in range(Y_MAX + 1)]
    values = [getattr(c, series.name) for c in cols]
    if weekly:
        _draw_line(grid, values, series.line, series.style)
    else:
        _draw_line(grid, [getattr(c, series.name + "_7d") for c in cols], series.line, series.style)
        for x, v in enumerate(values):
            if v is not None:
                grid[_level(v)][x] = (series.point, "bold " + series.style)
    rows: list[list[tuple[str, str]]] = []
    for y in range(Y_MAX, -1, -1):
        label = f"{y:>2}┤" if y % 2 == 0 else "  │"
        segs: list[tuple[str, str]] = [(label, "dim")]
        run: list[str] = []
        run_style = ""
        for cell in grid[y]:
            ch, style = cell if cell else (" ", "")
            if style != run_style and run:
                segs.append(("".join(run), run_style))
                run = []
            run_style = style
            run.append(ch)
        if run and (run_style or "".join(run).strip()):
            segs.append(("".join(run), run_style))
        rows.append(segs)
    return rows


def build_chart(trend_days: Sequence[tr.Day], width: int, metric: str = "both") -> Chart:
    """Lay the chart out for a terminal `width` columns wide (y labels included).

    One panel per metric (pain above stiffness), sharing the date axis: four series in one panel of a few
    characters' height are unreadable. Each panel: the day's value (or the mean of a few days, when the range is
    wider than the terminal) as points, the 7-day mean as a line; for long ranges, weekly means as a line.
    """
    plot_w = max(10, width - LABEL_W - 1)
    size = tr.bucket_size(len(trend_days), plot_w)
    cols = tr.buckets(trend_days, size)
    weekly = size >= tr.WINDOW
    shown = [s for s in (PAIN, STIFFNESS) if metric in (s.name, "both")]
    legend: list[tuple[str, str]] = []
    rows: list[list[tuple[str, str]]] = []
    for i, series in enumerate(shown):
        if weekly:
            what = "weekly mean" if size == tr.WINDOW else f"{size // tr.WINDOW}-week mean"
            legend.append((f"{series.line.horizontal} {series.name}, {what}", series.style))
        else:
            what = "each day" if size == 1 else f"{size}-day mean"
            legend.append((f"{series.point} {series.name}, {what}", series.style))
            legend.append((f"{series.line.horizontal} {series.name}, 7-day mean", series.style))
        if len(shown) > 1:
            rows.append([(series.name.capitalize(), "bold " + series.style)])
        rows += _panel(cols, series, weekly)
    legend.append(("blank: no check-in", "dim"))
    if cols:
        axis, labels = _x_axis(cols, len(cols))
        rows.append([("  └" + axis, "dim")])
        rows.append([(" " * LABEL_W + labels, "")])
    names = {"both": "Pain and stiffness", "pain": "Pain", "stiffness": "Stiffness"}
    return Chart(f"{names[metric]} (0-10)", rows, legend)


def wrap_items(items: Sequence[tuple[str, str]], width: int, sep: str = "  ") -> list[list[tuple[str, str]]]:
    """Legend items packed into lines of at most `width` characters, never splitting an item."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for text, style in items:
        extra = len(text) + (len(sep) if lines[-1] else 0)
        if lines[-1] and used + extra > width:
            lines.append([])
            used, extra = 0, len(text)
        if lines[-1]:
            lines[-1].append((sep, ""))
        lines[-1].append((text, style))
        used += extra
    return lines


def _x_axis(cols: Sequence[tr.Bucket], n: int) -> tuple[str, str]:
    span = (cols[-1].last - cols[0].first).days
    fmt = (lambda d: f"{d.day} {d:%b}") if span <= 366 else (lambda d: f"{d:%b %Y}")
    for count in (5, 4, 3, 2, 1):
        if count > n:
            continue
        xs = sorted({round(i * (n - 1) / (count - 1)) for i in range(count)} if count > 1 else {0})
        placed: list[tuple[int, str]] = []
        ok = True
        end_prev = -2
        for i, x in enumerate(xs):
            text = fmt(cols[x].last if x == n - 1 and x != 0 else cols[x].first)
            if span <= 366 and (i == len(xs) - 1 or (i == 0 and cols[0].first.year != cols[-1].last.year)):
                text += f" {(cols[x].last if i else cols[x].first).year}"
            if i == 0:
                left = 0
            elif x == n - 1:
                left = n - len(text)
            else:
                left = x - len(text) // 2
            if left < end_prev + 2 or left < 0:
                ok = False
                break
            placed.append((left, text))
            end_prev = left + len(text)
        if not ok:
            continue
        line = [" "] * max(n, end_prev)
        for left, text in placed:
            line[left : left + len(text)] = list(text)
        axis = ["─"] * n
        for x in xs:
            axis[x] = "┬"
        return "".join(axis), "".join(line).rstrip()
    return "─" * n, ""


def _long(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _short_date(d: date) -> str:
    return f"{d.day} {d:%b}"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def show(trend, metric: str) -> None:  # trend: backcare.services.trends.Trend
    out = Out()
    width = out.width
    last = getattr(trend, "last_before", None)
    if not trend.checkins and last is not None:
        out.para(
            f"No check-ins between {_long(trend.start)} and {_long(trend.end)}; your last one was on {_long(last)}. "
            "'backcare trend --all' shows your whole diary, and 'backcare checkin' starts again today."
        )
        out.flush()
        return
    if not trend.checkins:
        out.para(f"No check-ins between {_long(trend.start)} and {_long(trend.end)} yet, so there is no trend to show.")
        out.para("Run: backcare checkin")
        out.flush()
        return

    if trend.earlier:
        out.para(
            f"Showing the last {trend.n_days} days. Your first check-in is dated {trend.earlier.isoformat()}: if that "
            f"is a typo, delete it with 'backcare delete {trend.earlier.isoformat()}'; otherwise use --days N to see "
            "further back.",
            "yellow",
        )
    if getattr(trend, "from_first", False):
        days = f"{trend.n_days} day{'s' if trend.n_days != 1 else ''}"
        out.para(f"Since your first check-in on {_long(trend.start)} ({days}).")
    chart = build_chart(trend.days, width, metric)
    out.para(chart.title, "bold")
    for row in chart.rows:
        out.row(row)
    for items in wrap_items(chart.legend, width):
        out.row(items)

    out.para()
    out.para("Baseline vs now", "bold")
    made = len(trend.checkins)
    out.para(f"{made} check-in{'s' if made != 1 else ''} in {trend.n_days} day{'s' if trend.n_days != 1 else ''}.")
    b, r = trend.baseline, trend.recent
    _short = _short_date if trend.start.year == trend.end.year else _long
    if b and r:
        routine_start = trend.routine.started and b.first >= trend.routine.started > trend.start
        since = " since the routine started" if routine_start else ""
        out.para(
            f"Baseline: first {b.checkins} check-ins{since} ({_short(b.first)} to {_short(b.last)}): "
            f"pain {b.mean('pain'):.1f}, stiffness {b.mean('stiffness'):.1f}."
        )
        out.para(
            f"Now: last {r.checkins} check-ins ({_short(r.first)} to {_short(r.last)}): "
            f"pain {r.mean('pain'):.1f}, stiffness {r.mean('stiffness'):.1f}."
        )
        for m in tr.METRICS:
            if metric in (m, "both"):
                c = trend.changes[m]
                style = (
                    "green"
                    if c.meaningful and c.direction == "better"
                    else ("yellow" if c.meaningful and c.direction == "worse" else "")
                )
                out.para(c.words, style)
        out.para(tr.mcid_note(), "dim")
    else:
        out.para(
            f"Change since the start: {tr.TOO_FEW} (it needs {tr.MIN_CHECKINS} check-ins, the first and last "
            f"{tr.BASELINE_CHECKINS} not overlapping)."
        )

    out.para()
    weeks = trend.weeks
    shown = weeks[-MAX_TABLE_WEEKS:]
    narrow = width < 60
    header = (
        "Week",
        "Pain",
        "Stiff" if narrow else "Stiffness",
        "Days" if narrow else "Check-ins",
        "Sess." if narrow else "Sessions done/planned",
    )
    body = [(w.label, _num(w.pain), _num(w.stiffness), str(w.checkins), w.sessions_cell()) for w in shown]
    out.para("Week by week", "bold")
    for i, line in enumerate(table_lines(header, body)):
        out.row([(line, "bold" if i == 0 else "")])
    if len(weeks) > len(shown):
        out.para(f"(the {len(weeks) - len(shown)} earlier weeks are in 'backcare trend --json')", "dim")

    out.para()
    out.para("Sessions", "bold")
    out.para(trend.adherence.words)

    out.para()
    out.para("Tags and pain", "bold")
    if trend.tags:
        for t in trend.tags:
            out.para(t.words)
    else:
        out.para(
            f"No tag was on at least {tr.MIN_TAG_DAYS} days and missing from at least {tr.MIN_TAG_DAYS} others "
            "in this period. Tag your check-ins (e.g. --tag long-drive) to see what goes with your pain."
        )
    _daily_scores(out, trend)
    out.flush()


def _daily_scores(out: Out, trend) -> None:
    """Sleep and stress (and the other daily scores), and how pain differs on their high and low days."""
    # leg pain and medicines only once the person records them: most people have neither
    summaries = [s for s in getattr(trend, "scores", {}).values() if s.days or s.name in tr.ASSOCIATED]
    medicines = getattr(trend, "medicines", None)
    medicines = medicines if medicines is not None and medicines.days else None
    more = len(summaries) > len(tr.ASSOCIATED) or medicines is not None
    out.para()
    out.para("Sleep, stress, leg pain and medicines" if more else "Sleep and stress", "bold")
    for summary in summaries:
        out.para(summary.words)
    if medicines is not None:
        out.para(medicines.words)
    for association in getattr(trend, "associations", []):
        out.para(association.words)
    out.para(tr.ASSOCIATION_RULE, "dim")
