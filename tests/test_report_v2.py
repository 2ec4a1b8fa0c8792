"""The clinician report, version 2: what its first page answers, in order, for 20 and 90 days of data typed in
through the command line; the period it covers; the PDF (page count and text) and the print layout."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_report import parse
from typer.testing import CliRunner

from backcare.cli.app import app
from backcare.domain.progress import Session
from backcare.services import report as service
from backcare.store import Store

END = date(2026, 11, 26)
TODAY = {"BACKCARE_TODAY": END.isoformat()}
FIRST_PAGE = ["alerts", "change", "programme", "adherence", "exercise-pain", "wellbeing", "measures", "notes"]
DETAILS = ["chart", "daily", "weeks", "stages", "flares", "safety", "notes-all"]  # no tags: none were typed
WHO = "Name: A. Person · Clinic id: C-123 · Clinician: J. Physio"
MARKUP_NOTE = 'Did the <b>bridge</b> & "bird dog"'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _type_in(home: Path, days: int) -> None:
    """A person's `days` days, typed in as commands on each day: a check-in most days (pain easing from 6 to 3,
    sleep and stress, notes, some mornings not settled), sessions on four days a week with pain during and some
    exercises skipped, the profile and an all-clear screen on the first day, and a red-flag answer on the last."""
    runner = CliRunner()
    start = END - timedelta(days=days - 1)

    def run(day: date, *args: str) -> None:
        env = {"BACKCARE_HOME": str(home), "BACKCARE_TODAY": day.isoformat()}
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.output)

    run(start, "profile", "--name", "A. Person", "--clinic-id", "C-123", "--clinician", "J. Physio")
    run(start, "safety", "--none")
    for i in range(days):
        day = start + timedelta(days=i)
        if i % 9 != 4:  # about one day in nine without a check-in (never the first or the last)
            pain = round(6 - 3 * i / (days - 1))
            args = ["checkin", "--pain", str(pain), "--stiffness", str(min(10, pain + i % 2))]
            args += ["--sleep", str(4 + i % 5), "--stress", str((i * 3) % 11)]
            note = MARKUP_NOTE if i == days // 2 else f"Note on day {i}." if i % 6 == 1 else ""
            args += ["--note", note, "--settled", "no" if i % 13 == 7 else "yes"]
            run(day, *args)
        if i % 7 in (0, 2, 4, 5):
            done = "all" if i % 7 != 5 else "2"
            run(day, "session", "--done", done, "--pain-during", str((i * 5) % 8), "--no-timer")
    run(END, "safety", "--yes-to", "night-pain")


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    """Typed-in homes by number of days, each typed once per module (when first asked for)."""
    made: dict[int, Path] = {}

    def get(days: int) -> Path:
        if days not in made:
            made[days] = tmp_path_factory.mktemp(f"typed-{days}") / "home"
            _type_in(made[days], days)
        return made[days]

    return get


# 90 days take about 150 commands to type: with the slow tests (CI runs them all)
@pytest.fixture(params=[20, pytest.param(90, marks=pytest.mark.slow)])
def typed(request, homes, home) -> int:
    """The test's home holds a copy of `days` days typed in through the command line."""
    shutil.copytree(homes(request.param), home)
    return request.param


def _data(home: Path):
    store = Store.open(home)
    try:
        return store.checkins(), store.sessions()
    finally:
        store.close()


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


