"""Import checks every record with the rules of the command that creates it, and refuses hostile files whole.

Findings covered: an import could store a routine that is not a routine, an active routine that does not
exist, days in the future or before 1900 (which `delete` then cannot remove), a lone surrogate, a number
with thousands of digits; each must be refused with one sentence naming the record, exit 1, nothing written.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.domain import checkin as ck
from backcare.errors import BackcareError, InvalidInput
from backcare.exporters import json_export
from backcare.paths import DB_NAME
from tests.test_export_import import ROUTINE_YAML, db_state, sha

TODAY = date(2026, 11, 20)
ENV = {"BACKCARE_TODAY": TODAY.isoformat()}
STAMP = "2026-11-01T08:00:00+00:00"


def checkin(day: str, **values) -> dict:
    return {
        "date": day,
        "pain": 4,
        "stiffness": 5,
        "sleep": None,
        "stress": None,
        "tags": [],
        "note": None,
        "settled": None,
        "recorded_at": STAMP,
        "updated_at": STAMP,
        **values,
    }


def public(c: dict) -> dict:
    return {k: v for k, v in c.items() if k not in ("recorded_at", "updated_at")}


def valid_doc() -> dict:
    days = [(TODAY - timedelta(days=i)).isoformat() for i in range(5, 0, -1)]
    checkins = [checkin(d, pain=i + 2) for i, d in enumerate(days)]
    return {
        "format": "backcare-export",
        "version": 1,
        "exported_at": STAMP,
        "schema_version": 4,
        "backcare_version": "0.1.0",
        "checkins": checkins,
        "checkin_edits": [
            {
                "date": days[1],
                "action": "update",
                "before": {**public(checkins[1]), "pain": 9},
                "after": public(checkins[1]),
                "at": STAMP,
            }
        ],
        "sessions": [
            {
                "date": days[2],
                "routine": "physio",
                "stage": "gentle",
                "done": ["cat-camel"],
                "skipped": [],
                "pain_during": 2,
                "effort": 3,
                "at": STAMP,
            }
        ],
        "session_edits": [
            {
                "session": 7,
                "date": days[2],
                "action": "delete",
                "before": {
                    "date": days[2],
                    "started": None,
                    "routine": "physio",
                    "stage": "gentle",
                    "done": ["cat-camel"],
                    "skipped": [],
                    "exercises": [{"id": "cat-camel", "status": "done", "sets_done": 2, "dose": None}],
                    "pain_during": 3,
                    "effort": None,
                },
                "at": STAMP,
            }
        ],
        "stage_history": [
            {
                "routine": "physio",
                "date": days[0],
                "stage": "gentle",
                "decision": "start",
                "reasons": ["Started the routine."],
                "manual": False,
                "at": STAMP,
            }
        ],
        "safety_screens": [{"date": days[0], "answers": {"bladder-bowel": False, "trauma": False}, "at": STAMP}],
        "clearances": [],
        "topics_read": [{"topic": "staying-active", "first_read": days[0], "last_read": days[3]}],
        "routines": [{"name": "physio", "origin": None, "imported_at": STAMP, "source": ROUTINE_YAML}],
        "settings": {"active_routine": "physio"},
    }


@pytest.fixture
def seeded(cli, tmp_path):
    """A home with one check-in of its own, and its database's hash."""
    result = cli("checkin", "--pain", "3", "--stiffness", "3", "--date", "2026-11-02", env=ENV)
    assert result.exit_code == 0, result.output
    return sha(cli.home / DB_NAME)


