"""`backcare routine print` and `backcare profile`: the hand-out a physio gives, read like a browser would."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain.handout import plain_dose
from backcare.domain.routine import Dose
from backcare.render.handout_html import clean

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "routines" / "desk-worker.yaml"
TODAY = {"BACKCARE_TODAY": "2026-11-26"}


class Page(HTMLParser):
    """The parts of the hand-out a reader sees, in order, plus every tag and attribute."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.order: list[str] = []  # section classes and h2 texts, in document order
        self.doses: list[str] = []
        self.h2: list[str] = []
        self.day_headers: list[int] = []  # per tick grid: how many day columns
        self.tick_rows: list[int] = []  # per body row of a tick grid: how many tick cells
        self._capture: str | None = None
        self._buf = ""
        self.text = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        cls = dict(attrs).get("class") or ""
        if tag == "section":
            self.order.append(cls)
        if tag == "table" and "ticks" in cls:
            self.day_headers.append(0)
        if tag == "th" and "day" in cls:
            self.day_headers[-1] += 1
        if tag == "tr":
            self.tick_rows.append(0)
        if tag == "td" and "tick" in cls:
            self.tick_rows[-1] += 1
        if (tag == "span" and cls == "dose") or tag == "h2":
            self._capture, self._buf = ("dose" if tag == "span" else "h2"), ""

    def handle_endtag(self, tag):
        if self._capture == "dose" and tag == "span":
            self.doses.append(self._buf)
            self._capture = None
        elif self._capture == "h2" and tag == "h2":
            self.h2.append(self._buf)
            self.order.append(f"h2:{self._buf}")
            self._capture = None

    def handle_data(self, data):
        self.text += data
        if self._capture:
            self._buf += data


def _html(cli, *args: str) -> Page:
    result = cli("routine", "print", *args, "-o", "-", env=TODAY)
    assert result.exit_code == 0, result.output
    return Page(result.stdout)


def _assert_self_contained(page: Page) -> None:
    assert "script" not in page.tags
    assert not any(k.startswith("on") for k, _ in page.attrs)
    assert not any(
        v.strip().lower().startswith(("http:", "https:", "//")) for k, v in page.attrs if k in ("src", "href")
    )
    assert "link" not in page.tags and "iframe" not in page.tags


def test_builtin_handout_sections_in_order_doses_in_words_and_a_seven_day_grid(cli):
    page = _html(cli)
    _assert_self_contained(page)
    # header, the routine's notes, the pain guidance, then the person's current stage
    assert page.order[:3] == ["box physio-notes", "box pain", "stage first"]
    assert page.h2 == ["Stage 1 of 3: Ease into movement"]
    assert "You are here" in page.text
    assert "2 sets of 10" in page.doses
    assert "hold 20 seconds, 3 times, each side" in page.doses
    assert "10 min walk" in page.doses
    assert not any(" x " in d for d in page.doses)  # the terminal's shorthand is not used on paper
    assert page.day_headers == [7]
    assert [n for n in page.tick_rows if n] == [7] * len(page.doses)
    assert "5 out of 10" in page.text  # the built-in routine's pain limit


def test_all_stages_each_on_its_own_page(cli):
    page = _html(cli, "--all")
    assert page.order.count("stage first") == 1
    assert page.order.count("stage") == 2  # the later stages start a new page (page-break-before)
    assert [h.split(":")[0] for h in page.h2] == ["Stage 1 of 3", "Stage 2 of 3", "Stage 3 of 3"]
    assert page.day_headers == [7, 7, 7]


def test_example_routine_uses_its_own_pain_limit_author_and_review_date(cli, tmp_path):
    routine = tmp_path / "desk.yaml"
    routine.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("per_week: 5", "review_date: 2027-01-15\nper_week: 5")
    )
    assert cli("routine", "check", str(routine)).exit_code == 0
    assert cli("routine", "import", str(routine), env=TODAY).exit_code == 0
    page = _html(cli, "--stage", _stage_ids(cli)[1])
    _assert_self_contained(page)
    assert "4 out of 10" in page.text and "5 out of 10" not in page.text
    assert "A. Physio, MCSP (example)" in page.text
    assert "Review with your physio on 2027-01-15." in page.text
    assert page.h2[0].startswith("Stage 2 of 3")
    assert "You are here" not in page.text  # the person is still at stage 1