def test_first_page_answers_in_order_and_the_numbers_match_what_was_typed(cli, home, typed):
    result = cli("report", "--format", "html", "-o", "-", env=TODAY)
    assert result.exit_code == 0, result.output
    text = result.stdout
    page = parse(text)
    assert page.order == FIRST_PAGE + DETAILS
    # who, then the red flag in a box above everything else
    assert text.index(f'<p class="who">{WHO}</p>') < text.index('<div class="alert" role="alert">')
    assert text.index('<div class="alert"') < text.index('<section id="change"')
    assert "Red flag on 26 Nov 2026: " in page.text("alerts") and "worse at night" in page.text("alerts")
    checkins, sessions = _data(home)
    assert f"Check-ins on {len(checkins)} of {typed} days" in text
    # the routine and its doses in the hand-out's words
    programme = page.text("programme")
    assert "Back on track (built-in): stage" in programme
    handout = cli("routine", "print", "--format", "md", "-o", "-", env=TODAY).stdout  # the same stage, same words
    doses = re.findall(r"<td>([^<]+)</td><td>([^<]+)</td>", text.split('id="programme"')[1].split("</section>")[0])
    assert doses and all(f"{dose}" in handout and name in handout for name, dose in doses)
    # adherence: sessions done / planned, and per exercise done / skipped, as stored
    done = Counter(x for s in sessions for x in s.done)
    skipped = Counter(x for s in sessions for x in s.skipped)
    adherence = page.text("adherence")
    assert re.search(r"Sessions done / planned: \d+ / \d+ \(\d+ %\)", adherence)
    from backcare.content import library

    names = {k: e.name for k, e in library().items()}
    for x in set(done) | set(skipped):
        assert f"{names[x]} {done.get(x, 0)} {skipped.get(x, 0)}" in adherence
    # pain during exercise, per session, and the days that did not settle
    pains = [s.pain_during for s in sessions if s.pain_during is not None]
    worst = max(pains)
    assert f"Rated in {len(pains)} of {len(sessions)} sessions: mean {_mean(pains):.1f}, highest {worst}" in page.text(
        "exercise-pain"
    )
    assert text.count('<svg class="bars"') == 1
    bars = text.split('<svg class="bars"', 1)[1].split("</svg>", 1)[0]
    assert bars.count("<rect") == len(pains)
    unsettled = [c.day for c in checkins if c.settled is False]
    n = len(unsettled)
    assert f"had not settled by the next morning on {n} day{'s' if n != 1 else ''}: " in page.text("exercise-pain")
    over = sum(p > 5 for p in pains)
    assert f"last {pains[-1]}; {over} above the limit of 5/10." in page.text("exercise-pain")
    # sleep and stress, with their anchors
    wellbeing = page.text("wellbeing")
    sleep = [c.sleep for c in checkins if c.sleep is not None]
    stress = [c.stress for c in checkins if c.stress is not None]
    assert f"Sleep (0 = very poor, 10 = very good sleep) {len(sleep)} {_mean(sleep) + 1e-9:.1f}" in wellbeing
    assert f"Stress (0 = none, 10 = extreme stress) {len(stress)} {_mean(stress) + 1e-9:.1f}" in wellbeing
    assert page.text("measures") == "Outcome measures No outcome measures recorded."
    # notes: the latest on the first page (as text, never markup), every one in the details
    noted = [c for c in checkins if c.note]
    assert f"{noted[-1].day.day} {noted[-1].day:%b}: {noted[-1].note}" in page.text("notes")
    assert all(c.note in page.text("notes-all") for c in noted)
    assert MARKUP_NOTE in page.text("notes-all") and "<b>bridge</b>" not in text
    # the details: one row a day with the session's pain during
    assert len(re.findall(r"<tr><td>\d+ \w{3}</td>", text.split('id="daily"')[1].split("</section>")[0])) == len(
        checkins
    )


def test_a_new_user_gets_a_report_of_their_own_days_with_the_chart_across_the_page(cli, home, typed):
    text = cli("report", "--format", "html", "-o", "-", env=TODAY).stdout
    first = END - timedelta(days=typed - 1)
    checkins, _sessions = _data(home)
    if typed == 20:  # before: "16 of 90 days (18 %)", the chart squeezed into its last fifth
        assert f"({typed} days; from the first check-in on {first.day} {first:%b %Y})" in text
        assert f"Check-ins on {len(checkins)} of 20 days ({round(100 * len(checkins) / 20)} %)" in text
    else:
        assert "(90 days)" in text and "from the first check-in" not in text
    chart = text.split('aria-label="Daily pain and stiffness', 1)[1].split("</svg>", 1)[0]
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart)]
    assert len(xs) == len(checkins)
    assert min(xs) < 40 and max(xs) > 700  # from the left edge (34) to the right edge (712) of the plot


