"""Daily commands load only what they need: checked with `python -X importtime`, never with a clock.

Each test runs backcare as a person does (a separate process, the module entry point) with the content cache
already warm (the second run of the day, as every day after the first), and reads the import log. What a
command may not load follows from what it must do, and each test says why.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare import messages
from backcare.render import prose

pytestmark = pytest.mark.slow  # each test starts backcare under -X importtime: CI runs it, the fast loop leaves it out

ROUTINES = Path(__file__).parent / "routines"
HEAVY = {"rich", "yaml", "markdown_it", "pygments", "jsonschema", "pydantic"}
MARKDOWN = {"rich.markdown", "markdown_it", "pygments"}
_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|( *)(\S+)$")


def run(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "BACKCARE_HOME": str(home), **(env or {})}
    out = subprocess.run([sys.executable, "-m", "backcare", *args], capture_output=True, text=True, env=full)
    assert out.returncode == 0, out.stderr
    return out


def imported(home: Path, *args: str, env: dict | None = None) -> tuple[set[str], str]:
    """The top-level packages and full module names `backcare ARGS` imports, and its standard output."""
    full = {**os.environ, "BACKCARE_HOME": str(home), **(env or {})}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", *args], capture_output=True, text=True, env=full
    )
    assert out.returncode == 0, out.stderr[-2000:]
    names = {m.group(2) for line in out.stderr.splitlines() if (m := _LINE.match(line))}
    assert names, "no import log: -X importtime was not honoured"
    return names | {name.split(".")[0] for name in names}, out.stdout


@pytest.fixture
def warm(tmp_path):
    """A home with today's safety screen and check-in, after one run of each daily reader (cache warm)."""
    home = tmp_path / "h"
    run(home, "safety", "--none")
    run(home, "checkin", "--pain", "3", "--stiffness", "4")
    run(home, "today")
    run(home, "learn")
    return home


def test_version_and_due_load_neither_typer_nor_anything_heavy(warm):
    # Both are answered before the command line is parsed: a prompt hook and a version string need no framework.
    for args in (["--version"], ["due"]):
        mods, _ = imported(warm, *args)
        assert not mods & (HEAVY | {"typer", "click", "platformdirs"}), args


def test_safety_all_clear_prints_two_plain_lines_without_rich(warm):
    # `safety --none` records an all-clear and says so: two lines of plain text, no table, panel or colour.
    mods, out = imported(warm, "safety", "--none")
    assert not mods & HEAVY
    assert out == f"Safety check recorded for 2026-11-27: all answers 'no'. Thank you.\n{messages.NOT_A_DIAGNOSIS}\n"


def test_safety_all_clear_on_an_ascii_terminal_and_with_no_color(warm):
    out = run(warm, "safety", "--none", env={"PYTHONIOENCODING": "ascii", "NO_COLOR": "1"}).stdout
    assert "\x1b" not in out and out.isascii()
    assert out.splitlines() == [
        "Safety check recorded for 2026-11-27: all answers 'no'. Thank you.",
        messages.NOT_A_DIAGNOSIS,
    ]


def test_safety_with_a_clearance_shows_the_clinicians_name_as_written(tmp_path):
    home = tmp_path / "h"
    run(home, "safety", "--yes-to", "past-cancer")
    run(home, "safety", "clear", "--by", "[bold]Dr A[/bold]")
    mods, out = imported(home, "safety", "--yes-to", "past-cancer")
    assert "[bold]Dr A[/bold]" in out and "Thank you" in out
    assert not mods & HEAVY


def test_a_yes_answer_still_shows_the_notice_panel(tmp_path):
    # The urgent-care notice is a bordered panel: that is what Rich is for, and it stays on this path.
    out = run(tmp_path / "h", "safety", "--yes-to", "bladder-bowel").stdout
    assert "emergency" in out.lower() and "╭" in out


