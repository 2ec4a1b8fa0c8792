"""Export (csv, json, fhir), import (restore, merge, conflicts) and backup, through the command line."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import importlib.util
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.safety import QUESTIONS, Screen
from backcare.paths import DB_NAME
from backcare.store import Store
from tests.conftest import Cli

END = date(2026, 11, 20)
NOTES = [
    "stiff after the drive",
    "=1+1",
    "-2 worse after lifting",
    "@home all day",
    "Rücken besser 😊",
    'said "better", then not',
    "line one\nline two",
    "+ gardening, digging; raking",
]
TAGS = ["long-drive", "gardening", "desk-day", "poor-sleep", "walk", "lifting"]
ROUTINE_YAML = """format: backcare-routine/1
name: Physio plan
stages:
  - id: gentle
    name: Gentle
    exercises:
      - {id: cat-camel, sets: 2, reps: 10}
    advance: {sessions: 6, days: 10}
  - id: build
    name: Build
    exercises:
      - {id: dead-bug, sets: 2, reps: 8, side: each}
"""


def fill(home: Path, days: int = 90, end: date = END, seed: int = 1) -> dict:
    """A realistic home: missed days, edits, a deletion, sessions, stage changes, screens, topics, a routine."""
    rng = random.Random(seed)
    store = Store.open(home)
    try:
        store.save_routine("physio", ROUTINE_YAML, "/home/someone/routines/physio.yaml")
        store.set_setting("active_routine", "physio")
        store.set_setting("rollover_hour", "4")
        start = end - timedelta(days=days - 1)
        store.record_screen(Screen(start, {q.id: False for q in QUESTIONS}))
        store.add_stage_event(StageEvent("physio", start, "gentle", "start", ("first session",)))
        pain = 7
        for i in range(days):
            day = start + timedelta(days=i)
            if rng.random() < 0.07:
                continue  # a missed day
            pain = max(0, min(10, pain + rng.choice((-1, -1, 0, 0, 1))))
            c = CheckIn(
                day,
                pain,
                max(0, min(10, pain + rng.choice((-1, 0, 1)))),
                sleep=rng.choice((None, *range(3, 10))),
                stress=rng.choice((None, *range(1, 8))),
                note=rng.choice((None, None, None, *NOTES)),
                tags=tuple(sorted(set(rng.sample(TAGS, rng.choice((0, 0, 1, 2)))))),
                settled=rng.choice((None, True, True, False)),
            )
            store.update_checkin(day, lambda _prev, c=c: c)
            if rng.random() < 0.08:  # changed their mind later that day
                store.update_checkin(day, lambda prev: CheckIn(**{**prev.__dict__, "pain": max(0, prev.pain - 1)}))
            if rng.random() < 0.55:
                stage = "gentle" if i < days // 2 else "build"
                done = tuple(rng.sample(["pelvic-tilt", "cat-cow", "bridge", "bird-dog"], rng.choice((0, 2, 3))))
                store.save_session(
                    Session(day, "physio", stage, done, (), rng.choice((None, 1, 2, 3, 4)), rng.choice((None, 3, 5)))
                )
            if i == days // 2:
                store.add_stage_event(StageEvent("physio", day, "build", "advance", ("pain settled", "7 sessions")))
            if i % 7 == 3:
                store.mark_read(f"topic-{i // 7}", day)
        # a session on a day without a check-in, and a deleted day
        all_days = (start + timedelta(days=i) for i in range(days))
        missing = next(d for d in all_days if store.get_checkin(d) is None)
        store.save_session(Session(missing, "physio", "gentle", ("bridge",), ("cat-cow",), 2, 4))
        store.delete_checkin(start + timedelta(days=10))
        store.record_screen(Screen(end, {q.id: False for q in QUESTIONS}))
        return store.counts()
    finally:
        store.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without_stamp(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported_at"}


@pytest.fixture
def filled(home):
    fill(home)
    return home


@pytest.fixture
def export_file(cli, filled, tmp_path) -> Path:
    path = tmp_path / "export.json"
    result = cli("export", "--format", "json", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def other(tmp_path: Path, name: str = "other") -> Cli:
    return Cli(tmp_path / name)


def db_state(home: Path) -> dict:
    store = Store.open(home)
    try:
        return {"checkins": store.checkins(), "edits": store.edits(), "counts": store.counts()}
    finally:
        store.close()


# -- csv -----------------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_row_per_day(cli, filled):
    result = cli("export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0][:13] == [
        "date",
        "pain",
        "stiffness",
        "sleep",
        "stress",
        "tags",
        "note",
        "settled",
        "session_done",
        "pain_during",
        "leg_pain",
        "leg_side",
        "meds",
    ]
    # a check-in field added later comes after these, so a spreadsheet made for an older file still fits
    assert rows[0][13:] == [f.name for f in dataclasses.fields(CheckIn) if f.name not in rows[0][:13] + ["day"]]
    store = Store.open(filled)
    checkins, sessions = store.checkins(), store.sessions()
    store.close()
    days = {c.day.isoformat() for c in checkins} | {s.day.isoformat() for s in sessions}
    body = rows[1:]
    assert len(body) == len(days) and [r[0] for r in body] == sorted(days)
    assert all(len(r) == len(rows[0]) for r in body)
    by_day = {r[0]: r for r in body}
    for c in checkins:
        r = by_day[c.day.isoformat()]
        assert (int(r[1]), int(r[2])) == (c.pain, c.stiffness)
        assert r[5] == ";".join(c.tags)
        note = c.note or ""
        assert r[6] == ("'" + note if note[:1] in ("=", "+", "-", "@") else note)
    assert any(r[6] == "'=1+1" for r in body) and any(r[6] == "line one\nline two" for r in body)
    # a day with a session but no check-in has empty scores
    lonely = [r for r in body if r[1] == ""]
    assert lonely and all(r[8] in ("yes", "no") for r in lonely)


def test_csv_guards_only_text_cells():
    from backcare.exporters.csv_export import row

    cells = row(
        "2026-01-01",
        {
            "pain": 0,
            "stiffness": 10,
            "sleep": None,
            "stress": 2,
            "tags": ["a", "b-c"],
            "note": "@SUM(A1:A9)",
            "settled": False,
        },
        [{"done": ["x"], "pain_during": 3}],
    )
    assert cells[:13] == ["2026-01-01", "0", "10", "", "2", "a;b-c", "'@SUM(A1:A9)", "no", "yes", "3", "", "", ""]
    assert set(cells[13:]) <= {""}


# -- json ----------------------------------------------------------------------------------------


def test_json_export_is_complete_and_deterministic(cli, filled):
    first, second = cli.json("export"), cli.json("export", "--format", "json")
    assert without_stamp(first) == without_stamp(second)
    assert list(first)[:5] == ["format", "version", "exported_at", "schema_version", "backcare_version"]
    assert (first["format"], first["version"]) == ("backcare-export", 1)
    counts = db_state(filled)["counts"]
    for table in (
        "checkins",
        "checkin_edits",
        "sessions",
        "stage_history",
        "safety_screens",
        "topics_read",
        "routines",
    ):
        assert len(first[table]) == counts[table], table
    assert {e["action"] for e in first["checkin_edits"]} == {"update", "delete"}
    assert first["routines"][0]["source"] == ROUTINE_YAML
    assert first["settings"] == {"active_routine": "physio", "rollover_hour": "4"}


def test_json_round_trip_into_an_empty_home_is_lossless(cli, export_file, tmp_path):
    target = other(tmp_path)
    result = target("import", str(export_file))
    assert result.exit_code == 0, result.output
    original = json.loads(export_file.read_text())
    assert f"Imported {len(original['checkins'])} check-ins, {len(original['sessions'])} sessions" in result.stdout
    assert "no conflicts" in result.stdout
    assert without_stamp(target.json("export")) == without_stamp(original)
    # and the restored home works as a home
    assert target("history", "--json").exit_code == 0


def test_export_file_is_private_and_atomic(cli, filled, tmp_path):
    old = os.umask(0o022)
    try:
        for fmt in ("json", "csv", "fhir"):
            path = tmp_path / f"out.{fmt}"
            path.write_text("old and world readable")
            os.chmod(path, 0o644)
            refused = cli("export", "-f", fmt, "-o", str(path))
            assert refused.exit_code == 1 and "pass --force" in refused.output
            assert path.read_text() == "old and world readable"
            result = cli("export", "-f", fmt, "-o", str(path), "--force")
            assert result.exit_code == 0, result.output
            assert path.stat().st_mode & 0o777 == 0o600
            assert path.read_text() != "old and world readable"
    finally:
        os.umask(old)
    assert not list(tmp_path.glob(".out.*"))  # no temporary files left behind


def test_export_refuses_a_missing_folder_and_the_database_itself(cli, filled, tmp_path):
    result = cli("export", "-o", str(tmp_path / "nope" / "x.json"))
    assert result.exit_code == 1 and "does not exist" in result.output
    before = sha(filled / DB_NAME)
    result = cli("export", "-o", str(filled / DB_NAME))
    assert result.exit_code == 1 and "own database" in result.output
    assert sha(filled / DB_NAME) == before


# -- fhir ----------------------------------------------------------------------------------------


def test_fhir_bundle_validates_against_r4b(cli, filled):
    from fhir.resources.R4B.bundle import Bundle

    data = cli.json("export", "--format", "fhir")
    validate = getattr(Bundle, "model_validate", None) or Bundle.parse_obj
    bundle = validate(data)
    assert bundle.type == "collection"
    checkins = db_state(filled)["checkins"]
    expected = sum(2 + (c.sleep is not None) + (c.stress is not None) for c in checkins)
    assert len(bundle.entry) == expected
    pains = [e for e in data["entry"] if e["resource"]["code"]["coding"][0]["code"] == "72514-3"]
    others = [e for e in data["entry"] if e not in pains]
    assert len(pains) == len(checkins)
    for e in data["entry"]:
        obs = e["resource"]
        assert obs["resourceType"] == "Observation" and obs["status"] == "final"
        assert obs["category"][0]["coding"][0]["code"] == "survey"
        q = obs["valueQuantity"]
        assert (q["unit"], q["system"], q["code"]) == ("{score}", "http://unitsofmeasure.org", "{score}")
        assert 0 <= q["value"] <= 10
    for e in pains:
        coding = e["resource"]["code"]["coding"][0]
        assert coding == {
            "system": "http://loinc.org",
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    assert all(e["resource"]["code"]["coding"][0]["system"] != "http://loinc.org" for e in others)
    stiff = [e for e in others if e["resource"]["code"]["coding"][0]["code"] == "back-stiffness"]
    assert len(stiff) == len(checkins)
    assert stiff[0]["resource"]["code"]["text"] == "Back stiffness, 0-10 self-rated (0 = none, 10 = worst imaginable)"
    by_day = {c.day.isoformat(): c for c in checkins}
    for e in pains:
        assert e["resource"]["valueQuantity"]["value"] == by_day[e["resource"]["effectiveDateTime"]].pain
    # stable, unique ids: the same export twice gives the same fullUrls
    urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)
    assert [e["fullUrl"] for e in cli.json("export", "-f", "fhir")["entry"]] == urls


def test_fhir_of_an_empty_home_is_a_valid_empty_bundle(cli, home):
    from fhir.resources.R4B.bundle import Bundle

    data = cli.json("export", "-f", "fhir")
    assert "entry" not in data
    Bundle.model_validate(data)


# -- the shared 90-day journey (tests/journey.py) -------------------------------------------------


def test_a_90_day_journey_exports_to_every_format_and_round_trips(cli, home, tmp_path):
    from tests.journey import fill as journey

    facts = journey(home, days=90, end=END, seed=1)
    rows = list(csv.reader(io.StringIO(cli("export", "-f", "csv").stdout, newline="")))
    store = Store.open(home)
    days = {c.day for c in store.checkins()} | {s.day for s in store.sessions()}
    store.close()
    assert len(rows) == 1 + len(days) and facts["checkins"] <= len(days)
    data = cli.json("export", "-f", "fhir")
    pains = [e for e in data["entry"] if e["resource"]["code"]["coding"][0]["code"] == "72514-3"]
    assert len(pains) == facts["checkins"]
    if importlib.util.find_spec("fhir") is not None:
        from fhir.resources.R4B.bundle import Bundle

        Bundle.model_validate(data)
    path = tmp_path / "journey.json"
    assert cli("export", "-o", str(path)).exit_code == 0
    target = other(tmp_path)
    result = target("import", str(path))
    assert f"Imported {facts['checkins']} check-ins, {facts['sessions']} sessions" in result.stdout
    assert without_stamp(target.json("export")) == without_stamp(json.loads(path.read_text()))


# -- import: merging -----------------------------------------------------------------------------


def edited_copy(export_file: Path, tmp_path: Path) -> tuple[Path, dict, list[str], list[str]]:
    """The export with two days changed and three new days added."""
    doc = json.loads(export_file.read_text())
    changed = [doc["checkins"][3], doc["checkins"][20]]
    changed[0]["pain"] = (changed[0]["pain"] + 3) % 11
    changed[1]["note"] = "written on the other laptop"
    changed[1]["tags"] = ["walk"]
    new_days = [(END + timedelta(days=i)).isoformat() for i in (1, 2, 3)]
    for d in new_days:
        doc["checkins"].append(
            {
                "date": d,
                "pain": 2,
                "stiffness": 3,
                "sleep": None,
                "stress": None,
                "tags": [],
                "note": None,
                "settled": None,
                "recorded_at": "2026-11-21T08:00:00+00:00",
                "updated_at": "2026-11-21T08:00:00+00:00",
            }
        )
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    return path, doc, [c["date"] for c in changed], new_days


def test_import_merges_without_duplicating_and_keeps_existing_on_conflict(cli, filled, export_file, tmp_path):
    before = db_state(filled)
    path, _doc, changed, new_days = edited_copy(export_file, tmp_path)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Conflict: check-in {changed[0]} differs in pain (kept yours)." in out
    assert f"Conflict: check-in {changed[1]} differs in tags, note (kept yours)." in out
    assert "Imported 3 check-ins, 0 sessions; 2 conflicts kept (use --replace)" in out
    after = db_state(filled)
    assert after["counts"]["checkins"] == before["counts"]["checkins"] + 3
    old = {c.day: c for c in before["checkins"]}
    for c in after["checkins"]:
        if c.day in old:
            assert c == old[c.day]  # nothing overwritten
    assert {c.day.isoformat() for c in after["checkins"]} >= set(new_days)
    assert after["edits"] == before["edits"]
    assert after["counts"]["sessions"] == before["counts"]["sessions"]
    # importing the same file again adds nothing
    again = cli("import", str(path))
    assert "Imported 0 check-ins, 0 sessions; 2 conflicts kept" in again.stdout
    assert db_state(filled)["counts"] == after["counts"]


def test_replace_takes_the_file_version_and_keeps_history(cli, filled, export_file, tmp_path):
    before = db_state(filled)
    path, doc, changed, _new = edited_copy(export_file, tmp_path)
    result = cli("import", str(path), "--replace")
    assert result.exit_code == 0, result.output
    assert "2 conflicts replaced by the file's version" in result.stdout
    after = db_state(filled)
    by_day = {c.day.isoformat(): c for c in after["checkins"]}
    file_by_day = {c["date"]: c for c in doc["checkins"]}
    old = {c.day.isoformat(): c for c in before["checkins"]}
    for d in changed:
        assert by_day[d].as_dict() == {k: file_by_day[d][k] for k in by_day[d].as_dict()}
    new_edits = after["edits"][len(before["edits"]) :]
    assert [e.day.isoformat() for e in new_edits] == changed
    for e in new_edits:
        assert e.action == "update"
        assert e.before == old[e.day.isoformat()].as_dict()
        assert e.after == by_day[e.day.isoformat()].as_dict()
    assert after["edits"][: len(before["edits"])] == before["edits"]


def test_import_of_your_own_export_changes_nothing(cli, filled, export_file):
    before = db_state(filled)
    result = cli("import", str(export_file))
    assert result.exit_code == 0, result.output
    assert "Imported 0 check-ins, 0 sessions; no conflicts;" in result.stdout
    assert "already here" in result.stdout
    assert db_state(filled) == before


# -- import: refusing bad files ------------------------------------------------------------------


def _valid(export_file: Path) -> dict:
    return json.loads(export_file.read_text())


def _set(doc: dict, section: str, i: int, key: str, value) -> dict:
    doc[section][i][key] = value
    return doc


def _first_day(export_file: Path) -> str:
    return _valid(export_file)["checkins"][0]["date"]


HOSTILE = {
    "not-json": (lambda ef: b"this is not json {", "not valid JSON"),
    "empty": (lambda ef: b"", "not valid JSON"),
    "binary": (lambda ef: b"\xff\xfe\x00garbage\x00", "not UTF-8"),
    "wrong-format": (lambda ef: json.dumps({**_valid(ef), "format": "jrnl"}).encode(), "not a backcare export"),
    "a-list": (lambda ef: b"[1, 2, 3]", "not a backcare export"),
    "newer-version": (lambda ef: json.dumps({**_valid(ef), "version": 2}).encode(), "newer backcare"),
    "score-11": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 5, "pain", 11)).encode(), "not 11"),
    "score-text": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 5, "stiffness", "4")).encode(), "not text"),
    "score-float": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 5, "pain", 4.0)).encode(), "decimal point"),
    "score-bool": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 5, "pain", True)).encode(), "not true"),
    "bad-date": (
        lambda ef: json.dumps(_set(_valid(ef), "checkins", 0, "date", "2026-02-30")).encode(),
        "not a real calendar date",
    ),
    "duplicate-day": (
        lambda ef: json.dumps(_set(_valid(ef), "checkins", 1, "date", _first_day(ef))).encode(),
        "repeats date",
    ),
    "unknown-field": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 0, "mood", 3)).encode(), "does not know"),
    "bad-tag": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 0, "tags", ["=cmd()"])).encode(), "not allowed"),
    "bad-session": (lambda ef: json.dumps(_set(_valid(ef), "sessions", 0, "pain_during", -1)).encode(), "not -1"),
    "duplicate-key": (lambda ef: b'{"format": "backcare-export", "version": 1, "version": 1}', "appears twice"),
    "nan": (lambda ef: json.dumps(_set(_valid(ef), "checkins", 0, "pain", float("nan"))).encode(), "NaN"),
    "deep-nesting": (lambda ef: b"[" * 200_000 + b"]" * 200_000, "nested"),
    "long-number": (lambda ef: b'{"format": "backcare-export", "version": ' + b"9" * 5000 + b"}", "number too long"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_bad_import_file_exits_1_and_changes_nothing(cli, filled, export_file, tmp_path, case):
    make, fragment = HOSTILE[case]
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(make(export_file))
    db = filled / DB_NAME
    before = sha(db)
    result = cli("import", str(bad))
    assert result.exit_code == 1, result.output
    message = result.output.strip()
    assert message.startswith(f"Error: {bad} cannot be imported:") and message.endswith("Nothing was changed.")
    assert fragment in message
    assert len(message.splitlines()) == 1 and len(message) < 400
    assert "Traceback" not in result.output
    assert sha(db) == before
    assert not (filled / f"{DB_NAME}-journal").exists()


def test_a_huge_file_is_refused_before_reading(cli, filled, tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(200 * 1024 * 1024 + 1)  # sparse: costs no disk space
    before = sha(filled / DB_NAME)
    result = cli("import", str(huge))
    assert result.exit_code == 1
    assert "larger than the 200 MB" in result.output
    assert sha(filled / DB_NAME) == before


def test_a_missing_file_or_a_folder_is_refused(cli, home, tmp_path):
    for path, fragment in ((tmp_path / "nope.json", "no such file"), (tmp_path, "a folder")):
        result = cli("import", str(path))
        assert result.exit_code == 1 and fragment in result.output
    assert not (home / DB_NAME).exists()  # a refused file does not even create the database


def test_a_bad_file_into_an_empty_home_writes_nothing(cli, home, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "backcare-export", "version": 1, "checkins": [{"date": "2026-01-01", "pain": 11, "stiffness": 3}]}'
    )
    result = cli("import", str(bad))
    assert result.exit_code == 1
    assert "checkins[0] (2026-01-01): pain must be from 0 to 10, not 11" in result.output
    assert not (home / DB_NAME).exists()


def test_a_database_error_mid_import_rolls_everything_back(cli, filled, export_file, tmp_path, monkeypatch):
    path, *_ = edited_copy(export_file, tmp_path)
    before = sha(filled / DB_NAME)

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    from backcare.store.records import settings

    monkeypatch.setattr(settings, "merge_in", boom)  # the last step: everything else was written
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sha(filled / DB_NAME) == before


# -- import: killed half-way ---------------------------------------------------------------------


def big_export(path: Path, n: int) -> None:
    start = date(1900, 1, 1)
    stamp = "2026-01-01T00:00:00+00:00"
    checkins, edits, sessions = [], [], []
    for i in range(n):
        d = (start + timedelta(days=i)).isoformat()
        c = {
            "date": d,
            "pain": i % 11,
            "stiffness": (i * 7) % 11,
            "sleep": i % 10,
            "stress": None,
            "tags": ["walk"] if i % 3 else [],
            "note": f"day {i}",
            "settled": None,
            "recorded_at": stamp,
            "updated_at": stamp,
        }
        checkins.append(c)
        public = {k: v for k, v in c.items() if k not in ("recorded_at", "updated_at")}
        edits.append({"date": d, "action": "update", "before": {**public, "pain": 5}, "after": public, "at": stamp})
        sessions.append(
            {
                "date": d,
                "routine": "default",
                "stage": "gentle",
                "done": ["bridge"],
                "skipped": [],
                "pain_during": 2,
                "effort": 3,
                "at": stamp,
            }
        )
    doc = {
        "format": "backcare-export",
        "version": 1,
        "exported_at": stamp,
        "schema_version": 4,
        "checkins": checkins,
        "checkin_edits": edits,
        "sessions": sessions,
    }
    path.write_text(json.dumps(doc))


def _counts(db_path: Path) -> tuple[list, dict]:
    conn = sqlite3.connect(db_path)
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("checkins", "checkin_edits", "sessions")
        }
    finally:
        conn.close()
    return check, counts


@pytest.mark.slow  # another process on a large file; `.ci/run` runs it
def test_sigkill_during_a_large_import_leaves_all_or_nothing(home, tmp_path, bc):
    n = 40_000
    big = tmp_path / "big.json"
    big_export(big, n)
    store = Store.open(home)  # an existing home with a little data of its own
    store.update_checkin(date(2026, 11, 1), lambda _p: CheckIn(date(2026, 11, 1), 4, 5))
    store.close()
    _, pre = _counts(home / DB_NAME)
    journal = home / f"{DB_NAME}-journal"
    env = {**os.environ, "BACKCARE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", "import", str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.05)  # well inside the write transaction
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed: make the file bigger"
    check, counts = _counts(home / DB_NAME)  # opening rolls back the hot journal
    assert check == ["ok"]
    assert counts in (pre, {k: v + n for k, v in pre.items()}), counts
    # the home is still usable, and a second run imports everything
    result = bc("import", str(big))
    assert result.returncode == 0, result.stderr
    check, counts = _counts(home / DB_NAME)
    assert check == ["ok"] and counts == {k: v + n for k, v in pre.items()}


# -- backup --------------------------------------------------------------------------------------


def test_backup_writes_a_private_copy_named_by_time_in_the_current_folder(cli, filled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("backup")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.parent == tmp_path
    assert path.name.startswith("backcare-backup-") and path.suffix == ".db"
    stamp = path.stem.removeprefix("backcare-backup-")
    assert len(stamp) == 15 and stamp[8] == "-" and stamp.replace("-", "").isdigit()
    assert path.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == db_state(filled)["counts"]["checkins"]
    conn.close()
    # a second backup in the same second gets its own name; an explicit existing file is never overwritten
    second = cli("backup")
    assert second.exit_code == 0 and Path(second.stdout.strip()) != path
    before = sha(path)
    refused = cli("backup", "-o", str(path))
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert sha(path) == before


def test_a_backup_can_be_used_as_a_home(cli, filled, tmp_path):
    dest = tmp_path / "b.db"
    assert cli("backup", "-o", str(dest)).exit_code == 0
    home2 = tmp_path / "restored"
    home2.mkdir(mode=0o700)
    dest.rename(home2 / DB_NAME)
    restored = other(tmp_path, "restored")
    assert without_stamp(restored.json("export")) == without_stamp(cli.json("export"))


WRITER = """
import sys
from datetime import date, timedelta
from pathlib import Path
from backcare.domain.checkin import CheckIn
from backcare.store import Store

