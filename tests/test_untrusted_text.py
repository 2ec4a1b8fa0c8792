"""Text from a person, a routine file or an import is shown, never obeyed: no terminal escapes, no Rich markup,
no bidirectional reordering, no spreadsheet formulas. Every command that shows such text is run here with
hostile content, in a pipe and as on a colour terminal."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.textsafe import BIDI, first_unsafe, inert, json_inert

TODAY = date(2026, 3, 20)
ENV = {"BACKCARE_TODAY": TODAY.isoformat(), "COLUMNS": "400"}
COLOUR = {**ENV, "FORCE_COLOR": "1", "TERM": "xterm-256color"}

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
RLO = "\u202e"
NOTES = [
    f"screen {CLEAR} cleared",
    f"title {TITLE} set",
    f"hidden {LINK} link",
    f"clipboard {CLIPBOARD} written",
    "bell \x07 and C1 \x9b31m and DEL \x7f",
    "took 2 [ibuprofen] then [link=https://evil.example/]a link[/link]",
    "physio @ 3pm [/physio]",
    f"report {RLO}txt.exe reversed",
]
# What a person must see instead: the characters, made visible.
VISIBLE = ["\\x1b[2J", "\\x1b]0;pwned\\x07", "\\x1b]52;c;ZXZpbA==\\x07", "[ibuprofen]", "[/physio]", "\\u202e"]
MARKUP_VISIBLE = ["[link=https://evil.example/]a link[/link]"]

SGR = re.compile(r"\x1b\[[0-9;]*m")
FORBIDDEN = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\n"} | set(BIDI) | {"\u2028", "\u2029"}


def unsafe_characters(text: str, colour: bool = False) -> list[str]:
    """The control and bidi characters in `text` (after removing our own colour codes when colour is on)."""
    if colour:
        text = SGR.sub("", text)
    return sorted({repr(ch) for ch in text if ch in FORBIDDEN or 0xD800 <= ord(ch) < 0xE000})


def _forbidden(ch: str, newlines: bool) -> bool:
    code = ord(ch)
    if newlines and ch in "\n\t":
        return False
    return code < 0x20 or 0x7F <= code < 0xA0 or ch in BIDI or ch in "\u2028\u2029" or 0xD800 <= code < 0xE000


# -- the one function: inert ----------------------------------------------------------------------------------
ANY_CHAR = st.characters(codec=None, exclude_categories=())
SAFE_CHAR = ANY_CHAR.filter(lambda ch: not _forbidden(ch, False))


@settings(deadline=None)
@given(st.text(ANY_CHAR), st.booleans())
def test_inert_never_lets_a_control_or_bidi_character_through(text, newlines):
    shown = inert(text, newlines=newlines)
    assert not [ch for ch in shown if _forbidden(ch, newlines)]
    assert inert(shown, newlines=newlines) == shown  # applying it twice changes nothing more
    assert first_unsafe(shown, newlines=newlines) is None
    shown.encode("utf-8")  # always writable


@settings(deadline=None)
@given(st.text(SAFE_CHAR), st.booleans())
def test_inert_leaves_printable_text_alone(text, newlines):
    assert inert(text, newlines=newlines) == text
    assert first_unsafe(text, newlines=newlines) is None


@settings(deadline=None)
@given(st.text(SAFE_CHAR), st.sampled_from(sorted(FORBIDDEN - {"\t"})), st.text(SAFE_CHAR))
def test_inert_shows_each_control_as_a_visible_escape(before, ch, after):
    shown = inert(before + ch + after)
    assert shown.startswith(before) and shown.endswith(after)
    middle = shown[len(before) : len(shown) - len(after)]
    assert middle.startswith("\\") and len(middle) > 1
    assert first_unsafe(before + ch + after) == len(before)


def test_inert_examples():
    assert inert(CLEAR) == "\\x1b[2J"
    assert inert("a\nb\tc") == "a\\nb\\tc"
    assert inert("a\r\nb\tc", newlines=True) == "a\nb\tc"
    assert inert("a\rb", newlines=True) == "a\\rb"
    assert inert(RLO + "abc") == "\\u202eabc"
    assert inert("\x9b\x7f") == "\\x9b\\x7f"
    assert inert("lone \ud800") == "lone \ufffd"
    assert inert("Ünïcödé · ✓ 漢字 [b]x[/b]") == "Ünïcödé · ✓ 漢字 [b]x[/b]"


@settings(deadline=None)
@given(st.recursive(st.none() | st.integers() | st.text(ANY_CHAR), lambda kids: st.lists(kids, max_size=3)))
def test_json_inert_is_the_same_json(value):
    text = json_inert(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert not [ch for ch in text if _forbidden(ch, False) or ch == "\n"]


def test_json_inert_escapes_del_in_otherwise_plain_ascii():
    # a note of plain ASCII with one DEL in it: the fast path for ASCII text once let it through raw
    text = json.dumps("ab\x7fc", ensure_ascii=False)  # as backcare writes JSON: readable, not all \u escapes
    assert json_inert(text) == '"ab\\u007fc"'
    assert json.loads(json_inert(text)) == "ab\x7fc"


def test_a_note_with_del_never_reaches_the_screen_raw_in_json(cli):
    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "--pain", "2", "--stiffness", "2", "--note", "a\x7fb").exit_code == 0
    result = cli("history", "--json")
    assert result.exit_code == 0, result.output
    assert "\x7f" not in result.stdout
    assert json.loads(result.stdout)[0]["note"] == "a\x7fb"  # the data itself is kept as typed


# -- routine files: control characters refused with FILE:LINE:COL -----------------------------------------------
HOSTILE_ROUTINE = r"""format: backcare-routine/1
name: "Evil \e[2J routine"
description: "Hi \e]52;c;ZXZpbA==\a there"
exercises:
  - id: wall-slide
    name: "Wall \e]8;;https://evil.example/\e\\slide\e]8;;\e\\"
    category: mobility
    steps: ["Stand \e[31m red", "Then \u202e turn"]