def _stage_ids(cli) -> list[str]:
    return [s["id"] for s in cli.json("routine", "show", "--json", env=TODAY)["stages"]]


def test_markdown_handout_has_the_same_parts(cli):
    result = cli("routine", "print", "--format", "md", "-o", "-", env=TODAY)
    assert result.exit_code == 0, result.output
    text = result.stdout
    parts = ["# Back on track", "## About this routine", "## Pain during the exercises", "## Stage 1 of 3"]
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)
    assert "2 sets of 10" in text
    assert "| Exercise | Mon | Tue | Wed | Thu | Fri | Sat | Sun |" in text


def test_profile_is_shown_on_the_handout_and_the_report(cli, tmp_path):
    assert cli("profile", "--name", "Ann <em>Example</em>", "--clinician", "J. Physio").exit_code == 0
    page = _html(cli)
    assert "Name: Ann <em>Example</em> · Clinician: J. Physio" in page.text
    assert "em" not in page.tags  # escaped, not markup
    report = cli("report", "-o", "-", env=TODAY)
    assert report.exit_code == 0, report.output
    assert "Name: Ann &lt;em&gt;Example&lt;/em&gt; · Clinician: J. Physio" in report.stdout
    md = cli("report", "--format", "md", "-o", "-", env=TODAY)
    assert "Clinician: J. Physio" in md.stdout.split("**Period:**")[0]


def test_profile_set_show_clear_and_json(cli):
    assert "No profile set" in cli("profile").stdout
    cli("profile", "--name", "Ann Example", "--clinic-id", "C-123")
    assert cli.json("profile", "--json") == {"name": "Ann Example", "clinic_id": "C-123", "clinician": None}
    cli("profile", "--name", "")
    assert cli.json("profile", "--json") == {"name": None, "clinic_id": "C-123", "clinician": None}
    shown = cli("profile").stdout
    assert "Clinic id: C-123" in shown and "Name" not in shown


@pytest.mark.parametrize("bad", ["a\x1b[31mb", "a\u202eb", "x" * 121, "line\nbreak"])
def test_profile_refuses_control_characters_and_long_text_without_changing_anything(cli, bad):
    cli("profile", "--clinician", "J. Physio")
    result = cli("profile", "--clinician", "K. Other", "--name", bad)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert cli.json("profile", "--json")["clinician"] == "J. Physio"


def test_profile_travels_in_the_json_export(cli, tmp_path, home):
    cli("profile", "--name", "Ann Example", "--clinician", "J. Physio")
    out = tmp_path / "all.json"
    assert cli("export", "-o", str(out)).exit_code == 0
    other = tmp_path / "other-home"
    result = cli("import", str(out), env={"BACKCARE_HOME": str(other)})
    assert result.exit_code == 0, result.output
    assert "2 profile fields" in result.stdout
    assert cli.json("profile", "--json", env={"BACKCARE_HOME": str(other)})["name"] == "Ann Example"


def test_import_refuses_a_bad_profile_value(cli, tmp_path):
    cli("profile", "--name", "Ann Example")
    out = tmp_path / "all.json"
    cli("export", "-o", str(out))
    out.write_text(out.read_text(encoding="utf-8").replace('"Ann Example"', '"Ann\\u0007Example"'), encoding="utf-8")
    other = tmp_path / "other-home"
    result = cli("import", str(out), env={"BACKCARE_HOME": str(other)})
    assert result.exit_code == 1
    assert "profile[0]" in result.output and "control characters" in result.output


