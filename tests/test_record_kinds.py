"""One home per record kind: every stored table belongs to one module of store/records, the registry is what
export, import and the JSON checks iterate, and a new kind written to the documented contract registers with one
line and round-trips through `backcare export` and `backcare import` without touching any other file."""

from __future__ import annotations

import json
import sqlite3
import types
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain.checkin import CheckIn
from backcare.store import migrations, records
from backcare.store.records import checkins as checkin_kind
from backcare.store.records import kind as make_kind
from backcare.store.records import kinds

CONTRACT = ("SECTION", "TABLE", "LABELS", "MIGRATION", "to_record", "export_rows")


def test_every_kind_declares_the_contract_and_its_migration():
    names = {name for name, _ in migrations.MIGRATIONS}
    for k in kinds():
        for attr in CONTRACT:
            assert hasattr(k.module, attr), f"{k.module.__name__} has no {attr}"
        assert hasattr(k.module, "check") or hasattr(k.module, "check_in_file")
        assert hasattr(k.module, "merge") or hasattr(k.module, "merge_in")
        created = k.module.MIGRATION
        if isinstance(created, str):
            assert k.table in created
        else:
            assert set(created) <= names, f"{k.section}: {created} are not all migrations"


def test_every_stored_table_belongs_to_one_kind(open_store, home):
    store = open_store(home)
    tables = {
        row["name"] for row in records.base.query(store.conn, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    owned = [k.table for k in kinds()] + [t for k in kinds() for t in getattr(k.module, "ALSO_TABLES", ())]
    assert len(owned) == len(set(owned)), "a table has two homes"
    assert tables - {"sqlite_sequence"} == set(owned)


def test_the_export_sections_are_the_registry_in_order(cli):
    assert cli("checkin", "--pain", "3", "--stiffness", "2").exit_code == 0
    doc = cli.json("export")
    sections = [
        key for key in doc if key not in ("format", "version", "exported_at", "schema_version", "backcare_version")
    ]
    assert sections == [k.section for k in kinds()] == list(records.NAMES)


# -- the check-in codec: every column by name, both ways ---------------------------------------------------------
scores = st.one_of(st.none(), st.integers(0, 10))
checkin_values = st.builds(
    CheckIn,
    day=st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    pain=st.integers(0, 10),
    stiffness=st.integers(0, 10),
    sleep=scores,
    stress=scores,
    note=st.one_of(st.none(), st.text(max_size=40)),
    tags=st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), max_size=4, unique=True).map(tuple),
    settled=st.one_of(st.none(), st.booleans()),
)


@given(checkin_values)
def test_a_check_in_survives_the_row_codec_and_the_export_shape(c):
    db = sqlite3.connect(":memory:")
    migrations.apply(db)
    try:
        checkin_kind.insert(db, c, "2026-01-01T00:00:00+00:00")
        assert checkin_kind.get(db, c.day) == c
        (record,) = list(checkin_kind.export_rows(db))
        assert checkin_kind.public(record) == c.as_dict()
        assert list(record)[: len(c.as_dict())] == list(c.as_dict())  # date, then the fields in their order
    finally:
        db.close()


# -- a new kind, written to the contract other kinds use, registers with one line --------------------------------
def notes_module() -> types.ModuleType:
    """A record kind as common.md describes it: plain names, a codec by name, check and merge."""
    mod = types.ModuleType("backcare.store.records.test_notes")
    mod.SECTION, mod.TABLE, mod.LABELS = "test_notes", "test_notes", ("test note", "test notes")
    mod.MIGRATION = "CREATE TABLE test_notes (day TEXT PRIMARY KEY, text TEXT NOT NULL)"

    def to_record(row: sqlite3.Row) -> dict[str, Any]:
        return {"day": row["day"], "text": row["text"]}

    def export_rows(db):
        yield from (to_record(r) for r in records.base.query(db, "SELECT day, text FROM test_notes ORDER BY day"))

    def check(record: Any, today: date) -> None:
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError("text must be text")

    def merge(db, record: dict) -> str:
        row = records.base.one(db, "SELECT text FROM test_notes WHERE day = ?", (record["day"],))
        if row is None:
            db.execute("INSERT INTO test_notes (day, text) VALUES (?, ?)", (record["day"], record["text"]))
            return "added"
        return "same" if row["text"] == record["text"] else "conflict"

    mod.to_record, mod.export_rows, mod.check, mod.merge = to_record, export_rows, check, merge
    return mod


@pytest.fixture
def with_notes(monkeypatch):
    mod = notes_module()
    current = list(kinds())
    monkeypatch.setattr(records, "_KINDS", (*current[:-1], make_kind(mod), current[-1]))  # the one line
    return mod


def _make_table(open_store, home, mod) -> sqlite3.Connection:
    store = open_store(home)
    with store.write() as db:
        db.execute(mod.MIGRATION)
    return store


def test_a_new_kind_is_exported_checked_and_imported(cli, home, tmp_path, open_store, with_notes):
    assert cli("checkin", "--pain", "3", "--stiffness", "2").exit_code == 0
    store = _make_table(open_store, home, with_notes)
    with store.write() as db:
        db.execute("INSERT INTO test_notes (day, text) VALUES ('2026-01-02', 'walked')")
    exported = tmp_path / "out.json"
    assert cli("export", "-o", str(exported)).exit_code == 0
    doc = json.loads(exported.read_text())
    assert doc["test_notes"] == [{"day": "2026-01-02", "text": "walked"}]
    assert list(doc)[-2:] == ["test_notes", "settings"]

    other = tmp_path / "other"
    cli2 = type(cli)(other)
    assert cli2("where").exit_code == 0  # creates the home
    _make_table(open_store, other, with_notes)
    result = cli2("import", str(exported))
    assert result.exit_code == 0, result.output
    assert "1 test note" in result.stdout
    again = open_store(other)
    assert [dict(r) for r in records.base.query(again.conn, "SELECT day, text FROM test_notes")] == [
        {"day": "2026-01-02", "text": "walked"}
    ]

    doc["test_notes"] = [{"day": "2026-01-03", "text": 5}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = cli2("import", str(bad))
    assert result.exit_code == 1
    assert "test_notes[0]: text must be text. Nothing was changed." in result.output