stages:
  - id: mobility
    name: "Ease \e]0;pwned\a in"
    exercises:
      - {id: cat-camel, sets: 2, reps: 10}
      - {id: wall-slide, reps: 8}
"""

CLEAN_ROUTINE = """format: backcare-routine/1
name: Plain routine
stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {id: cat-camel, sets: 2, reps: 10}
    advance: {sessions: 3}
  - id: control
    name: Build control
    exercises:
      - {id: dead-bug, sets: 2, reps: 8, side: each}
"""


def test_routine_check_refuses_control_characters_in_every_text_field(cli, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(HOSTILE_ROUTINE, encoding="utf-8")
    result = cli("routine", "check", str(path))
    assert result.exit_code == 1
    where = [line.split(": ", 1)[0] for line in result.stdout.splitlines() if "control character" in line]
    assert where == [f"{path}:{n}" for n in ("2:7", "3:14", "6:11", "8:13", "8:33", "11:11")], result.stdout
    assert "U+001B" in result.stdout and "U+202E" in result.stdout
    assert not unsafe_characters(result.output)


def test_routine_import_refuses_them_and_stores_nothing(cli, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(HOSTILE_ROUTINE, encoding="utf-8")
    result = cli("routine", "import", str(path), env=ENV)
    assert result.exit_code == 1
    assert f"{path}:2:7:" in result.stderr and "control character" in result.stderr
    assert not unsafe_characters(result.output)
    assert cli.json("routine", "list", "--json", env=ENV)[0]["builtin"]
    assert len(cli.json("routine", "list", "--json", env=ENV)) == 1


def test_a_stored_routine_with_control_characters_is_reported_inertly(cli, home):
    """A routine stored by an older backcare (before the check) is refused when read, and the refusal is safe."""
    assert cli("checkin", "--pain", "3", "--stiffness", "3", env=ENV).exit_code == 0
    db = sqlite3.connect(home / "backcare.db")
    with db:
        db.execute(
            "INSERT INTO routines (name, source, origin, imported_at) VALUES (?, ?, NULL, '2026-01-01T00:00:00')",
            (f"old {CLEAR}", HOSTILE_ROUTINE),
        )
        db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('active_routine', ?)", (f"old {CLEAR}",))
    db.close()
    for args in (("today",), ("routine", "show"), ("routine", "list")):
        for env in (ENV, COLOUR):
            result = cli(*args, env=env)
            assert not unsafe_characters(result.output, colour=env is COLOUR), (args, result.output)
            assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "ch", ["\x1b", "\x07", "\x9b", "\x7f", "\r", "\u202e", "\u2066", "\u200f", "\u2028", "\n", "\t"]
)
def test_the_schema_and_the_checker_agree_on_control_characters(ch):
    """Editors (through the JSON Schema) and `routine check` refuse the same text."""
    import jsonschema
    import yaml

    from backcare.content import check_routine_text
    from backcare.content.schema import routine_schema

    doc = yaml.safe_load(CLEAN_ROUTINE)
    doc["stages"][0]["name"] = f"Ease{ch}in"
    doc["description"] = f"Line one{ch}line two"
    text = json.dumps(doc)  # JSON is YAML: the character arrives as an escape, as a physio could write it
    routine, problems = check_routine_text(text, "r.yaml")
    schema_errors = list(jsonschema.Draft7Validator(routine_schema()).iter_errors(doc))
    allowed = ch in "\n\t"
    assert (routine is not None) is allowed, problems
    assert (not schema_errors) is allowed, schema_errors
    if not allowed:
        assert len(problems) == 2 and all("control character" in p.message for p in problems), problems


def test_a_hostile_routine_in_a_json_import_never_reaches_the_screen_raw(cli, tmp_path):
    """An export carries routine files as text: they never pass `routine check` on the way in."""
    assert cli("checkin", "--pain", "3", "--stiffness", "3", env=ENV).exit_code == 0
    export = cli.json("export", "--format", "json", env=ENV)
    name = f"Imported {CLEAR}"
    export["routines"] = [
        {"name": name, "origin": None, "imported_at": "2026-01-01T00:00:00+00:00", "source": HOSTILE_ROUTINE}
    ]
    export["settings"] = {"active_routine": name}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    imported = cli("import", str(path), env=ENV)
    assert not unsafe_characters(imported.output)
    for args in (("today",), ("routine", "show"), ("routine", "why"), ("history",)):
        result = cli(*args, env=COLOUR)
        assert not unsafe_characters(result.output, colour=True), (args, result.output)
        assert "Traceback" not in result.output
    if imported.exit_code == 0:  # stored as it came: refused when read, with the place of the problem
        shown = cli("routine", "show", env=ENV)
        assert shown.exit_code == 1 and ":2:7: name contains a control character" in shown.stderr


# -- the whole product, end to end --------------------------------------------------------------------------------
def _build_hostile(cli, home, tmp_path):
    """A home full of hostile text: typed notes, an imported JSON export, a routine name and a stage reason,
    and tags written by another program straight into the database."""
    start = TODAY - timedelta(days=19)
    for n in range(20):
        day = start + timedelta(days=n)
        note = NOTES[n % len(NOTES)] if n < 10 else None
        args = ["checkin", "--date", day.isoformat(), "--pain", str(2 + n % 5), "--stiffness", str(3 + n % 3)]
        args += ["--note", note] if note else []
        result = cli(*args, env=ENV)
        assert result.exit_code == 0, result.output
    assert cli("safety", "--none", env=ENV).exit_code == 0

    # A JSON export from elsewhere, imported: these notes arrive without going through the check-in command.
    export = cli.json("export", "--format", "json", env=ENV)
    for c, note in zip(export["checkins"][10:], NOTES):
        c["note"] = note
    path = tmp_path / "import.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = cli("import", str(path), "--replace", env=ENV)
    assert result.exit_code == 0, result.output
    assert not unsafe_characters(result.output)

    clean = tmp_path / "clean.yaml"
    clean.write_text(CLEAN_ROUTINE, encoding="utf-8")
    routine_name = f"Evil {CLEAR} [bold]x[/bold] {RLO}y"
    result = cli("routine", "import", str(clean), "--name", routine_name, env=ENV)
    assert result.exit_code == 0, result.output
    result = cli("routine", "stage", "control", "--reason", f"physio said so {CLIPBOARD} [/physio] {LINK}", env=ENV)
    assert result.exit_code == 0, result.output
    result = cli("session", "--done", "all", "--pain-during", "2", env=ENV)
    assert result.exit_code == 0, result.output

    # Tags from another program (or an older backcare): written straight into the database.
    db = sqlite3.connect(home / "backcare.db")
    with db:
        for n in range(0, 20, 2):
            day = (start + timedelta(days=n)).isoformat()
            db.execute("UPDATE checkins SET tags = ? WHERE date = ?", (json.dumps([f"t{CLEAR}[b]{RLO}"]), day))
    db.close()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """Built once for this file (it takes a few dozen commands); each test gets its own copy."""
    from conftest import Cli

    base = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(base / "user"))
        mp.setenv("XDG_DATA_HOME", str(base / "user" / "xdg"))
        for name in ("BACKCARE_HOME", "BACKCARE_TODAY", "BACKCARE_DEBUG"):
            mp.delenv(name, raising=False)
        _build_hostile(Cli(base / "home"), base / "home", base)
    return base / "home" / "backcare.db"


@pytest.fixture
def hostile(cli, home, hostile_db):
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(hostile_db, home / "backcare.db")
    return cli


COMMANDS = [
    ("history",),
    ("today",),
    ("routine", "show"),
    ("routine", "why"),
    ("routine", "list"),
    ("sessions",),
    ("trend",),
    ("report", "-o", "-"),
    ("report", "--format", "md", "-o", "-"),
    ("export", "--format", "csv"),
]


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_hostile_text_is_shown_never_obeyed(hostile, args, colour):
    result = hostile(*args, env=COLOUR if colour else ENV)
    assert result.exit_code == 0, result.output
    assert not unsafe_characters(result.output, colour=colour), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [("history",), ("report", "-o", "-"), ("report", "--format", "md", "-o", "-")])
def test_notes_are_shown_literally(hostile, args):
    out = hostile(*args, env=ENV).stdout
    if args[0] == "report":  # a report lists the most recent notes: the imported ones
        out = out.replace("\\\\", "\\").replace("\\[", "[").replace("\\]", "]").replace("\\(", "(")
        out = out.replace("\\)", ")").replace("\\_", "_").replace("\\-", "-").replace("\\#", "#")
        out = out.replace("&amp;", "&")
    for text in VISIBLE:
        assert text in out, (text, out)


def test_history_shows_markup_as_typed(hostile):
    out = hostile("history", env=ENV).stdout
    for text in [*VISIBLE, *MARKUP_VISIBLE]:
        assert text in out, text
    assert "took 2 [ibuprofen]" in out
    assert "t\\x1b[2J[b]\\u202e" in out  # the tag


def test_routine_name_and_reason_are_shown_literally(hostile):
    listing = hostile("routine", "list", env=ENV).stdout
    assert "Evil \\x1b[2J [bold]x[/bold] \\u202ey" in listing
    why = hostile("routine", "why", env=ENV).stdout
    assert "physio said so \\x1b]52;c;ZXZpbA==\\x07 [/physio]" in why
    assert "Evil \\x1b[2J [bold]x[/bold]" in hostile("routine", "show", env=ENV).stdout
    assert "Evil \\x1b[2J [bold]x[/bold]" in hostile("today", env=ENV).stdout


def test_trend_tag_table_shows_the_tag_literally(hostile):
    out = hostile("trend", env=ENV).stdout
    assert "t\\x1b[2J[b]\\u202e" in out


def test_session_done_with_a_hostile_routine_name(hostile):
    result = hostile("session", "--done", "all", "--pain-during", "2", env=COLOUR)
    assert result.exit_code == 0, result.output
    assert not unsafe_characters(result.output, colour=True)


def test_stage_override_message_is_inert(hostile):
    result = hostile("routine", "stage", "mobility", "--reason", "back", env=ENV)
    assert result.exit_code == 0, result.output
    assert not unsafe_characters(result.output) and "Evil \\x1b[2J" in result.stdout


def test_json_output_keeps_the_data_and_escapes_the_rest(hostile):
    result = hostile("history", "--json", env=ENV)
    assert not unsafe_characters(result.stdout.replace("\n", ""))
    notes = {c["note"] for c in json.loads(result.stdout)}
    assert set(NOTES) <= notes  # the stored text itself is unchanged


# -- CSV cells ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_csv_formula_starts_are_neutralised_full_width_too(start):
    from backcare.exporters.csv_export import safe_text

    cell = safe_text(f'{start}HYPERLINK("http://x")')
    assert cell.startswith("'")


def test_csv_cells_have_no_bidi_or_control_characters():
    from backcare.exporters.csv_export import safe_text

    assert safe_text(f"a {RLO}b {CLEAR}") == "a \\u202eb \\x1b[2J"
    assert safe_text("two\nlines") == "two\nlines"
    assert safe_text(f"{RLO}=1+1").startswith(("'", "\\"))


def test_csv_export_of_hostile_notes(hostile):
    out = hostile("export", "--format", "csv", env=ENV).stdout
    rows = list(csv.reader(io.StringIO(out)))
    notes = [r[6] for r in rows[1:] if r[6]]
    assert any("\\u202etxt.exe" in n for n in notes)
    assert not unsafe_characters(out.replace("\r\n", "\n"))


# -- Rich markup in user text never breaks a command ----------------------------------------------------------------
def test_a_closing_tag_in_a_note_does_not_break_history(cli):
    assert cli("checkin", "--pain", "2", "--stiffness", "2", "--note", "physio @ 3pm [/physio]", env=ENV).exit_code == 0
    result = cli("history", env=ENV)
    assert result.exit_code == 0, result.output
    assert "physio @ 3pm [/physio]" in result.stdout


def test_bracketed_words_in_a_note_are_kept(cli):
    cli("checkin", "--pain", "2", "--stiffness", "2", "--note", "took 2 [ibuprofen]", env=ENV)
    assert "took 2 [ibuprofen]" in cli("history", env=ENV).stdout


# -- renderers fed hostile content directly (content that only a file or another program can supply) -----------------
def exercise(**fields):
    """One of the day's exercises as the renderers get it, with the given (hostile) fields."""
    from backcare.domain.exercise_entry import TodaysExercise

    dose = dict.fromkeys(("hold_seconds", "reps_max", "duration_seconds", "rest_seconds", "rpe", "tempo", "load"))
    base = {"id": "wall-slide", "category": "mobility", "sets": 1, "reps": 8, "side": "both", "notes": None}
    return TodaysExercise(**{**base, **dose, "summary": "", **fields})


