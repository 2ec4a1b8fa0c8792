"""Defects found by trying to break the last hour's changes: the plain (Rich-free) layouts of `learn` and
`routine show`, and the typed date read without strptime. Each test failed before its fix."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.domain.dates import iso_day
from backcare.render.plain import Out, cells, lay_out, styled, wrap


def _too_wide(output: str, width: int) -> list[str]:
    return [line for line in output.split("\n") if cells(line) > width]


# -- the course list's heading on a narrow terminal ------------------------------------------------------------
@pytest.mark.parametrize("width", [20, 25, 30, 38])
def test_the_course_lists_heading_wraps_on_a_narrow_terminal(cli, width):
    """ "Topics, in course order (0 of 23 read)" was written as one line whatever the width (Rich wrapped it)."""
    result = cli("learn", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert _too_wide(result.output, width) == []
    assert "Topics, in course order (0 of" in " ".join(result.output.split())


# -- a physio's note with tabs ---------------------------------------------------------------------------------
TABBED = """\
format: backcare-routine/1
name: Tabbed notes
stages:
  - id: one
    name: One
    exercises:
      - {id: cat-camel, sets: 2, reps: 10, notes: "Keep\\tit\\tslow.\\tBreathe\\tout\\tas\\tyou\\tround\\tthe\\tback."}
"""


@pytest.mark.parametrize("width", [30, 59, 60, 100])
def test_a_tab_in_a_physios_note_reaches_the_terminal_as_spaces(cli, tmp_path, width):
    """A tab kept in an exercise's note went to the terminal as a raw control character, counted as one cell:
    the terminal moved it to the next tab stop, past the edge, and words were folded at tab boundaries."""
    path = tmp_path / "tabbed.yaml"
    path.write_text(TABBED, "utf-8")
    assert cli("routine", "import", str(path)).exit_code == 0
    assert cli("safety", "--none").exit_code == 0
    result = cli("routine", "show", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert "\t" not in result.output
    assert _too_wide(result.output, width) == []
    words = " ".join(result.output.split())
    assert "From your physio: Keep it slow. Breathe out as you round the back." in words


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\tcd 東"), max_size=50), st.integers(2, 40))
def test_wrapped_text_holds_no_tab_and_every_word(text, width):
    lines = wrap(text, width)
    assert all("\t" not in line and cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\t", "")


# -- the exercise table on a very narrow terminal --------------------------------------------------------------
def test_todays_exercises_fit_a_20_column_terminal(cli):
    """At 20 columns the number, exercise and dose columns stopped shrinking at 10 cells each and ran 1-5 cells
    past the edge; the Rich table they replace fitted."""
    assert cli("safety", "--none").exit_code == 0
    result = cli("routine", "show", env={"COLUMNS": "20"})
    assert result.exit_code == 0, result.output
    assert _too_wide(result.output, 20) == []
    words = result.output.split()
    assert all(word in words for word in ("Knee", "to", "chest", "1", "x", "3,", "hold", "20s,", "each", "side"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text("ab cd東", max_size=30), st.text("ab cd", max_size=30)), min_size=1, max_size=5))
def test_a_table_with_two_wrapping_columns_fits_20_cells(rows):
    columns = [("#", True, False), ("Exercise", False, True), ("Dose", False, True)]
    table = [[str(n), a, b] for n, (a, b) in enumerate(rows, 1)]
    header, body = lay_out([c[0] for c in columns], table, columns, 20)
    assert all(cells(line) <= 20 for line in header + body)
    shown = sorted("".join(body).replace(" ", ""))
    assert shown == sorted("".join(f"{n}{a}{b}" for n, (a, b) in enumerate(rows, 1)).replace(" ", ""))


# -- a typed date, read without strptime -----------------------------------------------------------------------
def _strptime(text: str):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return ValueError


def _iso_day(text: str):
    try:
        return iso_day(text)
    except ValueError:
        return ValueError


@pytest.mark.parametrize(
    "text", ["2026-01- 5", "2026-01-\u0665", "2026-\u0660\u0661-05", "2026-1-5", "2026-01-1\u0665"]
)
def test_a_typed_date_is_read_exactly_as_strptime_read_it(text):
    """A day written with a space before a single digit ("2026-01- 5") was refused, and a month or day written in
    non-ASCII digits ("2026-01-٥") was accepted: strptime did the opposite of both."""
    assert _iso_day(text) == _strptime(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789-  \u0665\u0660x"), max_size=12))
def test_any_text_is_read_as_strptime_reads_it(text):
    assert _iso_day(text) == _strptime(text)


def test_checkin_refuses_a_day_in_non_ascii_digits(cli):
    result = cli("checkin", "--date", "2026-11-\u0665", "--pain", "3", "--stiffness", "2")
    assert result.exit_code == 2, result.output
    assert cli.json("history", "--json") == []


def test_checkin_takes_a_single_digit_day_after_a_space(cli):
    result = cli("checkin", "--date", "2026-11- 5", "--pain", "3", "--stiffness", "2")
    assert result.exit_code == 0, result.output
    assert [row["date"] for row in cli.json("history", "--json")] == [date(2026, 11, 5).isoformat()]


# -- a notice naming a routine in wide characters --------------------------------------------------------------
@pytest.mark.parametrize("width", [30, 45, 70])
def test_the_missing_routine_notice_fits_in_wide_characters(cli, home, open_store, width):
    """The notice for a routine that could not be found was wrapped by characters, not terminal cells: a name in
    Japanese ran up to twice the width past the edge (Rich, before, wrapped it by cells)."""
    assert cli("safety", "--none").exit_code == 0
    name = "腰痛のためのやさしい毎日のルーチン理学療法士より"
    open_store(home).set_setting("active_routine", name)
    result = cli("routine", "show", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert _too_wide(result.output, width) == []
    assert name in "".join(result.output.split())


# -- a topic's text with a word of no width ---------------------------------------------------------------------
RUN = st.tuples(st.text(alphabet=st.sampled_from("ab c,.東é\u0301"), max_size=30), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(RUN, max_size=6), st.integers(2, 60))
def test_bold_and_plain_runs_fit_the_width_and_keep_every_character(runs, width):
    """The space after a word of no width (a combining mark standing alone) was not counted, so the line ran a
    cell past the width ("\u0301 aaaa a" in six cells)."""
    import io

    out = Out(io.StringIO())
    out.colour = False
    lines = styled(out, runs, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(text for text, _ in runs).replace(" ", "")


def test_a_lone_combining_mark_then_words_fit_six_cells():
    import io

    out = Out(io.StringIO())
    out.colour = False
    assert [cells(line) <= 6 for line in styled(out, [("\u0301 aaaa a", False)], 6)] == [True, True]


COLUMN = st.text(alphabet=st.sampled_from("ab c東\t\n"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(COLUMN, COLUMN), min_size=1, max_size=4), st.integers(12, 80))
def test_an_exercise_table_fits_from_12_cells_with_no_tab(rows, room):
    columns = [("#", True, False), ("Exercise", False, True), ("Dose", False, True)]
    table = [[str(n), a, b] for n, (a, b) in enumerate(rows, 1)]
    header, body = lay_out([c[0] for c in columns], table, columns, room)
    assert all(cells(line) <= room and "\t" not in line for line in header + body)