def refused(cli, tmp_path, doc_or_bytes, fragment: str, before: str | None = None) -> str:
    """Import the file; it must be refused whole: exit 1, one sentence, the database unchanged."""
    path = tmp_path / "bad.json"
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else json.dumps(doc_or_bytes).encode()
    path.write_bytes(data)
    db = cli.home / DB_NAME
    if before is None:
        before = sha(db) if db.exists() else None
    result = cli("import", str(path), env=ENV)
    message = result.output.strip()
    assert result.exit_code == 1, message
    assert message.startswith(f"Error: {path} cannot be imported: ") and message.endswith("Nothing was changed.")
    assert fragment in message, message
    assert len(message.splitlines()) == 1 and len(message) < 500, message
    assert "Traceback" not in message and "unexpected problem" not in message
    assert (sha(db) if db.exists() else None) == before
    assert not (cli.home / f"{DB_NAME}-journal").exists()
    return message


def test_a_valid_file_imports_and_every_day_can_then_be_deleted(cli, tmp_path):
    path = tmp_path / "ok.json"
    doc = valid_doc()
    path.write_text(json.dumps(doc))
    result = cli("import", str(path), env=ENV)
    assert result.exit_code == 0, result.output
    assert cli.json("routine", "show", "--json", env=ENV)["routine"]  # the active routine loads
    for c in doc["checkins"]:
        deleted = cli("delete", c["date"], "--yes", env=ENV)
        assert deleted.exit_code == 0, deleted.output
    assert cli.json("history", "--json", env=ENV) == []


# -- finding: content that breaks the app ---------------------------------------------------------


def _mutate(change):
    def make():
        doc = valid_doc()
        change(doc)
        return doc

    return make


BREAKING = {
    "routine-not-a-routine": (
        _mutate(lambda d: d["routines"][0].update(source="format: backcare-routine/1\nname: x\nstages: []\n")),
        "routines[0]: source is not a valid routine",
    ),
    "routine-not-yaml": (
        _mutate(lambda d: d["routines"][0].update(source="{{{{")),
        "routines[0]: source is not a valid routine",
    ),
    "routine-under-the-builtin-name": (
        _mutate(lambda d: d["routines"][0].update(name="default")),
        "routines[0]: 'default' is the built-in routine's name",
    ),
    "active-routine-missing": (
        _mutate(lambda d: d["settings"].update(active_routine="nowhere")),
        "active_routine names a routine that is neither in the file nor in backcare",
    ),
    "checkin-in-the-future": (
        _mutate(lambda d: d["checkins"].append(checkin("2031-01-01"))),
        "checkins[5] (2031-01-01): date 2031-01-01 is in the future",
    ),
    "checkin-before-1900": (
        _mutate(lambda d: d["checkins"].insert(0, checkin("1850-06-01"))),
        "checkins[0] (1850-06-01): date 1850-06-01 is too far in the past",
    ),
    "session-in-the-future": (
        _mutate(lambda d: d["sessions"][0].update(date="2030-02-02")),
        "sessions[0] (2030-02-02): date 2030-02-02 is in the future",
    ),
    "screen-before-1900": (
        _mutate(lambda d: d["safety_screens"][0].update(date="0001-01-01")),
        "safety_screens[0] (0001-01-01): date 0001-01-01 is too far in the past",
    ),
    "topic-read-in-the-future": (
        _mutate(lambda d: d["topics_read"][0].update(last_read="2999-01-01")),
        "topics_read[0]: last_read 2999-01-01 is in the future",
    ),
    "stage-change-in-the-future": (
        _mutate(lambda d: d["stage_history"][0].update(date="2027-01-01")),
        "stage_history[0] (2027-01-01): date 2027-01-01 is in the future",
    ),
    "tag-of-a-million-characters": (
        _mutate(lambda d: d["checkins"][0].update(tags=["x" * 1_000_000])),
        "Tag 'xxxxxxxx",
    ),
    "tags-not-as-stored": (
        _mutate(lambda d: d["checkins"][0].update(tags=["Walk"])),
        "tags must be lower-case",
    ),
    "note-too-long": (
        _mutate(lambda d: d["checkins"][0].update(note="x" * 2001)),
        "A note can be at most 2000 characters",
    ),
    "edit-of-a-day-not-in-the-file": (
        _mutate(lambda d: d["checkin_edits"][0].update(date="2026-10-01")),
        "checkin_edits[0] (2026-10-01): before is a check-in of another day",
    ),
    "update-edit-without-its-day": (
        _mutate(
            lambda d: d["checkin_edits"].append(
                {
                    "date": "2026-10-01",
                    "action": "update",
                    "before": public(checkin("2026-10-01")),
                    "after": public(checkin("2026-10-01", pain=1)),
                    "at": STAMP,
                }
            )
        ),
        "checkin_edits[1] (2026-10-01): it changes a check-in the file does not hold",
    ),
    "edit-with-an-impossible-score": (
        _mutate(lambda d: d["checkin_edits"][0]["before"].update(pain=99)),
        "checkin_edits[0]",
    ),
    "delete-edit-with-an-after": (
        _mutate(lambda d: d["checkin_edits"][0].update(action="delete")),
        "after must be null for a delete",
    ),
    "duplicate-day": (
        _mutate(lambda d: d["checkins"].append(copy.deepcopy(d["checkins"][0]))),
        "checkins[5]",
    ),
    "session-exercise-status": (
        _mutate(lambda d: d["sessions"][0].update(exercises=[{"id": "cat-camel", "status": "half"}])),
        "sessions[0] (2026-11-17): each exercise's status must be one of done, partly, skipped",
    ),
    "session-edit-not-a-delete": (
        _mutate(lambda d: d["session_edits"][0].update(action="update")),
        'session_edits[0] (2026-11-17): action must be "delete"',
    ),
    "screen-answer-to-no-question": (
        _mutate(lambda d: d["safety_screens"][0]["answers"].update({"made-up": True})),
        "safety_screens[0] (2026-11-15): answers has 'made-up', which is not a question of the safety screen",
    ),
    "newer-schema": (_mutate(lambda d: d.update(schema_version=99)), "newer backcare (database schema 99"),
    "sections-before-the-header": (
        lambda: {"checkins": [], "format": "backcare-export", "version": 1},
        "not a backcare export",
    ),
    "section-not-a-list": (_mutate(lambda d: d.update(sessions={})), '"sessions" must be a list, not an object'),
    "sections-out-of-order": (
        lambda: {"format": "backcare-export", "version": 1, "checkin_edits": [], "checkins": []},
        '"checkins" section must come before "checkin_edits"',
    ),
    "settings-not-text": (_mutate(lambda d: d["settings"].update(rollover_hour=4)), "must be text"),
}