def test_exercise_cards_and_tables_from_a_routine_are_inert(capsys):
    from datetime import date

    from backcare.domain.dashboard import Stage
    from backcare.domain.education import RelatedTopic
    from backcare.domain.exercise_entry import LibraryExercise
    from backcare.domain.progress import StageEvent
    from backcare.domain.progress_view import ProgressView
    from backcare.render.console import console
    from backcare.render.routine import exercise_card, show_history, show_library
    from backcare.render.routine_plan import show_progress

    evil = f"Wall {LINK} [bold]slide[/bold] {RLO}x"
    ex = exercise(
        name=evil,
        dose=f"8 reps {CLEAR}",
        summary=f"sum {TITLE}",
        steps=[f"step {CLIPBOARD}"],
        cues=["cue \x9b1m"],
        mistakes=["[/x]"],
        cautions=[f"careful {RLO}"],
        notes=f"physio notes {CLEAR} [/n]",
    )
    topic = RelatedTopic("t", f"topic {CLEAR}")
    view = ProgressView(
        routine=evil,
        decision="hold",
        stage=Stage("s", f"stage {TITLE} [/stage]"),
        from_stage=None,
        easier=False,
        flare=False,
        reasons=[f"reason {CLEAR} [/r]"],
        pain_limit=5,
        exercises=[ex],
        routine_note=None,
    )
    show_progress(view, description=f"desc {CLIPBOARD} [red]x")
    show_history([StageEvent("r", date(2026, 1, 1), f"s {CLEAR}", "manual", (f"[/a] {RLO}",), manual=True)])
    fields = {k: v for k, v in vars(ex).items() if k != "lighter"}
    library = LibraryExercise(**{**fields, "name": evil, "dose": "[/d]", "notes": None})
    show_library([library])
    console().print(exercise_card(ex, 1, 1, topic))
    out = capsys.readouterr().out
    assert not unsafe_characters(out), out
    for text in (
        "physio notes \\x1b[2J [/n]",
        "[bold]slide[/bold]",
        "\\u202ex",
        "[/stage]",
        "[/r]",
        "[red]x",
        "[/x]",
        "[/d]",
        "[/a]",
        "\\x1b[2J",
    ):
        assert text in out, text