def test_output_file_rules(cli, tmp_path, home):
    target = tmp_path / "handout.html"
    assert cli("routine", "print", "-o", str(target), env=TODAY).exit_code == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    again = cli("routine", "print", "-o", str(target), env=TODAY)
    assert again.exit_code == 1 and "--force" in again.output
    assert cli("routine", "print", "-o", str(target), "--force", env=TODAY).exit_code == 0
    pdf = cli("routine", "print", "-o", str(tmp_path / "h.pdf"), env=TODAY)  # the format from the extension
    assert pdf.exit_code == 0 and (tmp_path / "h.pdf").read_bytes().startswith(b"%PDF-")
    odd = cli("routine", "print", "-o", str(tmp_path / "h.txt"))
    assert odd.exit_code == 2 and not (tmp_path / "h.txt").exists()
    assert cli("routine", "print", "--format", "md", "-o", str(tmp_path / "h.txt"), env=TODAY).exit_code == 0
    db = next(home.glob("*.db"), None) or next(home.glob("*.sqlite*"))
    before = db.read_bytes()
    result = cli("routine", "print", "--format", "html", "-o", str(db), "--force")
    assert result.exit_code == 1 and db.read_bytes() == before


def test_unknown_stage_or_routine_is_one_sentence(cli):
    result = cli("routine", "print", "--stage", "nope", env=TODAY)
    assert result.exit_code == 2 and "Its stages:" in result.output and "Traceback" not in result.output
    result = cli("routine", "print", "nobody", env=TODAY)
    assert result.exit_code == 2 and "no routine called" in result.output
    assert cli("routine", "print", "--all", "--stage", "x").exit_code == 2


def test_review_date_must_be_a_real_date(cli, tmp_path):
    routine = tmp_path / "r.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("per_week: 5", "review_date: 2027-02-30\nper_week: 5")
    routine.write_text(text)
    result = cli("routine", "check", str(routine))
    assert result.exit_code == 1
    line = next(n for n, s in enumerate(text.splitlines(), 1) if s.startswith("review_date"))
    assert f"{routine}:{line}:14:" in result.output and "YYYY-MM-DD" in result.output


@given(
    sets=st.integers(1, 10),
    reps=st.integers(1, 50),
    hold=st.one_of(st.none(), st.integers(1, 3600)),
    side=st.sampled_from(["both", "each", "left", "right"]),
    category=st.sampled_from(["mobility", "control", "strength", "release", "aerobic"]),
)
def test_plain_dose_says_every_number_in_words(sets, reps, hold, side, category):
    text = plain_dose(Dose(sets, reps, hold, side), category, "Easy walk")
    continuous = sets == 1 and reps == 1 and hold
    if not continuous:
        assert str(reps) in text or (reps in (1, 2) and ("once" in text or "twice" in text or "1 time" in text))
    if sets > 1:
        assert f"{sets} sets" in text
    if hold and not (continuous and category == "aerobic"):
        assert "hold " in text
    assert ("each side" in text) == (side == "each")
    assert " x " not in text and "s," not in text.split("hold")[0][-2:]


def test_plain_dose_examples():
    assert plain_dose(Dose(2, 10)) == "2 sets of 10"
    assert plain_dose(Dose(1, 3, 20, "each")) == "hold 20 seconds, 3 times, each side"
    assert plain_dose(Dose(1, 1, 600), "aerobic", "Easy walk") == "10 min walk"
    assert plain_dose(Dose(1, 1, 90), "mobility") == "hold 1 minute 30 seconds"
    assert plain_dose(Dose(3, 5, 10)) == "hold 10 seconds, 5 times, 3 sets"
    assert plain_dose(Dose(1, 8)) == "8 times"


@given(st.text())
def test_clean_leaves_no_markup_or_invisible_characters(text):
    out = clean(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_to_pdf(src: Path, tmp_path: Path) -> Path:
    """The page printed by headless Chromium (A4 from the page's own CSS), as a PDF beside it."""
    assert CHROMIUM is not None
    pdf = src.with_suffix(".pdf")
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}"]
        + [src.as_uri()],
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    return pdf