@pytest.mark.parametrize("case", sorted(BREAKING))
def test_content_that_would_break_the_app_is_refused_whole(cli, tmp_path, seeded, case):
    make, fragment = BREAKING[case]
    refused(cli, tmp_path, make(), fragment, before=seeded)


def test_a_refused_file_does_not_create_a_database(cli, tmp_path):
    doc = valid_doc()
    doc["checkins"].append(checkin("2031-01-01"))
    refused(cli, tmp_path, doc, "in the future")
    assert not (cli.home / DB_NAME).exists()


# -- finding: extreme values ---------------------------------------------------------------------

VALID = json.dumps(valid_doc())
FIRST_PAIN = '"pain": 2'

HOSTILE_TEXT = {
    "lone-surrogate-in-a-note": (VALID.replace('"note": null', '"note": "\\ud800"', 1), "lone surrogate"),
    "lone-surrogate-in-a-key": (VALID.replace('"trauma"', '"\\udfff"', 1), "lone surrogate"),
    "huge-number-in-a-record": (VALID.replace(FIRST_PAIN, '"pain": 1' + "0" * 5000, 1), "number too long"),
    "huge-float-in-a-record": (VALID.replace(FIRST_PAIN, '"pain": 1e999', 1), "pain must be"),
    "infinity": (VALID.replace(FIRST_PAIN, '"pain": Infinity', 1), "Infinity"),
    "minus-infinity": (VALID.replace(FIRST_PAIN, '"pain": -Infinity', 1), "-Infinity"),
    "deep-nesting-inside-a-record": (
        VALID.replace('"note": null', '"note": ' + "[" * 100_000 + "]" * 100_000, 1),
        "nested",
    ),
    "trailing-garbage": (VALID + "{}", "extra data"),
    "truncated": (VALID[: len(VALID) // 2], "not valid JSON"),
    "duplicate-top-level-key": (VALID[:-1] + ', "checkins": []}', "appears twice"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXT))
def test_hostile_values_are_refused_in_one_sentence(cli, tmp_path, seeded, case):
    text, fragment = HOSTILE_TEXT[case]
    refused(cli, tmp_path, text.encode("utf-8"), fragment, before=seeded)


def test_a_2_gb_file_is_refused_before_reading(cli, tmp_path, seeded):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: costs no disk space
    result = cli("import", str(huge), env=ENV)
    assert result.exit_code == 1 and "larger than the 200 MB" in result.output
    assert sha(cli.home / DB_NAME) == seeded


WRONG = (None, True, 1.5, "text", [], {}, 10**30)
FIELDS = {
    "checkins": ("date", "pain", "stiffness", "sleep", "stress", "tags", "note", "settled", "recorded_at"),
    "checkin_edits": ("date", "action", "before", "after", "at"),
    "sessions": ("date", "started", "routine", "stage", "done", "skipped", "exercises", "pain_during", "effort", "at"),
    "session_edits": ("session", "date", "action", "before", "at"),
    "stage_history": ("routine", "date", "stage", "decision", "reasons", "manual", "at"),
    "safety_screens": ("date", "answers", "at"),
    "topics_read": ("topic", "first_read", "last_read"),
    "routines": ("name", "origin", "imported_at", "source"),
}


def _accepted_anyway(section: str, name: str, value) -> bool:
    """Values that are right for the field (null where it is optional, an empty list where a list goes)."""
    optional = {"sleep", "stress", "note", "settled", "recorded_at", "pain_during", "effort", "origin", "started"}
    if value is None and name in optional:
        return True
    if value == [] and name in ("tags", "done", "skipped", "reasons", "exercises"):
        return True
    if value == "text" and name in ("routine", "stage", "decision", "note", "origin", "recorded_at", "at", "started"):
        return True
    if value == "text" and name in ("imported_at", "topic", "name", "source"):
        return True
    return value is True and name in ("settled", "manual")


@pytest.mark.parametrize("section", sorted(FIELDS))
def test_a_wrong_type_in_any_field_is_refused_naming_the_record(tmp_path, section):
    for name in FIELDS[section]:
        for value in WRONG:
            if _accepted_anyway(section, name, value):
                continue
            doc = valid_doc()
            doc[section][0][name] = value
            path = tmp_path / "bad.json"
            path.write_text(json.dumps(doc))
            file = json_export.ImportFile(path, today=TODAY, latest_schema=4, check_routine=lambda n, s: None)
            with pytest.raises(BackcareError) as caught:
                file.check()
            message = caught.value.message
            assert f"{section}[0]" in message, (name, value, message)
            assert len(message) < 400 and "\n" not in message


# -- the rules are the domain's rules --------------------------------------------------------------


def _domain_accepts(record: dict) -> bool:
    """What `backcare checkin` would accept for the same values."""
    from backcare.domain.dates import check_day

    try:
        check_day(date.fromisoformat(record["date"]), now=TODAY)
        for name in ("pain", "stiffness", "sleep", "stress"):
            ck.parse_score(record[name], name)
        tags = ck.parse_tags(record["tags"]) or ()
        ck.parse_note(record["note"])
    except InvalidInput:
        return False
    return tags == tuple(record["tags"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31)),
    pain=st.integers(-3, 14),
    stiffness=st.integers(0, 10),
    sleep=st.one_of(st.none(), st.integers(-2, 12)),
    stress=st.one_of(st.none(), st.integers(0, 10)),
    tags=st.lists(st.sampled_from(["walk", "long-drive", "Walk", "a,b", "x y", "-bad", "ok_2"]), max_size=4),
    note=st.one_of(st.none(), st.text(max_size=5), st.just("n" * 2001)),
)
def test_import_accepts_a_check_in_exactly_when_the_checkin_command_would(
    tmp_path_factory, day, pain, stiffness, sleep, stress, tags, note
):
    record = checkin(day.isoformat(), pain=pain, stiffness=stiffness, sleep=sleep, stress=stress, tags=tags, note=note)
    doc = {"format": "backcare-export", "version": 1, "checkins": [record]}
    path = tmp_path_factory.mktemp("rule") / "one.json"
    path.write_text(json.dumps(doc))
    file = json_export.ImportFile(path, today=TODAY, latest_schema=4, check_routine=lambda n, s: None)
    try:
        file.check()
        accepted = True
    except BackcareError:
        accepted = False
    assert accepted == _domain_accepts(record)


# -- the streaming reader reads what a whole-file reader reads --------------------------------------


@settings(max_examples=60, deadline=None)
@given(chunk=st.integers(1, 64), indent=st.sampled_from([None, 0, 2]), data=st.data())
def test_the_incremental_reader_agrees_with_json_loads_at_any_chunk_size(tmp_path_factory, chunk, indent, data):
    doc = valid_doc()
    doc["checkins"][0]["note"] = data.draw(st.text(max_size=30).filter(lambda s: s.strip()))
    text = json.dumps(doc, indent=indent, ensure_ascii=data.draw(st.booleans()))
    path = tmp_path_factory.mktemp("chunks") / "doc.json"
    path.write_text(text, encoding="utf-8")
    file = json_export.ImportFile(path, today=TODAY, latest_schema=4, check_routine=lambda n, s: None)
    saved = json_export.CHUNK
    json_export.CHUNK = chunk
    try:
        records = list(file.records())
    finally:
        json_export.CHUNK = saved
    expected = [(s, r) for s in json_export.SECTIONS[:-1] for r in doc.get(s, [])] + [("settings", doc["settings"])]
    assert records == expected


def test_the_old_indented_export_layout_still_imports(cli, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(valid_doc(), indent=2, ensure_ascii=False) + "\n")
    result = cli("import", str(path), env=ENV)
    assert result.exit_code == 0, result.output
    assert len(db_state(cli.home)["checkins"]) == 5


def test_a_syntax_error_deep_in_a_file_names_its_line(cli, tmp_path, seeded):
    lines = json.dumps(valid_doc(), indent=2).splitlines()
    where = next(i for i, line in enumerate(lines) if '"stress"' in line)
    lines[where] = lines[where].replace('"stress"', "stress")
    message = refused(cli, tmp_path, "\n".join(lines).encode(), "not valid JSON", before=seeded)
    assert f"line {where + 1}, column" in message


# -- extreme values typed on the command line and in the environment -------------------------------


@pytest.mark.parametrize("option", ["--pain", "--stiffness", "--sleep", "--stress"])
def test_a_5000_digit_score_is_a_usage_error_not_a_crash(cli, option):
    values = {"--pain": "3", "--stiffness": "3", option: "1" + "0" * 5000}
    args = [item for pair in values.items() for item in pair]
    result = cli("checkin", *args, env=ENV)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert "5001-digit number" in message and len(message) < 200
    assert "unexpected problem" not in message and not (cli.home / DB_NAME).exists()


@pytest.mark.parametrize("pinned", ["0001-01-01", "1899-12-31", "9999-12-31", "3000-01-01"])
@pytest.mark.parametrize("command", [(), ("checkin", "-p", "3", "-s", "3"), ("history",), ("trend",), ("today",)])
def test_a_pinned_today_outside_the_calendar_is_a_usage_error(cli, pinned, command):
    result = cli(*command, env={"BACKCARE_TODAY": pinned})
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message == (
        f"Error: BACKCARE_TODAY: {pinned} is outside the dates backcare works with (1900-01-01 to 2999-12-31)."
    )
    assert not (cli.home / DB_NAME).exists() or cli.json("history", "--json") == []


def test_the_edges_of_the_calendar_still_work(cli):
    for pinned in ("1900-01-01", "2999-12-31"):
        result = cli("checkin", "-p", "3", "-s", "4", env={"BACKCARE_TODAY": pinned})
        assert result.exit_code == 0, result.output
        assert cli("today", env={"BACKCARE_TODAY": pinned}).exit_code == 0
        assert cli("delete", pinned, "--yes", env={"BACKCARE_TODAY": pinned}).exit_code == 0


@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_an_export_to_an_ascii_terminal_is_still_whole_utf8(cli, fmt):
    added = cli("checkin", "-p", "3", "-s", "3", "--note", "Rücken besser 😊", env=ENV)
    assert added.exit_code == 0, added.output
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "export", "--format", fmt],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii", **ENV},  # BACKCARE_HOME: set by the home fixture
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    if fmt == "fhir":
        assert json.loads(text)["entry"]
    else:
        assert "Rücken besser 😊" in text
        assert fmt == "csv" or json.loads(text)["checkins"][0]["note"] == "Rücken besser 😊"


