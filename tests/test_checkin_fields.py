"""A check-in field is declared once, in the domain (`CheckIn` and `KINDS`): the stored columns, their codec, the
import checks, the merge rule and the CSV columns follow from it. These tests hold for every field there is, so a
field added later is covered without touching them."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sqlite3
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from backcare.domain.checkin import FIELDS, KINDS, LEG_SIDES, CheckIn
from backcare.exporters import csv_export
from backcare.store import migrations
from backcare.store.records import checkins as checkin_kind

DECLARED = [f.name for f in dataclasses.fields(CheckIn) if f.name != "day"]


def test_every_field_has_a_kind_and_every_kind_a_field():
    assert sorted(KINDS) == sorted(DECLARED)
    assert set(KINDS.values()) <= {"score", "note", "tags", "flag", "side", "meds"}
    assert sorted(FIELDS) == sorted(DECLARED)


def test_the_migrated_table_has_exactly_a_column_per_field():
    db = sqlite3.connect(":memory:")
    try:
        migrations.apply(db)
        columns = [row[1] for row in db.execute("PRAGMA table_info(checkins)")]
    finally:
        db.close()
    assert sorted(columns) == sorted(["date", *DECLARED, "recorded_at", "updated_at"])


_words = st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), max_size=4, unique=True).map(tuple)
_meds = st.lists(st.sampled_from(["ibuprofen 400mg", "Paracetamol", "naproxen"]), max_size=3, unique=True)
BY_KIND = {
    "score": st.one_of(st.none(), st.integers(0, 10)),
    "note": st.one_of(st.none(), st.text(max_size=40)),
    "tags": _words,
    "flag": st.one_of(st.none(), st.booleans()),
    "side": st.one_of(st.none(), st.sampled_from(LEG_SIDES)),
    "meds": _meds.map(tuple),
}


@st.composite
def any_checkin(draw: st.DrawFn) -> CheckIn:
    values = {name: draw(BY_KIND[kind]) for name, kind in KINDS.items()}
    values["pain"] = draw(st.integers(0, 10))
    values["stiffness"] = draw(st.integers(0, 10))
    return CheckIn(draw(st.dates(date(1990, 1, 1), date(2030, 12, 31))), **values)


@given(any_checkin())
def test_every_field_survives_the_row_codec_and_the_export_shape(c):
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    try:
        migrations.apply(db)
        checkin_kind.insert(db, c, "2026-01-01T00:00:00+00:00")
        assert checkin_kind.get(db, c.day) == c
        (record,) = list(checkin_kind.export_rows(db))
        assert checkin_kind.public(record) == c.as_dict()
        assert set(record) == {"date", *DECLARED, "recorded_at", "updated_at"}
    finally:
        db.close()


@given(any_checkin())
def test_every_field_has_its_csv_column(c):
    header = list(csv_export.HEADER)
    assert set(DECLARED) <= set(header)
    record = json.loads(json.dumps(c.as_dict()))  # as the exporter receives it: lists, not tuples
    cells = csv_export.row(c.day.isoformat(), record, [])
    assert len(cells) == len(header)
    shown = dict(zip(header, cells, strict=True))
    for name, kind in KINDS.items():
        value = getattr(c, name)
        if kind == "score":
            assert shown[name] == ("" if value is None else str(value))
        elif kind == "flag":
            assert shown[name] == {None: "", True: "yes", False: "no"}[value]
        elif kind in ("tags", "meds"):
            assert shown[name].split(";") == (list(value) or [""])


def test_an_import_record_that_does_not_name_a_field_keeps_the_stored_value(cli, tmp_path):
    """An export made before a field existed says nothing of it: importing it changes nothing stored, for every
    optional field, not only those that were added so far."""
    assert cli("safety", "--none").exit_code == 0
    day = "2026-01-10"
    args = ["checkin", "-d", day, "--pain", "4", "--stiffness", "3", "--sleep", "6", "--stress", "2"]
    args += ["--leg-pain", "3", "--leg-side", "left", "--med", "ibuprofen 400mg", "-t", "desk", "--note", "walked"]
    assert cli(*args).exit_code == 0
    doc = cli.json("export")
    full = doc["checkins"][0]
    optional = [name for name in KINDS if name not in ("pain", "stiffness")]
    for name in optional:
        older = dict(doc)
        left_out = {name, "leg_side"} if name == "leg_pain" else {name}  # a side goes with leg pain
        older["checkins"] = [{key: value for key, value in full.items() if key not in left_out}]
        path = tmp_path / f"without-{name}.json"
        path.write_text(json.dumps(older), encoding="utf-8")
        result = cli("import", str(path))
        assert result.exit_code == 0, (name, result.output)
        assert cli.json("export")["checkins"] == [full], name


def test_csv_columns_of_a_day_without_a_check_in_are_empty(cli):
    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 0
    result = cli("export", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    shown = dict(zip(rows[0], rows[1], strict=True))
    assert all(shown[name] == "" for name in KINDS)


def test_the_history_legend_explains_every_score_column(monkeypatch):
    from backcare.domain.checkin import scale
    from backcare.render import history

    assert history.caption().startswith(f"Sleep {scale('sleep')}; stress {scale('stress')}")
    monkeypatch.setattr(history, "SCORES", (*history.SCORES, "leg_pain"))  # as a score added later would be
    assert f"leg pain {scale('leg_pain')}" in history.caption(legs=False)