def test_learn_topics_are_inert(capsys):
    from datetime import date

    from backcare.domain.education import Listing, OpenedTopic, SearchHit, Topic, TopicSummary
    from backcare.render.education import show_list, show_search, show_topic

    topic = Topic(
        id="t",
        title=f"Title {CLEAR} [b]",
        summary="",
        minutes=3,
        body=f"Body {TITLE} text [/x]\n\nMore {RLO}",
        key_points=(f"point {CLIPBOARD}",),
        try_this=f"try {LINK}",
        related_exercises=("cat-camel",),
        sources=("source \x07 [/s]",),
    )
    show_topic(OpenedTopic(topic, date(2026, 1, 1), True))
    line = TopicSummary(topic.id, topic.title, topic.summary, topic.minutes, False)
    show_list(Listing((line,), "t", 0))
    show_search("q", [SearchHit(TopicSummary(topic.id, topic.title, "", 3, True), 1.0)])
    out = capsys.readouterr().out
    assert not unsafe_characters(out), out
    assert "[/s]" in out and "Title \\x1b[2J [b]" in out


def test_dashboard_with_hostile_routine_text(capsys):
    from backcare.domain.dashboard import Dashboard, Progression, SafetySummary, Stage
    from backcare.domain.education import TopicSummary
    from backcare.render.dashboard import show

    safety = SafetySummary("clear", None, [], [], None, None, [], None, None, False, None)
    data = Dashboard(
        date="2026-03-20",
        date_label="Fri 20 Mar",
        checked_in=False,
        pain=None,
        stiffness=None,
        last_7_days=[],
        streak=0,
        days_in_last_7=0,
        backfill=None,
        safety=safety,
        routine=f"R {CLEAR}",
        progression=Progression(
            "hold",
            Stage("s", f"S {TITLE}"),
            [f"why {CLIPBOARD}"],
            [exercise(name=f"E {LINK}", dose=f"D {RLO}")],
            False,
            False,
        ),
        session_done=False,
        topic=TopicSummary("t", "T \x9b", "S \x7f", 3, False),
    )
    show(data.as_dict())
    out = capsys.readouterr().out
    assert not unsafe_characters(out), out
    assert "R \\x1b[2J" in out and "E \\x1b]8;;https://evil.example/" in out