def _printed_pages(src: Path, tmp_path: Path) -> int:
    data = print_to_pdf(src, tmp_path).read_bytes()
    assert b"/MediaBox [0 0 594.95" in data or b"/MediaBox [0 0 595" in data  # A4
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_print_layout_on_a4_one_stage_per_page(cli, tmp_path):
    # Before, each stage of the built-in routine took two A4 pages.
    for label, args in (
        ("mobility", ["--stage", "mobility"]),
        ("strength", ["--stage", "strength"]),
        ("all", ["--all"]),
    ):
        src = tmp_path / f"{label}.html"
        assert cli("routine", "print", *args, "-o", str(src), env=TODAY).exit_code == 0
        assert _printed_pages(src, tmp_path) == (3 if label == "all" else 1), label
    # a physio's routine too: every stage on its own single page
    assert cli("routine", "import", str(ROOT / "examples" / "routines" / "return-to-lifting.yaml")).exit_code == 0
    src = tmp_path / "lifting.html"
    assert cli("routine", "print", "--all", "-o", str(src), env=TODAY).exit_code == 0
    assert _printed_pages(src, tmp_path) == src.read_text(encoding="utf-8").count('<section class="stage')


def _png(width: int = 8, height: int = 4) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x10\x80\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'


def _routine_with_images(folder: Path, images: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    lines = "".join(f"  {k}: {v}\n" for k, v in images.items())
    path = folder / "r.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + "images:\n" + lines, encoding="utf-8")
    return path


def test_pictures_are_checked_kept_on_import_and_embedded_after_the_folder_is_gone(cli, tmp_path):
    folder = tmp_path / "from-physio"
    routine = _routine_with_images(folder, {"cat-camel": "cat.svg", "seated-back-extension": "pics/ext.png"})
    (folder / "cat.svg").write_text(SVG, encoding="utf-8")
    (folder / "pics").mkdir()
    (folder / "pics" / "ext.png").write_bytes(_png())
    assert cli("routine", "check", str(routine)).exit_code == 0
    assert cli("routine", "import", str(routine), env=TODAY).exit_code == 0
    shutil.rmtree(folder)
    page = _html(cli)
    _assert_self_contained(page)
    sources = [v for k, v in page.attrs if k == "src"]
    assert sorted(s.split(";")[0] for s in sources) == ["data:image/png", "data:image/svg+xml"]
    # and they travel with a JSON export
    out = tmp_path / "all.json"
    assert cli("export", "-o", str(out)).exit_code == 0
    other = {"BACKCARE_HOME": str(tmp_path / "other"), **TODAY}
    result = cli("import", str(out), env=other)
    assert result.exit_code == 0 and "2 routine pictures" in result.stdout
    again = cli("routine", "print", "-o", "-", env=other)
    assert again.stdout.count("data:image/") == 2


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("fake.png", b"not a picture", "not a PNG, JPEG or SVG"),
        ("bad.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        ("ext.svg", b'<svg><image href="https://example.com/a.png"/></svg>', "web address"),
        ("big.png", _png() + b"\0" * (2 * 1024 * 1024), "larger than 2 MB"),
        ("missing.png", None, "does not exist"),
    ],
)
def test_bad_pictures_are_located_problems_and_nothing_is_imported(cli, tmp_path, name, content, message):
    folder = tmp_path / "r"
    routine = _routine_with_images(folder, {"cat-camel": name})
    if content is not None:
        (folder / name).write_bytes(content)
    result = cli("routine", "check", str(routine))
    line = len(routine.read_text(encoding="utf-8").splitlines())
    assert result.exit_code == 1
    assert f"{routine}:{line}:14:" in result.output and message in result.output
    before = cli.json("routine", "list", "--json")
    assert cli("routine", "import", str(routine)).exit_code == 1
    assert cli.json("routine", "list", "--json") == before


def test_pictures_need_a_known_exercise_and_a_relative_path(cli, tmp_path):
    routine = _routine_with_images(tmp_path / "r", {"no-such-move": "a.png", "cat-camel": "https://example.com/a.png"})
    result = cli("routine", "check", str(routine))
    assert result.exit_code == 1
    assert "unknown exercise" in result.output and "relative to the routine file" in result.output


