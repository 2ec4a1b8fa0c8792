"""What the daily commands do with less: the plain history table, the one-query checks that let `today` and
`safety --none` leave the measures and the routine alone, and the bundled data folder found without
importlib.resources. (Which modules each command loads: tests/test_startup_lean.py.)"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from backcare.domain.checkin import SCORES
from backcare.render.history import MIN_WRAPPED, lay_out

SCORE_COLUMNS = [name.title() for name in SCORES[2:]]  # sleep, stress and any score added later, in order

SGR = re.compile(r"\x1b\[[0-9;]*m")
LONG_NOTE = (
    "Walked 5 km in the park with the dog, back felt much better than yesterday; stretched afterwards and slept "
    "well. Physio on Thursday."
)


def checkins(cli, n: int, note: str | None = None, **more: str) -> None:
    for back in range(n):
        args = ["checkin", "--date", (date(2026, 11, 27) - timedelta(days=back)).isoformat(), "-p", "3", "-s", "4"]
        args += ["--note", note] if note and back == 0 else []
        for flag, value in more.items():
            args += [f"--{flag.replace('_', '-')}", value]
        assert cli(*args).exit_code == 0


# -- the history table ------------------------------------------------------------------------------------------
def test_history_columns_and_words_at_a_normal_width(cli):
    checkins(cli, 2, note=LONG_NOTE, tag="gardening")
    out = cli("history", env={"COLUMNS": "100"}).stdout
    lines = out.splitlines()
    assert lines[0] == "Check-ins, newest first"
    assert lines[1].split() == ["Date", "Pain", "Stiff", *SCORE_COLUMNS, "Tags", "Note"]
    assert lines[2].startswith("Fri 27 Nov 2026     3      4      -       -  ") and "gardening  Walked 5 km" in lines[2]
    assert all(len(line) <= 100 for line in lines)
    # the note wraps within its column: its other lines hold nothing else, and no word is lost
    column = lines[1].index("Note")
    second = next(n for n, line in enumerate(lines) if line.startswith("Thu 26 Nov 2026"))
    assert second > 3 and all(not line[:column].strip() for line in lines[3:second])
    assert " ".join(line[column:].strip() for line in lines[2:second]) == LONG_NOTE
    assert "Sleep 0 = very poor, 10 = very good; stress 0 = none, 10 = extreme" in " ".join(out.split())


def test_history_on_a_narrow_terminal_shows_the_date_and_the_two_scores(cli):
    checkins(cli, 3, note=LONG_NOTE)
    lines = cli("history", env={"COLUMNS": "40"}).stdout.splitlines()
    assert lines == [
        "Check-ins, newest first",
        "Date        Pain  Stiff",
        "2026-11-27     3      4",
        "2026-11-26     3      4",
        "2026-11-25     3      4",
    ]


def test_history_colour_only_on_a_terminal_and_never_with_no_color(cli):
    checkins(cli, 1, note="ok")
    piped = cli("history").stdout
    assert "\x1b" not in piped
    assert "\x1b" not in cli("history", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    forced = cli("history", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[1mDate" in forced and SGR.sub("", forced) == piped


def test_history_leg_and_medicine_columns_appear_when_used(cli):
    checkins(cli, 1)
    assert cli("checkin", "--date", "2026-11-26", "-p", "2", "-s", "2", "--leg-pain", "6", "--leg-side", "left",
               "--med", "ibuprofen 400 mg").exit_code == 0  # fmt: skip
    lines = cli("history", env={"COLUMNS": "120"}).stdout.splitlines()
    assert lines[1].split() == ["Date", "Pain", "Stiff", *SCORE_COLUMNS, "Leg", "Medicines", "Tags", "Note"]
    assert "6 left  ibuprofen 400 mg" in lines[3]
    assert " ".join(lines).endswith("leg pain 0 = none, 10 = worst imaginable.")


def test_history_with_wide_characters_keeps_the_columns_straight(cli):
    checkins(cli, 2, note="東京で歩いた " * 12)
    lines = cli("history", env={"COLUMNS": "80"}).stdout.splitlines()
    import unicodedata

    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    assert all(cells(line) <= 80 for line in lines)
    assert "".join(lines).count("東京で歩いた") == 12


CELL = st.text(alphabet=st.sampled_from("ab cd,é東"), max_size=40).map(lambda s: " ".join(s.split()))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6), st.integers(30, 160))
def test_lay_out_keeps_every_word_and_fits_when_it_can(rows, room):
    columns = [("Date", False, False), ("Pain", True, False), ("Tags", False, True), ("Note", False, True)]
    table = [["Fri 27 Nov 2026", "3", tags, note] for tags, note in rows]
    header, body = lay_out([c[0] for c in columns], table, columns, room)
    fixed = len("Fri 27 Nov 2026") + len("Pain") + 3 * 2
    from backcare.render.history import _cells

    if fixed + 2 * MIN_WRAPPED <= room:
        assert all(_cells(line) <= room for line in header + body)
    shown = Counter("".join(body).replace(" ", ""))
    assert shown == Counter("".join(f"Fri27Nov20263{t}{n}" for t, n in rows).replace(" ", ""))
    assert sum(line.startswith("Fri 27 Nov 2026") for line in body) == len(rows)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cd,é東\n"), max_size=60), st.integers(1, 30))
def test_wrapping_keeps_every_word_in_order_within_the_width(text, width):
    from backcare.render.history import _cells, _wrap

    lines = _wrap(text, width)
    assert all(_cells(line) <= width or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert len(lines) >= text.count("\n") + 1


def test_history_of_more_than_a_year_says_how_to_see_the_rest(cli, home, open_store):
    from backcare.domain.checkin import CheckIn

    store = open_store(home)
    start = date(2026, 11, 27)
    for back in range(370):
        day = start - timedelta(days=back)
        store.update_checkin(day, lambda _old, day=day: CheckIn(day, 2, 2))
    out = cli("history").stdout
    assert "Showing the newest 366 of 370 check-ins." in out
    assert out.count(" 2026 ") + out.count(" 2025 ") == 366


# -- the one-query checks --------------------------------------------------------------------------------------
def test_a_measure_taken_is_told_by_one_query(cli, home, open_store):
    assert cli("safety", "--none").exit_code == 0
    assert not open_store(home).any_measure_taken()
    assert cli("measure", "take", "confidence", "--answers", "5").exit_code == 0
    assert open_store(home).any_measure_taken()


def test_a_kept_decision_for_the_day_is_told_by_one_query(cli, home, open_store, today):
    assert cli("safety", "--none").exit_code == 0
    assert not open_store(home).any_day_decision(today)
    assert cli("today").exit_code == 0  # the dashboard keeps the day's decision
    assert open_store(home).any_day_decision(today)
    assert not open_store(home).any_day_decision(today - timedelta(days=1))
    assert cli("routine", "stage", "control", "--reason", "physio").exit_code == 0  # a manual change is not one
    assert not open_store(home).any_day_decision(today + timedelta(days=1))


def test_a_screen_with_no_kept_decision_leaves_the_stage_history_alone(cli, home, open_store, today):
    assert cli("safety", "--none").exit_code == 0
    assert cli("safety", "--yes-to", "night-pain").exit_code == 0
    assert open_store(home).stage_history() == []
    assert cli.json("today", "--json")["progression"]["decision"] == "stop"  # the dashboard decides it


# -- the pain limit of a topic ----------------------------------------------------------------------------------
def test_a_topic_uses_the_pain_limit_exactly_when_filling_it_in_changes_it():
    from backcare.content.education import topics
    from backcare.domain.education import uses_pain_limit, with_pain_limit

    found = [t for t in topics() if uses_pain_limit(t)]
    assert found, "some bundled topic fills in the routine's pain limit"
    for topic in topics():
        assert uses_pain_limit(topic) == (with_pain_limit(topic, 7) != topic), topic.id


def test_a_topic_with_the_pain_limit_shows_the_routines_own(cli, tmp_path):
    routine = Path(__file__).parent / "routines" / "ok" / "desk-worker.yaml"
    text = routine.read_text(encoding="utf-8")
    assert cli("routine", "import", str(routine)).exit_code == 0
    limit = re.search(r"pain_limit:\s*(\d+)", text)
    shown = cli("learn", "how-your-routine-progresses", env={"COLUMNS": "300"}).stdout
    assert f"Up to {limit.group(1) if limit else 5}/10" in shown and "{pain_limit}" not in shown


# -- the bundled data folder -----------------------------------------------------------------------------------
def test_the_data_folder_is_the_one_importlib_resources_names():
    from importlib.resources import files

    from backcare.content.data import data_dir

    packaged = files("backcare") / "data"
    expected = Path(str(packaged)) if packaged.is_dir() else Path(__file__).resolve().parents[1] / "data"
    assert Path(str(data_dir())).resolve() == expected.resolve()


def test_a_wheel_shaped_install_finds_its_own_data_folder(tmp_path):
    # backcare/content/data.py next to backcare/data/, as a wheel installs them
    package = tmp_path / "site" / "backcare"
    (package / "content").mkdir(parents=True)
    (package / "data").mkdir()
    source = Path(__file__).resolve().parents[1] / "src" / "backcare" / "content" / "data.py"
    shutil.copy(source, package / "content" / "data.py")
    spec = importlib.util.spec_from_file_location("wheel_shaped_data", package / "content" / "data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.data_dir() == package / "data"


def test_the_streak_reads_the_days_alone(cli, home, open_store, today):
    for back in (0, 1, 3, 500):
        assert cli("checkin", "--date", (today - timedelta(days=back)).isoformat(), "-p", "2", "-s", "2").exit_code == 0
    store = open_store(home)
    days = store.checkin_days(today - timedelta(days=400), today)
    assert days == [c.day for c in store.checkins(since=today - timedelta(days=400), until=today)]
    assert days == [today - timedelta(days=3), today - timedelta(days=1), today]
    assert store.checkin_days(today + timedelta(days=1), today + timedelta(days=9)) == []


def test_the_dashboard_checks_the_content_caches_freshness_once(cli, home, open_store, today):
    # The library, the topics and the routine come from the cache; the bundled files' sizes and times that say
    # whether it is fresh are read once for all three.
    from backcare.content import cache
    from backcare.services import dashboard

    assert cli("safety", "--none").exit_code == 0
    cache.content_stamp.cache_clear()
    for name in ("_library", "topics", "bundled_routine"):
        getattr(__import__("backcare.content", fromlist=[name]), name).cache_clear()
    dashboard.build(open_store(home), today)
    info = cache.content_stamp.cache_info()
    assert info.misses == 1 and info.hits >= 2


# -- the progression engine's read of the sessions ----------------------------------------------------------------
def test_the_engine_decides_the_same_without_the_per_exercise_records(cli, home, open_store, today, monkeypatch):
    from backcare.domain import progress as progress_domain
    from backcare.domain import progression
    from backcare.services import routines, safety

    assert cli("safety", "--none").exit_code == 0
    for back in range(12, -1, -1):
        day = (today - timedelta(days=back)).isoformat()
        done = "all" if back % 3 else "1"
        env = {"BACKCARE_TODAY": day}
        assert cli("checkin", "-p", str(2 + back % 4), "-s", "3", env=env).exit_code == 0
        logged = cli("session", "--done", done, "--pain-during", str(back % 7), "--effort", "5", env=env)
        assert logged.exit_code == 0, logged.output
    store = open_store(home)
    active = routines.active_routine(store)
    full = store.sessions(routine=active.name, last=routines.SESSIONS_CONSIDERED)
    lean = store.sessions(routine=active.name, last=routines.SESSIONS_CONSIDERED, detail=False)
    assert [s.exercises for s in lean] == [()] * len(full) and any(s.exercises for s in full)
    assert [summary(s) for s in lean] == [summary(s) for s in full]
    history = store.stage_history(active.name)
    checks = store.checkins(since=today - timedelta(days=84), until=today)
    gate = safety.gate(store, today)
    for day in (today - timedelta(days=4), today):
        assert progression.decide(active.routine, history, checks, lean, gate, day) == progression.decide(
            active.routine, history, checks, full, gate, day
        )
    decoded = []
    real = progress_domain.ExerciseRecord.from_dict
    monkeypatch.setattr(progress_domain.ExerciseRecord, "from_dict", lambda d: decoded.append(1) or real(d))
    routines.progress(store, today)
    assert decoded == []


def summary(s) -> tuple:
    return (s.day, s.routine, s.stage, s.done, s.skipped, s.pain_during, s.effort, s.started, s.id)


# -- how the command line is read -------------------------------------------------------------------------------
def test_the_commands_options_are_objects_not_strings_to_compile():
    # Typer reads every parameter's annotation of the command it runs (and of every command of a group such as
    # `routine`) on each run; a string annotation would be compiled and evaluated there, every time.
    import importlib
    import inspect

    import typer

    from backcare.cli.app import COMMANDS, root

    functions = [root]
    for _name, module, attr, _help in COMMANDS:
        target = getattr(importlib.import_module(f"backcare.cli.{module}"), attr)
        if isinstance(target, typer.Typer):
            functions += [c.callback for c in target.registered_commands]
            functions += [target.registered_callback.callback] if target.registered_callback else []
        else:
            functions.append(target)
    daily = {"today", "checkin", "session", "learn", "history", "safety", "app", "routine", "routine_files"}
    daily |= {"routine_versions", "simulate", "handout"}  # registered in the `routine` group
    checked = [f for f in functions if f.__module__.rsplit(".", 1)[-1] in daily]
    assert len(checked) > 15
    for function in checked:
        strings = [p.name for p in inspect.signature(function).parameters.values() if isinstance(p.annotation, str)]
        assert not strings, (function.__module__, function.__name__, strings)


def test_history_with_leg_pain_and_medicines_fits_every_width_and_keeps_every_word(cli):
    """With leg pain and medicines beside the scores, a terminal of 60-99 columns leaves the text columns too
    little room: they go under their day's row, labelled, rather than break words or run past the edge."""
    checkins(cli, 2, note=LONG_NOTE, tag="gardening")
    args = ["checkin", "--date", "2026-11-27", "--leg-pain", "6", "--leg-side", "left"]
    assert cli(*args, "--med", "ibuprofen 400mg", "--med", "paracetamol 1g").exit_code == 0
    for width in range(60, 141, 4):
        lines = cli("history", env={"COLUMNS": str(width)}).stdout.splitlines()
        assert all(len(line) <= width for line in lines), (width, [line for line in lines if len(line) > width])
        words = " ".join(lines).split()
        for word in [*LONG_NOTE.split(), "ibuprofen", "400mg,", "paracetamol", "gardening"]:
            assert word in words, (width, word)
        assert "Medicines" in " ".join(lines), width
        assert sum(line.startswith(("Fri 27 Nov 2026", "Thu 26 Nov 2026")) for line in lines) == 2, width


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-", max_size=12) | st.dates().map(date.isoformat))
def test_a_typed_date_is_read_as_strptime_reads_it(text):
    """`--date` is read without `_strptime` (1.5 ms of start-up): the same days, the same refusals."""
    from datetime import datetime

    from backcare.domain.dates import iso_day

    try:
        expected = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        expected = None
    try:
        got = iso_day(text)
    except ValueError:
        got = None
    assert got == expected