def test_an_endless_device_is_refused_at_its_first_character(cli, seeded):
    result = cli("import", "/dev/zero", env=ENV)
    assert result.exit_code == 1
    assert "/dev/zero cannot be imported: it is not valid JSON (line 1, column 1" in result.output
    assert sha(cli.home / DB_NAME) == seeded


def test_a_file_that_can_be_read_only_once_imports_whole(bc, tmp_path):
    """A pipe (`backcare import /dev/stdin < file`, or `<(...)`) is read once; its copy is read again."""
    text = json.dumps(valid_doc())
    result = bc("import", "/dev/stdin", input=text, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Imported 5 check-ins, 1 session" in result.stdout
    bad = valid_doc()
    bad["checkins"].append(checkin("2031-01-01"))
    result = bc("import", "/dev/stdin", input=json.dumps(bad), env=ENV)
    assert result.returncode == 1
    assert "/dev/stdin cannot be imported: checkins[5] (2031-01-01): date 2031-01-01 is in the future" in result.stderr
    assert len(json.loads(bc("history", "--json", env=ENV).stdout)) == 5  # the first import only


def test_a_fifo_imports_whole(cli, tmp_path):
    import threading

    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    text = json.dumps(valid_doc(), indent=2)
    writer = threading.Thread(target=fifo.write_text, args=(text,))
    writer.start()
    try:
        result = cli("import", str(fifo), env=ENV)
    finally:
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert len(cli.json("history", "--json", env=ENV)) == 5


@settings(max_examples=300, deadline=None)
@given(
    chunk=st.integers(1, 40),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.text(max_size=4)), max_size=4),
)
def test_a_damaged_file_is_always_one_sentence_never_a_crash(tmp_path_factory, chunk, cuts):
    """Any edit of a valid export (characters removed, inserted or replaced) is imported or refused with
    BackcareError: the incremental reader never fails in any other way, at any chunk size."""
    text = json.dumps(valid_doc(), indent=1)
    for at, length, insert in cuts:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + length :]
    path = tmp_path_factory.mktemp("damaged") / "doc.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    file = json_export.ImportFile(path, today=TODAY, latest_schema=4, check_routine=lambda n, s: None)
    saved = json_export.CHUNK
    json_export.CHUNK = chunk
    try:
        file.check()
    except BackcareError as exc:
        assert "\n" not in exc.message and exc.message.endswith("Nothing was changed.")
        assert len(exc.message) < 500
    finally:
        json_export.CHUNK = saved