def test_plain_dose_says_ranges_durations_and_details():
    assert plain_dose(Dose(3, 8, reps_max=12)) == "3 sets of 8-12"
    assert plain_dose(Dose(duration_seconds=1200), "aerobic", "Cycling") == "20 min cycling"
    assert plain_dose(Dose(2, duration_seconds=300), "aerobic", "Easy walk") == "twice: 5 min walk"
    text = plain_dose(Dose(3, 10, load="2 x 16 kg", rpe=7, rest_seconds=60, tempo="3-1-1"))
    assert text == "3 sets of 10, with 2 x 16 kg, tempo 3-1-1, effort about 7 out of 10, rest 1 minute between"
    assert plain_dose(Dose(3, duration_seconds=30, side="each"), "strength", "Side plank") == (
        "hold 30 seconds, 3 times, each side"
    )


def test_the_physios_note_on_an_exercise_is_on_its_card(cli):
    assert cli("routine", "import", str(EXAMPLE), env=TODAY).exit_code == 0
    page = _html(cli)
    assert "From your physio: Tuck your tail under before you lean forward." in page.text
    assert "5 min walk" in page.doses
    md = cli("routine", "print", "--format", "md", "-o", "-", env=TODAY).stdout
    assert "**From your physio:** Tuck your tail under before you lean forward." in md


def test_handout_carries_the_safety_stop_at_the_top_while_a_red_flag_stands(cli, tmp_path):
    # finding: with a red flag standing (no exercises offered) the hand-out still printed the exercises with no
    # word of the stop, so the paper said "do these" while the app said "see a doctor first"
    stop = "Contact your doctor or an urgent care service today"
    assert cli("safety", "--yes-to", "night-pain", env=TODAY).exit_code == 0
    page = _html(cli)
    assert page.order[0] == "alert", page.order
    assert stop in page.text and "night" in page.text
    assert page.text.index(stop) < page.text.index("Stage 1 of 3")
    md = cli("routine", "print", "-o", "-", "--format", "md", env=TODAY)
    assert md.exit_code == 0 and stop in md.output
    assert md.output.index(stop) < md.output.index("## Stage 1 of 3")
    out = tmp_path / "h.pdf"
    assert cli("routine", "print", "-o", str(out), env=TODAY).exit_code == 0
    from pypdf import PdfReader

    first = " ".join((PdfReader(str(out)).pages[0].extract_text() or "").split())
    assert stop in first and first.index(stop) < first.index("Stage 1 of 3")
    # once the screen is all 'no' again the box goes
    assert cli("safety", "--none", env=TODAY).exit_code == 0
    assert stop not in _html(cli).text


def test_a_broken_png_is_refused_by_routine_check_and_never_breaks_the_pdf_hand_out(cli, tmp_path):
    # finding: a PNG with the right first bytes but a damaged body passed `routine check` and import, then the
    # PDF hand-out stopped with reportlab's internal message instead of a hand-out
    folder = tmp_path / "r"
    routine = _routine_with_images(folder, {"cat-camel": "cat.png"})
    good = _png(40, 20)
    (folder / "cat.png").write_bytes(good[:30] + b"\0" * 50)
    result = cli("routine", "check", str(routine))
    line = len(routine.read_text(encoding="utf-8").splitlines())
    assert result.exit_code == 1, result.output
    assert f"{routine}:{line}:14:" in result.output and "damaged" in result.output
    assert cli("routine", "import", str(routine)).exit_code == 1


@given(st.integers(min_value=9, max_value=200))
def test_png_cut_short_or_with_a_byte_changed_is_not_a_picture(at):
    from backcare.content.images import sniff

    good = _png(6, 3)
    assert sniff(good) == ("image/png", None)
    assert sniff(good + b"\0" * 100) == ("image/png", None)  # bytes after the end are ignored, as viewers do
    cut = at % len(good)
    assert sniff(good[:cut])[0] is None
    changed = bytearray(good)
    changed[max(cut, 8)] ^= 0xFF
    assert sniff(bytes(changed))[0] is None


def test_pdf_hand_out_leaves_out_a_stored_picture_it_cannot_read(cli, tmp_path):
    import base64

    from backcare.render.handout_pdf import _picture

    assert _picture("data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 40).decode()) is None
    assert _picture("data:image/png;base64," + base64.b64encode(_png(40, 20)).decode()) is not None