def test_checkin_with_a_date_does_not_load_strptime_or_json(tmp_path):
    """`_strptime` (for the date) and `json` (for tags and medicines, none given here) cost 1-1.5 ms each."""
    import subprocess
    import sys

    env = {"BACKCARE_HOME": str(tmp_path / "home"), "BACKCARE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin"}
    args = [sys.executable, "-X", "importtime", "-m", "backcare", "checkin", "-p", "3", "-s", "2", "-d", "2026-01-05"]
    env["BACKCARE_TODAY"] = "2026-01-06"
    first = subprocess.run([*args[:-1], "2026-01-04"], env=env, capture_output=True, text=True)  # a made home
    assert first.returncode == 0, first.stderr
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "backcare.domain.dates" in loaded and "_strptime" not in loaded
    assert "backcare.store.records.checkins" in loaded and "json" not in loaded


# -- a topic in plain lines ------------------------------------------------------------------------------------
RUNS = st.lists(
    st.tuples(st.text(alphabet=st.sampled_from("ab cd,.é東"), max_size=20), st.booleans()), min_size=1, max_size=6
)


@settings(max_examples=150, deadline=None)
@given(RUNS, st.integers(10, 90))
def test_a_topics_styled_text_keeps_every_character_in_order_within_the_width(runs, width):
    from backcare.render.plain import Out, cells, styled

    out = Out()
    out.colour = False
    lines = styled(out, runs, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(text for text, _ in runs).replace(" ", "")
    # a word that fits a line is never broken
    fits = [word for word in "".join(text for text, _ in runs).split() if cells(word) <= width]
    shown = " ".join(lines).split()
    assert all(word in shown for word in fits)


def test_bold_next_to_punctuation_gets_no_space_and_one_escape_per_phrase():
    from backcare.render.plain import Out, styled

    out = Out()
    out.colour = False
    assert styled(out, [("Release first", True), (", to ease tension.", False)], 80) == [
        "Release first, to ease tension."
    ]
    out.colour = True
    assert styled(out, [("Release first", True), (", then move.", False)], 80) == [
        "\x1b[1mRelease first\x1b[0m, then move."
    ]


def test_learn_shows_every_topic_within_the_width_and_marks_the_next(cli):
    result = cli("learn", env={"COLUMNS": "50"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 50 for line in lines), [line for line in lines if len(line) > 50]
    assert lines[0].startswith("Topics, in course order (0 of ")
    assert lines[1].startswith("▶  1 ") and lines[2].strip() == "staying-active"  # the id under its title
    wide = cli("learn", env={"COLUMNS": "120"}).stdout.splitlines()
    assert wide[1].startswith("▶  1 Keep moving, gently") and wide[1].endswith("staying-active                 2 min")


def test_routine_show_wraps_a_long_reason_under_its_text_and_fits_the_width(cli):
    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 0
    for width in (50, 70, 100):
        lines = cli("routine", "show", env={"COLUMNS": str(width)}).stdout.splitlines()
        assert all(len(line) <= width for line in lines), width
        reasons = [n for n, line in enumerate(lines) if line.startswith("  • ")]
        assert reasons, lines
        # a reason's wrapped lines line up under its text, never back at the edge
        last = reasons[-1]
        tail = lines[last + 1 : lines.index("Today's exercises")]
        assert all(line.startswith("    ") for line in tail), tail
        header = lines[lines.index("Today's exercises") + 1]
        assert header.split()[:3] == ["#", "Exercise", "Dose"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("ab 東é\u0301"), max_size=30), min_size=1, max_size=4),
    st.integers(20, 60),
)
@example(["東京で歩いた" * 5], 20)
@example(["ab", "東" * 30], 21)
def test_a_cut_row_fits_the_terminal_in_cells(pieces, width):
    """`Out.row` (the chart rows of `trend`, the dashboard's lines) cuts at the width in terminal cells: a wide
    character takes two, so a line of them is cut at half as many characters."""
    from backcare.render.plain import Out, cells

    out = Out()
    out.colour, out.width = False, width
    out.row([(piece, "") for piece in pieces])
    (line,) = out.lines
    assert cells(line) <= width
    whole = "".join(pieces).rstrip()
    assert whole.startswith(line)  # a prefix of the text, nothing skipped
    if cells(whole) <= width:
        assert line == whole


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab ·•█░–—’‘“”…→←×≥≤✓↑↓°漢é\u0301"), max_size=30))
def test_backcares_own_symbols_are_measured_as_unicodedata_measures_them(text):
    """A line of ASCII and backcare's own one-cell symbols is measured without unicodedata: the same count."""
    import unicodedata

    from backcare.render.plain import ONE_CELL, cells

    expected = sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text
    )
    assert cells(text) == expected
    assert all(unicodedata.east_asian_width(ch) not in "WF" and not unicodedata.combining(ch) for ch in ONE_CELL)


def test_deciding_the_dashboard_reads_the_safety_state_again_only_after_a_write(
    cli, home, open_store, today, monkeypatch
):
    # The summary's safety state is read before today's decision; it is read again only when deciding wrote
    # something (a step back after a flare-up makes a re-check due): otherwise it cannot have changed.
    from backcare.services import dashboard
    from backcare.store import Store

    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "--pain", "3", "--stiffness", "3").exit_code == 0
    store = open_store(home)
    dashboard.build(store, today)  # the first decision of the day is recorded
    reads = []
    real = Store.screens

    def counted(self):
        reads.append(1)
        return real(self)

    monkeypatch.setattr(Store, "screens", counted)
    dashboard.build(store, today)
    assert len(reads) == 2  # the summary's and the engine's, not a third