def test_from_to_and_days_choose_the_period(cli, typed):
    def period(*args: str) -> str:
        result = cli("report", "--format", "md", "-o", "-", *args, env=TODAY)
        assert result.exit_code == 0, result.output
        return next(line for line in result.stdout.split("\n") if line.startswith("Period: "))

    assert period("--from", "2026-11-10", "--to", "2026-11-19").startswith(
        "Period: 10 Nov 2026 to 19 Nov 2026 (10 days)."
    )
    assert period("--days", "7").startswith("Period: 20 Nov 2026 to 26 Nov 2026 (7 days).")
    assert period("--to", "2026-11-20").startswith("Period: ")
    for args, fragment in (
        (["--from", "2026-11-20", "--to", "2026-11-10"], "is after --to"),
        (["--from", "2026-13-01"], "not a real calendar date"),
        (["--to", "soon"], "Dates are written YYYY-MM-DD"),
        (["--days", "0"], "0"),
    ):
        result = cli("report", "-o", "-", *args, env=TODAY)
        assert result.exit_code == 2, (args, result.output)
        assert fragment in result.output and "Traceback" not in result.output


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def test_pdf_report_is_a_real_pdf_whose_numbers_match_the_data(cli, home, typed, tmp_path):
    out = tmp_path / "report.pdf"
    result = cli("report", "-o", str(out), env=TODAY)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    pages = _pdf_pages(out)
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    checkins, sessions = _data(home)
    pains = [s.pain_during for s in sessions if s.pain_during is not None]
    for words in (
        WHO,
        "Red flags and safety stops",
        f"Check-ins on {len(checkins)} of {typed} days",
        f"Rated in {len(pains)} of {len(sessions)} sessions: mean {_mean(pains):.1f}",
        "No outcome measures recorded.",
        "Notes",
    ):
        assert words in first, words
    # the first page answers in order; the details start on the second
    order = ["Red flags", "Change since baseline", "Current routine", "Adherence", "Pain during exercise"]
    order += ["Sleep and stress", "Outcome measures", "Notes"]
    at = [first.index(h) for h in order]
    assert at == sorted(at)
    assert "Day by day" not in first, first
    assert "Page 2 Details" in " ".join(pages[1].split())
    # the number columns' headings each on one line, not "Per" over "cent"
    lines = [line.strip() for line in pages[0].splitlines()]
    assert {"Per cent", "First 7", "Last 7"} <= set(lines), lines
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
        assert f"Check-ins on {len(checkins)} of {typed} days" in " ".join(text.split())
        assert text.count("\f") == len(pages)


def test_pdf_hand_out_has_one_page_per_stage(cli, tmp_path):
    out = tmp_path / "all.pdf"
    assert cli("routine", "print", "--all", "-o", str(out), env=TODAY).exit_code == 0
    pages = _pdf_pages(out)
    assert len(pages) == 3
    for n, page in enumerate(pages, start=1):
        assert f"Stage {n} of 3" in page
    one = tmp_path / "one.pdf"
    assert cli("routine", "print", "--stage", "strength", "-o", str(one), env=TODAY).exit_code == 0
    assert len(_pdf_pages(one)) == 1