store = Store.open(Path(sys.argv[1]))
day = date(1800, 1, 1)
while True:
    store.update_checkin(day, lambda _p, d=day: CheckIn(d, 3, 4, note="x" * 500))
    day += timedelta(days=1)
"""


@pytest.mark.slow  # another process on a large file; `.ci/run` runs it
def test_a_backup_taken_while_another_process_writes_is_sound_and_complete(home, tmp_path, bc):
    fill(home, days=30)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(home)], stderr=subprocess.PIPE)
    dest = tmp_path / "during.db"
    try:
        conn = sqlite3.connect(home / DB_NAME, timeout=30)
        deadline = time.monotonic() + 30
        while conn.execute("SELECT count(*) FROM checkins WHERE date < '1900-01-01'").fetchone()[0] < 50:
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.02)
        committed = {d for (d,) in conn.execute("SELECT date FROM checkins")}
        conn.close()
        result = bc("backup", "-o", str(dest))
        assert result.returncode == 0, result.stderr
        assert writer.poll() is None, "the writer stopped before the backup finished"
    finally:
        writer.kill()
        writer.wait()
    assert result.stdout.strip() == str(dest)
    backup = sqlite3.connect(dest)
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_backup = {d for (d,) in backup.execute("SELECT date FROM checkins")}
    backup.close()
    assert committed <= in_backup
    assert dest.stat().st_mode & 0o777 == 0o600


# -- start-up cost -------------------------------------------------------------------------------


def test_the_commands_are_listed_and_import_nothing_heavy_for_help(tmp_path):
    code = (
        "import sys; sys.argv=['backcare','--help']\nfrom backcare.cli import main\ntry: main()\n"
        "except SystemExit: pass\nprint(sorted(m for m in sys.modules if m.startswith('backcare.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "BACKCARE_HOME": str(tmp_path)}
    )
    assert "export" in out.stdout and "import" in out.stdout and "backup" in out.stdout
    loaded = out.stdout.strip().splitlines()[-1]
    for module in ("backcare.exporters", "backcare.store.transfer", "backcare.services.transfer", "fhir"):
        assert module not in loaded