def test_learn_next_renders_the_topic_without_a_markdown_parser(warm):
    # A topic body is paragraphs, lists and **bold**: a few lines of code, not markdown_it and pygments.
    mods, out = imported(warm, "learn", "next")
    assert not mods & MARKDOWN
    # nor Rich at all: the topic and the course list are plain lines with ANSI styles (render/plain.py)
    assert "rich" not in mods
    assert "rich" not in imported(warm, "learn")[0]
    assert "**" not in out and " • Take short, easy walks spread through the day." in out
    assert "\nGood ways to stay active:\n\n • " in out  # a blank line between a paragraph and its list


def test_learn_next_numbered_lists_and_bold(warm):
    # Every bundled topic renders: numbered items keep their numbers, bold loses its markers, no text is lost.
    from backcare.content.education import topics

    numbered = next(t for t in topics() if re.search(r"^\d+\. ", t.body, re.M))
    out = run(warm, "learn", numbered.id, env={"COLUMNS": "300"}).stdout
    first = re.search(r"^(\d+)\. (.*)$", numbered.body, re.M)
    assert f"{first.group(1)}. {first.group(2).replace('**', '')}" in " ".join(out.split())
    assert "**" not in out


def test_session_done_without_advice_loads_no_rich(warm):
    # Logging a session prints its one-line summary; Rich is only needed to stress advice to call the physio.
    mods, out = imported(warm, "session", "--done", "all", "--pain-during", "2", "--effort", "5")
    assert "rich" not in mods and "yaml" not in mods
    assert out.startswith("Session saved for")


def test_checkin_with_every_flag_loads_no_rich_or_yaml(warm):
    # A check-in stores numbers and prints one line; the built-in routine (for the pain limit) is cached.
    args = ["checkin", "--pain", "2", "--stiffness", "3", "--sleep", "6", "--stress", "4", "--date", "yesterday"]
    mods, _ = imported(warm, *args)
    assert not mods & HEAVY


def test_today_with_an_imported_routine_does_not_read_its_yaml_again(warm):
    # The physio's routine was checked when it was imported; the dashboard needs the routine, not its YAML.
    run(warm, "routine", "import", str(ROUTINES / "ok" / "desk-worker.yaml"))
    run(warm, "today")  # the first read after the import checks it once and caches it
    mods, out = imported(warm, "today")
    assert "yaml" not in mods and "backcare.content.routines" not in mods
    assert "Desk worker" in out
    mods, out = imported(warm, "routine", "show")
    assert "yaml" not in mods and "Desk worker" in out
    # and no Rich: the decision, its reasons and the exercise table are plain lines (render/routine_plan.py)
    assert "rich" not in mods and "Today's exercises" in out


def test_today_unchanged_since_the_last_look_loads_none_of_the_deciding_code(warm):
    # Nothing was written since the dashboard was last decided: the kept one is shown (services/day_view.py,
    # tests/test_day_view.py), so neither the engine, the routine, the library, the safety rules nor any record
    # kind is needed, only the store's opening and the plain renderer.
    run(warm, "today")
    mods, out = imported(warm, "today")
    assert "Last 7 days" in out and "Today's exercises" in out
    left_out = {
        "backcare.services.dashboard",
        "backcare.services.routines",
        "backcare.domain.progression",
        "backcare.domain.routine",
        "backcare.domain.safety",
        "backcare.domain.education",
        "backcare.domain.dashboard",
        "backcare.store.records",
    }
    assert not mods & left_out, mods & left_out


def test_deciding_the_dashboard_or_logging_a_session_loads_neither_json_nor_the_import_checks(warm):
    # Reading the day's records needs no import's checks, and the lists stored in them are read without json when
    # nothing in them is escaped (store/records/base.py): both load only for an import, an export or a record
    # that needs them.
    from backcare.store import kept_view

    run(warm, "today")
    (warm / kept_view.NAME).unlink()  # the first look after a change: decided again
    mods, out = imported(warm, "today")
    assert "Last 7 days" in out
    assert not mods & {"backcare.store.records.checks", "json"}, mods & {"backcare.store.records.checks", "json"}
    mods, _ = imported(warm, "session", "--done", "all", "--pain-during", "2", "--effort", "5")
    assert not mods & {"backcare.store.records.checks", "json"}