# -- on a real terminal (a pseudo-terminal): nothing strips escapes on the way, as click does for pipes ------------
def run_in_terminal(*args: str, home: Path) -> str:
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    env = {**os.environ, **ENV, "BACKCARE_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0, b"".join(chunks)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# Each command on its own pseudo-terminal (a process each): the dashboard in the fast loop, every command in CI.
@pytest.mark.parametrize(
    "args",
    [
        ("today",),
        *(
            pytest.param(args, marks=pytest.mark.slow, id=" ".join(args))
            for args in [
                ("history",),
                ("routine", "why"),
                ("routine", "list"),
                ("trend",),
                ("routine", "stage", "mobility", "--reason", "again"),
                ("checkin", "--date", (TODAY - timedelta(days=19)).isoformat(), "--pain", "9", "--tag", "work"),
            ]
        ),
    ],
    ids=" ".join,
)
def test_on_a_terminal_only_our_own_colours_are_sent(hostile, home, args):
    out = run_in_terminal(*args, home=home)
    assert not unsafe_characters(out, colour=True), out
    assert "\\x1b" in out or "\\u202e" in out  # the hostile text is there, made visible


def test_guided_session_header_shows_the_routine_name_literally(hostile, monkeypatch):
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    result = hostile("session", "--no-timer", input="d\nd\nd\n2\n\n", env=COLOUR)
    assert result.exit_code == 0, result.output
    assert not unsafe_characters(result.output, colour=True), result.output
    assert "Evil \\x1b[2J [bold]x[/bold]" in SGR.sub("", result.output)


# -- any text at all, through the renderers ---------------------------------------------------------------------------
MARKUPISH = st.lists(st.sampled_from(["[", "]", "/", "=", "link", "bold", "\\", ":", "@", " ", "x"]), max_size=20).map(
    "".join
)
ANY_TEXT = st.one_of(st.text(ANY_CHAR, max_size=60), MARKUPISH)


@settings(deadline=None, max_examples=60)
@given(note=ANY_TEXT, tag=ANY_TEXT, name=ANY_TEXT)
def test_any_text_renders_inertly(note, tag, name):
    """Whatever a database holds (an older version, another program, an import), the renderers show it without
    raising (no markup error) and without a control or bidi character in their output."""
    from rich.console import Console

    import backcare.render.console as rc
    from backcare.domain.checkin import CheckIn
    from backcare.domain.dashboard import Dashboard, Progression, SafetySummary, Stage
    from backcare.domain.education import RelatedTopic, TopicSummary
    from backcare.render import dashboard, history, routine, routine_plan

    buffer = io.StringIO()
    original = rc.console

    def to_buffer(stderr: bool = False) -> Console:
        return Console(file=buffer, width=120, highlight=False, emoji=False, force_terminal=True)

    rc.console, routine.console = to_buffer, to_buffer
    try:
        table = dashboard.Out(buffer)
        table.colour, table.width = True, 120
        history.show([CheckIn(TODAY, 3, 4, 5, 6, note, (tag,))], None, out=table)
        from backcare.domain.progress_view import ProgressView

        ex = exercise(name=name, dose=tag, summary=note, steps=[note])
        stage = Stage(tag, tag)
        routine_plan.show_progress(
            ProgressView(name, "hold", stage, None, False, False, [note], 5, [ex], None), description=note, out=table
        )
        to_buffer().print(routine.exercise_card(ex, 1, 1, RelatedTopic(tag, name)))
        data = Dashboard(
            date=TODAY.isoformat(),
            date_label="today",
            checked_in=False,
            pain=None,
            stiffness=None,
            last_7_days=[],
            streak=0,
            days_in_last_7=0,
            backfill=None,
            safety=SafetySummary("clear", None, [], [], None, None, [], None, None, False, None),
            routine=name,
            progression=Progression("hold", stage, [note], [exercise(name=name, dose=tag)], False, False),
            session_done=False,
            topic=TopicSummary(tag, name, note, 3, False),
        )
        plain = io.StringIO()
        out = dashboard.Out(plain)
        out.colour = True
        dashboard._routine(out, data.as_dict())
        out.para(note)
        out.row([(name, "bold"), (tag, "")])
        out.flush()
    finally:
        rc.console, routine.console = original, original
    assert not unsafe_characters(buffer.getvalue(), colour=True), buffer.getvalue()
    assert not unsafe_characters(plain.getvalue(), colour=True), plain.getvalue()


def test_sessions_table_and_delete_show_the_routine_name_literally(hostile):
    listing = hostile("sessions", env=COLOUR)
    assert listing.exit_code == 0, listing.output
    assert "Evil \\x1b[2J [bold]x[/bold]" in SGR.sub("", listing.stdout)
    [row] = hostile.json("sessions", "--json", env=ENV)
    deleted = hostile("sessions", "delete", str(row["id"]), "--yes", env=ENV)
    assert deleted.exit_code == 0, deleted.output
    assert not unsafe_characters(deleted.output) and "Evil \\x1b[2J" in deleted.stdout