def test_without_the_pdf_extra_pdf_is_one_sentence_and_nothing_is_written(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "reportlab", None)  # as if `backcare[pdf]` were not installed
    for args in (["report"], ["routine", "print"]):
        out = tmp_path / "x.pdf"
        result = cli(*args, "-o", str(out), env=TODAY)
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: Writing PDF needs the optional PDF support")
        assert "pip install 'backcare[pdf]'" in result.output and result.output.count("\n") <= 2
        assert not out.exists()
    assert cli("report", "-o", str(tmp_path / "x.html"), env=TODAY).exit_code == 0  # HTML still works


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_printed_html_report_fits_its_first_page_on_one_a4_page(cli, typed, tmp_path):
    html = tmp_path / "report.html"
    assert cli("report", "-o", str(html), env=TODAY).exit_code == 0
    from test_handout import print_to_pdf

    pages = [" ".join(p.split()) for p in _pdf_pages(print_to_pdf(html, tmp_path))]
    assert len(pages) >= 2
    assert "Outcome measures" in pages[0] and "Self-reported data from backcare" in pages[0]
    assert pages[1].startswith("Details") and "Outcome measures" not in pages[1]


# -- the logic underneath -----------------------------------------------------------------------
class _Checkins:
    def __init__(self, first: date | None):
        self.first = first

    def checkins(self, since=None, until=None, limit=-1):
        from backcare.domain.checkin import CheckIn

        return [] if self.first is None else [CheckIn(self.first, 3, 3)]


@given(
    age=st.integers(min_value=0, max_value=400),
    days=st.none() | st.integers(min_value=1, max_value=500),
    back=st.none() | st.integers(min_value=0, max_value=400),
)
def test_period_rules(age, days, back):
    today = END
    first = today - timedelta(days=age)
    start = None if back is None else today - timedelta(days=back)
    if start is not None and days is not None:
        with pytest.raises(service.InvalidInput):
            service.period(_Checkins(first), today, start, None, days)
        return
    lo, hi, cut = service.period(_Checkins(first), today, start, None, days)
    assert hi == today and lo <= hi
    if start is not None:
        assert lo == start and cut is None
    elif days is not None:
        assert (hi - lo).days + 1 == days and cut is None
    elif age < 89:  # a new user: from the first check-in
        assert lo == first == cut
    else:
        assert (hi - lo).days + 1 == 90 and cut is None


@given(st.lists(st.tuples(st.sets(st.sampled_from("abcde")), st.sets(st.sampled_from("abcde"))), max_size=30))
def test_exercise_counts_add_up(pairs):
    sessions = [Session(END, "r", "s", tuple(sorted(d)), tuple(sorted(s - d))) for d, s in pairs]
    counts = service.exercise_counts(sessions)
    assert sum(c.done for c in counts) == sum(len(s.done) for s in sessions)
    assert sum(c.skipped for c in counts) == sum(len(s.skipped) for s in sessions)
    assert [c.done for c in counts] == sorted((c.done for c in counts), reverse=True)


def test_pdf_hand_out_embeds_png_pictures(cli, tmp_path):
    from pypdf import PdfReader
    from test_handout import _png, _routine_with_images

    folder = tmp_path / "from-physio"
    folder.mkdir()
    (folder / "cat.png").write_bytes(_png(40, 20))
    routine = _routine_with_images(folder, {"cat-camel": "cat.png"})
    assert cli("routine", "import", str(routine)).exit_code == 0
    out = tmp_path / "h.pdf"
    assert cli("routine", "print", "--all", "-o", str(out), env=TODAY).exit_code == 0
    pages = PdfReader(str(out)).pages
    assert sum(len(p.images) for p in pages) == sum("Cat-camel" in (p.extract_text() or "") for p in pages) >= 1


def test_a_pdf_is_not_written_to_a_terminal(monkeypatch):
    import io

    from backcare.errors import InvalidInput
    from backcare.services.documents import pdf_support

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(InvalidInput, match="A PDF is not for the terminal"):
        pdf_support("-")
    pdf_support("report.pdf")  # a file is fine, terminal or not