def in_a_terminal(home: Path, *args: str) -> tuple[set[str], str]:
    """`imported`, with standard input a terminal (as a person types), so the first-run questions could be asked."""
    import pty

    leader, follower = pty.openpty()
    try:
        full = {**os.environ, "BACKCARE_HOME": str(home)}
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "backcare", *args],
            stdin=follower,
            capture_output=True,
            text=True,
            env=full,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert out.returncode == 0, out.stderr[-2000:]
    names = {m.group(2) for line in out.stderr.splitlines() if (m := _LINE.match(line))}
    return names | {name.split(".")[0] for name in names}, out.stdout


def test_today_at_a_terminal_loads_no_prompts_once_the_questions_were_answered(warm):
    # The red-flag questions are asked before the first dashboard only; once answered, the prompt module (and
    # Rich with it) stays unloaded, whether the dashboard is decided again or shown as kept.
    run(warm, "checkin", "--pain", "5", "--stiffness", "5")  # a write: the next look decides again
    for _ in range(2):
        mods, out = in_a_terminal(warm, "today")
        assert "Last 7 days" in out
        assert "rich" not in mods and "backcare.cli.prompts" not in mods


def test_help_loads_no_rich_or_yaml(tmp_path):
    # Help is text from Typer's own formatter (rich_markup_mode is off).
    mods, _ = imported(tmp_path / "h", "--help")
    assert not mods & HEAVY


# -- what each daily command leaves out (each because nothing on its path uses it) ----------------------------
DAILY = [
    ("today",),
    ("learn",),
    ("learn", "next"),
    ("history",),
    ("safety", "--none"),
    ("checkin", "--pain", "2", "--stiffness", "3", "--date", "yesterday"),
    ("session", "--done", "all", "--pain-during", "2", "--effort", "5"),
]


@pytest.mark.parametrize("args", DAILY, ids=" ".join)
def test_daily_commands_load_neither_hashlib_nor_importlib_resources(warm, args):
    # hashlib (with its OpenSSL binding) is for an import's merge keys and for sync, never a daily command; the
    # bundled data folder of a package on disk is found from its path, without importlib.resources (and the
    # zipfile, tempfile and random it brings).
    mods, _ = imported(warm, *args)
    assert not mods & {"hashlib", "_hashlib", "importlib.resources", "zipfile", "tempfile"}, args


def test_safety_all_clear_without_a_kept_decision_loads_no_routine(warm):
    # The screen is stored and the safety state said; the routine is decided again only when a decision was
    # already kept for the day (tests/test_day_decision_refresh.py), which one query tells.
    mods, out = imported(warm, "safety", "--none", env={"BACKCARE_TODAY": "2026-11-28"})
    assert "Thank you" in out
    left_out = {
        "backcare.services.routines",
        "backcare.domain.progression",
        "backcare.domain.dashboard",
        "backcare.content",
    }
    assert not mods & left_out


def test_today_without_outcome_measures_loads_no_measures(warm):
    # The built-in routine lists no outcome measure and none was ever taken: nothing can be due, and the
    # questionnaires' scoring rules are not needed to say so.
    mods, out = imported(warm, "today")
    assert "Last 7 days" in out
    assert not mods & {"backcare.services.measures", "backcare.domain.measures"}


