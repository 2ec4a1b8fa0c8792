"""`backcare report`: a self-contained page a physio can read, checked by parsing it like a browser would."""

from __future__ import annotations

import math
import os
import stat
from datetime import date
from html.parser import HTMLParser

import pytest
from journey import ESCAPE_NOTE, ROUTINE, fill, filled_copy

from backcare.domain.safety import BY_ID
from backcare.store import Store

END = date(2026, 11, 26)
TODAY = {"BACKCARE_TODAY": END.isoformat()}
FIRST_PAGE = ["alerts", "change", "programme", "adherence", "exercise-pain", "wellbeing", "measures", "notes"]
DETAILS = ["chart", "daily", "weeks", "stages", "flares", "safety", "tags", "notes-all"]
SECTIONS = FIRST_PAGE + DETAILS
H2 = [
    "Red flags and safety stops",
    "Change since baseline",
    "Current routine",
    "Adherence",
    "Pain during exercise",
    "Sleep and stress",
    "Outcome measures",
    "Notes",
    "Pain and stiffness",
    "Day by day",
    "Week by week",
    "Stage history",
    "Flare-ups",
    "Red-flag screens",
    "Tags and pain",
    "All notes",
]


class Page(HTMLParser):
    """Collects what a reader (and a browser) would care about."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.title = ""
        self.h2: list[str] = []
        self.sections: dict[str, str] = {}
        self.order: list[str] = []  # section ids in document order
        self.chart: dict[str, int] = {}
        self.week_rows: list[list[str]] = []
        self._stack: list[str] = []
        self._section: str | None = None
        self._in_chart = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self._section = a["id"]
            self.sections[self._section] = ""
            self.order.append(a["id"])
        elif self._section and tag in ("td", "th", "li", "p", "tr"):
            self.sections[self._section] += " "  # cells and items read apart
        if tag == "svg" and a.get("role") == "img":
            self._in_chart = True
        if self._in_chart:
            self.chart[tag] = self.chart.get(tag, 0) + 1
        if self._section == "weeks" and tag == "tr":
            self._row = []
        if self._row is not None and tag in ("td", "th"):
            self._cell = []
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_chart = False
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None:
            if self._row and not self._row[0].startswith("ISO week"):
                self.week_rows.append(self._row)
            self._row = None
        if tag == "section":
            self._section = None
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        current = self._stack[-1] if self._stack else ""
        if current == "title":
            self.title += data
        if current == "h2":
            self.h2.append(data.strip())
        if self._section:
            self.sections[self._section] += data
        if self._cell is not None:
            self._cell.append(data)

    def text(self, section: str) -> str:
        return " ".join(self.sections.get(section, "").split())


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture
def journey(home, home_template):
    counts = filled_copy(home, home_template, 90, end=END, seed=1)
    store = Store.open(home)
    try:
        extra = {
            "rows": store.checkins(),
            "events": store.stage_history(ROUTINE),
            "screen_rows": store.screens(),
        }
    finally:
        store.close()
    return {**counts, **extra}


def html_report(cli, *args: str) -> str:
    result = cli("report", "-o", "-", *args, env=TODAY)
    assert result.exit_code == 0, result.output
    return result.stdout


def tenths(values: list[int]) -> float:
    return math.floor(sum(values) * 10 / len(values) + 0.5 + 1e-12) / 10


def short(day: date) -> str:
    return f"{day.day} {day:%b}"


def test_html_structure_is_complete_and_self_contained(cli, journey):
    text = html_report(cli)
    page = parse(text)
    assert text.startswith("<!DOCTYPE html>")
    assert page.title == "Back pain self-care report: 29 Aug 2026 to 26 Nov 2026"
    assert page.order == SECTIONS
    assert [h for h in page.h2 if h] == H2
    # no script, no external resource of any kind: it opens offline and does nothing but show
    assert "script" not in page.tags
    assert not {"link", "img", "iframe", "object", "embed", "base", "form"} & set(page.tags)
    assert not [k for k, _ in page.attrs if k in ("src", "href") or k.startswith("on")]
    assert "http://" not in text and "https://" not in text and "url(" not in text
    assert "@page { size: A4; margin: 9mm 12mm; }" in text
    assert page.chart.get("polyline", 0) >= 2


def test_html_numbers_match_the_data(cli, journey):
    text = html_report(cli)
    page = parse(text)
    rows = journey["rows"]
    # every check-in is one point on the chart (90 days: one column a day), missing days are not drawn
    assert page.chart["circle"] == len(rows) == journey["checkins"]
    assert f"Check-ins on {len(rows)} of 90 days" in text
    started = journey["events"][0].day
    base = [c for c in rows if c.day >= started][:7]
    recent = rows[-7:]
    change = page.text("change")
    for metric in ("pain", "stiffness"):
        b = tenths([getattr(c, metric) for c in base])
        r = tenths([getattr(c, metric) for c in recent])
        pct = math.trunc(round((r - b) / b * 100, 9))
        assert f"{metric.capitalize()} {b:.1f} {r:.1f} {r - b:+.1f} {pct:+d} %" in change
    assert "meaningful improvement" in change and "Ostelo" in change
    # the weekly table: one row per ISO week, means and counts as counted here
    weeks: dict = {}
    for c in rows:
        weeks.setdefault(c.day.isocalendar()[:2], []).append(c)
    assert len(page.week_rows) == 14
    for cells in page.week_rows:
        year, week = int(cells[0][:4]), int(cells[0][6:8])
        got = weeks[(year, week)]
        assert cells[1] == f"{sum(c.pain for c in got) / len(got):.1f}"
        assert cells[3] == str(len(got))
    assert "planned sessions done" in page.text("weeks")


def test_html_lists_stages_flares_screens_and_escaped_notes(cli, journey):
    text = html_report(cli)
    page = parse(text)
    stages = page.text("stages")
    for event in journey["events"]:
        assert short(event.day) in stages
        for reason in event.reasons:
            assert reason in stages
    assert "Ease into movement (stepped back) — Pain was 8/10 two days running" in stages
    flare = journey["flare"]
    assert f"{short(flare)} to {short(flare.replace(day=flare.day + 1))}: peak pain 8 (2 days)" in page.text("flares")
    safety = page.text("safety")
    red, clear = journey["screen_rows"]
    assert f"{short(red.day)}: red flag: {BY_ID['night-pain'].text}" in safety
    assert f"{short(clear.day)}: all clear" in safety
    notes = page.text("notes-all")
    noted = [c for c in journey["rows"] if c.note]
    assert len(noted) == journey["notes"]
    for c in noted:
        assert f"{short(c.day)} {' '.join(c.note.split())}" in notes
    # the note with markup is text, never markup
    assert ESCAPE_NOTE in notes
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "long-drive" in page.text("tags") and "associations, not causes" in page.text("tags")


def test_default_file_name_private_mode_and_path_printed(cli, journey, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("report", env=TODAY)
    assert result.exit_code == 0, result.output
    path = tmp_path / "backcare-report-2026-11-26.html"
    assert path.is_file()
    assert result.stdout.strip() == f"Report written to {path}"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert parse(path.read_text(encoding="utf-8")).title.startswith("Back pain self-care report")


def test_markdown_has_the_same_sections(cli, journey, tmp_path):
    out = tmp_path / "r.md"
    result = cli("report", "-o", str(out), env=TODAY)  # format taken from the extension
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Back pain self-care report")
    for heading in H2:
        assert f"\n## {heading}\n" in text
    assert "pain       " in text and any(ch in text for ch in "▁▂▃▄▅▆▇█")
    assert text.count("\n| 2026-W") == 14
    assert f"Check-ins on {journey['checkins']} of 90 days" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert cli("report", "--format", "md", "-o", "-", env=TODAY).stdout == text


def test_long_periods_use_weekly_means_on_the_chart(cli, journey):
    page = parse(html_report(cli, "--days", "800"))
    assert page.chart.get("circle", 0) == 0 and page.chart["polyline"] >= 2
    assert "weekly mean" in page.text("chart") or "week mean" in page.text("chart")


def test_empty_home_still_makes_a_report(cli):
    page = parse(html_report(cli))
    assert "too few check-ins to tell" in page.text("change").lower()
    assert "No check-ins in this period" in page.text("chart")
    assert "No safety screen answered yet" in page.text("safety")


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["--format", "docx"], 2, "--format must be html, md or pdf"),
        (["--from", "2026-02-30"], 2, "not a real calendar date"),
        (["--from", "yesterday", "--to", "2026-01-01"], 2, "is after --to"),
        (["--to", "2999-01-01"], 2, "is after today"),
        (["--from", "2026-01-01", "--days", "10"], 2, "not both"),
        (["-o", "/nonexistent-folder/x.html"], 1, "does not exist"),
    ],
)
def test_bad_options(cli, args, code, fragment):
    result = cli("report", *args)
    assert result.exit_code == code
    assert fragment in result.output and "Traceback" not in result.output


def test_long_periods_stay_short(cli, home):
    fill(home, 800, end=END, seed=2)
    page = parse(html_report(cli, "--days", "800"))
    assert len(page.week_rows) == 26
    assert "The last 26 of" in page.text("weeks")
    notes = page.text("notes-all")
    assert "The 40 most recent of" in notes
    assert page.chart.get("circle", 0) == 0  # weekly means, no daily points


def test_unwritable_output_names_are_one_sentence(cli, tmp_path):
    for target in ("x" * 300, str(tmp_path)):
        result = cli("report", "-o", target)
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_an_output_name_that_does_not_match_the_format_is_a_usage_error(cli, journey, tmp_path):
    # Before, `report -o report.pdf` wrote HTML into a .pdf file and said it had written a report.
    result = cli("report", "-o", str(tmp_path / "report.txt"))
    assert result.exit_code == 2, result.output
    assert "--format html, md or pdf" in result.output
    assert not (tmp_path / "report.txt").exists()
    assert cli("report", "-o", str(tmp_path / "r.pdf")).exit_code == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    # Given explicitly, the format wins over the name.
    written = cli("report", "--format", "md", "-o", str(tmp_path / "notes.txt"))
    assert written.exit_code == 0, written.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8").startswith("#")