def test_pdf_report_shows_a_chinese_or_japanese_name_in_a_font_that_has_it(cli, tmp_path):
    # finding: the PDF drew a CJK name as empty boxes (the Latin font has no such glyphs), and the text could
    # not be read back from the page
    assert cli("profile", "--name", "李小龙 たなか", "--clinician", "Dr 王").exit_code == 0
    assert cli("checkin", "-p", "4", "-s", "3", "--note", "腰痛 after gardening").exit_code == 0
    out = tmp_path / "report.pdf"
    result = cli("report", "-o", str(out))
    assert result.exit_code == 0, result.output
    words = " ".join(" ".join(_pdf_pages(out)).split())
    for shown in ("李小龙", "たなか", "Dr 王", "腰痛 after gardening"):
        assert shown in words, shown


def test_pdf_text_puts_cjk_in_a_font_that_has_the_glyphs():
    from reportlab.pdfbase import pdfmetrics

    from backcare.render.pdf import text

    markup = text("Eve <b> 李小龙 & ok")
    assert "&lt;b&gt;" in markup and "&amp;" in markup
    spans = re.findall(r'<font name="([^"]+)">([^<]*)</font>', markup)
    assert [run for _font, run in spans] == ["李小龙"]
    assert "李" not in re.sub(r"<font [^>]*>[^<]*</font>", "", markup)
    assert pdfmetrics.getFont(spans[0][0]).stringWidth("李小龙", 9) > 0


def test_a_one_day_report_says_1_day_not_1_days(cli):
    # finding: the first day's report read "(1 days; ...)" and "Check-ins on 1 of 1 days"
    assert cli("checkin", "-p", "5", "-s", "4", "--note", "first").exit_code == 0
    for fmt in ("md", "html"):
        result = cli("report", "-o", "-", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "1 days" not in result.stdout
        assert "(1 day;" in result.stdout and "Check-ins on 1 of 1 day (100 %)" in result.stdout
    result = cli("report", "-o", "-", "--format", "md", "--days", "2")
    assert "(2 days)" in result.stdout and "Check-ins on 1 of 2 days (50 %)" in result.stdout


def test_an_output_name_ending_in_a_slash_is_a_folder_not_a_file(cli, tmp_path):
    # finding: -o out.pdf/ (a folder that does not exist) quietly wrote a file named out.pdf
    out = tmp_path / "out"
    out.mkdir()
    for cmd in (["report"], ["routine", "print"]):
        result = cli(*cmd, "-o", f"{out}/x.pdf/")
        assert result.exit_code == 1, result.output
        assert "folder" in result.output and "Traceback" not in result.output
        assert list(out.iterdir()) == []


def test_a_clearance_in_the_period_is_in_the_box_at_the_top_next_to_the_flag_it_clears(cli):
    # finding: a history red flag and its safety stop stood in the box at the top, while the clinician's
    # clearance that lifted them was only on the details pages, so page one read as if exercise were still paused
    first = {"BACKCARE_TODAY": "2026-11-01"}
    assert cli("safety", "--yes-to", "past-cancer", env=first).exit_code == 0
    assert cli("checkin", "-p", "4", "-s", "3", "--note", "", env=first).exit_code == 0
    cleared = {"BACKCARE_TODAY": "2026-11-20"}
    assert cli("safety", "clear", "--by", "Dr Okafor", "--note", "scan clear", env=cleared).exit_code == 0
    result = cli("report", "-o", "-", "--format", "md", env=TODAY)
    assert result.exit_code == 0, result.output
    box = result.stdout.split("## Red flags and safety stops", 1)[1].split("\n## ", 1)[0]
    assert "Red-flag history on 1 Nov 2026" in box
    assert "Cleared by Dr Okafor on 20 Nov 2026 (scan clear), for: Have you ever had cancer?" in box
    # a clearance before the period is not news on page one
    later = cli("report", "-o", "-", "--format", "md", "--from", "2026-11-21", env=TODAY)
    box = later.stdout.split("## Red flags and safety stops", 1)[1].split("\n## ", 1)[0]
    assert "Cleared by" not in box