def test_learn_next_reads_the_routine_only_for_a_topic_with_the_pain_limit(warm):
    # Most topics have no {pain_limit} to fill in: then the active routine is not read at all.
    from backcare.content.education import topics
    from backcare.domain.education import uses_pain_limit

    plain = next(t for t in topics() if not uses_pain_limit(t))
    mods, out = imported(warm, "learn", plain.id)
    assert plain.title in out
    assert "backcare.services.routines" not in mods
    # and the content cache rebuilds the topics with the education classes alone, not the routine's too
    assert "backcare.domain.education" in mods and "backcare.domain.routine" not in mods
    mods, _ = imported(warm, "learn")
    assert "backcare.domain.education" in mods and "backcare.domain.routine" not in mods
    limited = next(t for t in topics() if uses_pain_limit(t))
    mods, out = imported(warm, "learn", limited.id, env={"COLUMNS": "300"})
    assert "{pain_limit}" not in out and "5/10" in out
    assert "backcare.services.routines" in mods


def test_session_done_loads_no_dashboard_listing_or_settings_classes(warm):
    # Logging a session needs the plan and the progression decision, not the dashboard's classes, the rows of
    # `backcare sessions` or the settings of `backcare config` (only the day-rollover hour is read).
    mods, _ = imported(warm, "session", "--done", "all", "--pain-during", "2", "--effort", "5")
    assert not mods & {"backcare.domain.dashboard", "backcare.domain.session_row", "backcare.domain.setting"}


def test_history_prints_plain_lines_without_rich(warm):
    # A year of rows in fixed-width columns: Rich's table measured every cell of 366 rows to lay them out.
    mods, out = imported(warm, "history")
    assert not mods & HEAVY
    from backcare.domain.checkin import SCORES

    lines = out.splitlines()
    assert lines[0] == "Check-ins, newest first"
    assert lines[1].split() == ["Date", "Pain", "Stiff", *(name.title() for name in SCORES[2:]), "Tags", "Note"]
    assert lines[2].startswith("Fri 27 Nov 2026     3      4      -       -")


# -- the stored routine's cache ------------------------------------------------------------------------------
def test_stored_routine_cache_follows_the_text(tmp_path, monkeypatch, cli):
    from backcare.content import cache, stored
    from backcare.content.routines import load_routine_text

    folder = tmp_path / "c"
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(folder))
    text = (ROUTINES / "ok" / "desk-worker.yaml").read_text(encoding="utf-8")
    text += "review_date: 2027-01-15\n"
    first = stored.load_stored_routine(text, "stored routine")
    assert first == load_routine_text(text, strict=False) and str(first.review_date) == "2027-01-15"
    entry = folder / f"{stored.CACHE_NAME}-{stored.key(text)}{cache.SUFFIX}"
    assert entry.is_file() and entry.stat().st_mode & 0o777 == 0o600
    # read back from the cache, without checking the YAML again
    monkeypatch.setattr("backcare.content.routines.load_routine_text", lambda *a, **k: pytest.fail("re-checked"))
    assert stored.load_stored_routine(text, "stored routine") == first
    # another text is another key: checked (and here, refused) on its own
    monkeypatch.undo()
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(folder))
    from backcare.errors import ContentError

    with pytest.raises(ContentError):
        stored.load_stored_routine(text.replace("per_week: 5", "per_week: 50"), "stored routine")


def test_a_tampered_stored_routine_cache_is_not_trusted(tmp_path, monkeypatch):
    from backcare.content import cache, stored

    folder = tmp_path / "c"
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(folder))
    text = (ROUTINES / "ok" / "desk-worker.yaml").read_text(encoding="utf-8")
    good = stored.load_stored_routine(text, "stored routine")
    entry = folder / f"{stored.CACHE_NAME}-{stored.key(text)}{cache.SUFFIX}"
    entry.chmod(0o666)  # writable by others: ignored, the text is checked again
    calls = []
    real = __import__("backcare.content.routines", fromlist=["x"]).load_routine_text
    monkeypatch.setattr("backcare.content.routines.load_routine_text", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert stored.load_stored_routine(text, "stored routine") == good and calls == [1]


def test_a_cache_entry_is_used_only_for_the_very_same_text(tmp_path, monkeypatch):
    import shutil

    from backcare.content import cache, stored

    folder = tmp_path / "c"
    monkeypatch.setenv("BACKCARE_CACHE_DIR", str(folder))
    text = (ROUTINES / "ok" / "desk-worker.yaml").read_text(encoding="utf-8")
    other = text.replace("name: Desk worker, recurrent low back pain", "name: Another routine")
    stored.load_stored_routine(text, "stored routine")
    # an entry under the other text's key (as a checksum collision would make it) holds the first text's routine
    entry = folder / f"{stored.CACHE_NAME}-{stored.key(text)}{cache.SUFFIX}"
    shutil.copy2(entry, folder / f"{stored.CACHE_NAME}-{stored.key(other)}{cache.SUFFIX}")
    assert stored.load_stored_routine(other, "stored routine").name == "Another routine"


@given(st.dates())
def test_dates_survive_the_cache(day):
    from backcare.content import cache

    assert cache.from_plain(cache.to_plain({"d": day, "t": (day, [day])})) == {"d": day, "t": (day, [day])}


# -- the small renderer of topic bodies ----------------------------------------------------------------------
WORDS = st.text(alphabet="abcdefgh ,.", min_size=1, max_size=20).map(str.strip).filter(bool)


@given(st.lists(st.tuples(WORDS, st.booleans()), min_size=1, max_size=6))
def test_bold_runs_round_trip(pieces):
    text = "".join(f"**{w}**" if bold else w for w, bold in pieces)
    got = prose.runs(text)
    assert "".join(w for w, _ in got) == "".join(w for w, _ in pieces)
    assert "".join(f"**{w}**" if bold else w for w, bold in got) == text


def test_an_unmatched_bold_marker_is_shown_as_written():
    assert prose.runs("a **b** c ** d") == (("a ", False), ("b", True), (" c ** d", False))


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("p"), st.lists(WORDS, min_size=1, max_size=3)),
            st.tuples(st.sampled_from(["-", "*", "1.", "2)"]), st.lists(WORDS, min_size=1, max_size=3)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_blocks_keep_every_word_in_order(parts):
    lines = []
    for kind, words in parts:
        if kind == "p":
            lines += [*words, ""]
        else:
            lines += [f"{kind} {words[0]}", *(f"  {w}" for w in words[1:])]
    body = "\n".join(lines)
    got = prose.blocks(body)
    assert (
        " ".join("".join(w for w, _ in b.runs) for b in got).split()
        == " ".join(w for _, words in parts for w in words).split()
    )
    items = [b for b in got if b.marker is not None]
    assert len(items) == sum(kind != "p" for kind, _ in parts)


def test_blocks_of_a_topic():
    body = "Intro line\ncontinues.\n\nA list:\n\n- one **two**\n- three\n  more\n\n1. first\n2. second\n\nEnd."
    got = [(b.marker, "".join(w for w, _ in b.runs)) for b in prose.blocks(body)]
    assert got == [
        (None, "Intro line continues."),
        (None, "A list:"),
        ("•", "one two"),
        ("•", "three more"),
        ("1.", "first"),
        ("2.", "second"),
        (None, "End."),
    ]
    assert json.dumps([b.runs for b in prose.blocks("- one **two**")]) == '[[["one ", false], ["two", true]]]'


def test_bundled_topics_use_only_what_the_small_renderer_shows():
    # Paragraphs, "- " and "1. " lists and **bold**: a heading, link, code, quote, table or emphasis would be
    # shown as written, so the bundled topics must not use them.
    from backcare.content.education import topics

    for topic in topics():
        for line in topic.body.splitlines():
            text = line.strip()
            assert not re.match(r"(#|>|```|\||[*+] )", text), (topic.id, line)
            assert "`" not in text and "](" not in text and "__" not in text, (topic.id, line)
            bare = text.replace("**", "")
            assert not re.search(r"(?<![\w*])[*_]\S", bare.removeprefix("- ")), (topic.id, line)
            assert text.count("**") % 2 == 0, (topic.id, line)
