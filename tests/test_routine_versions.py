"""Re-importing a revised routine: every version is kept and the person keeps their stage (finding: a renamed
stage used to send the person back to stage 1 while saying their history was kept, and overwrote the old file)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.paths import DB_NAME
from backcare.services import routines
from backcare.store import Store, migrations

REPO = Path(__file__).resolve().parents[1]
DESK = REPO / "examples" / "routines" / "desk-worker.yaml"
NAME = "Desk worker, recurrent low back pain"


def routine_text(stage_ids: list[str], name: str = "Mine") -> str:
    """A small valid routine with these stages (each non-final one with an advance rule)."""
    lines = ["format: backcare-routine/1", f"name: {name}", "stages:"]
    for n, sid in enumerate(stage_ids):
        lines += [f"  - id: {sid}", f"    name: Stage {sid}", "    exercises:", "      - {id: cat-camel, reps: 5}"]
        if n < len(stage_ids) - 1:
            lines += ["    advance:", "      sessions: 3"]
    return "\n".join(lines) + "\n"


def renamed(path: Path, tmp: Path, old: str, new: str) -> Path:
    out = tmp / f"{path.stem}-{new}.yaml"
    out.write_text(path.read_text().replace(f"  - id: {old}\n", f"  - id: {new}\n"))
    return out


def test_renamed_stage_keeps_the_same_position_without_a_terminal(cli, tmp_path):
    cli("safety", "--none")
    assert cli("routine", "import", str(DESK)).exit_code == 0
    cli.json("routine", "show", "--json")  # starts the routine
    assert cli("routine", "stage", "control", "--reason", "physio review").exit_code == 0
    v2 = renamed(DESK, tmp_path, "control", "control-2")
    result = cli("routine", "import", str(v2))
    assert result.exit_code == 0, result.output
    assert "version 2" in result.stdout
    assert "'Move with control' (control) is not in version 2" in result.stdout
    assert "now at 'Move with control' (control-2), the stage in the same position (2 of 3)" in result.stdout
    assert "history kept" not in result.stdout
    why = cli.json("routine", "why", "--json")
    assert why["stage"]["id"] == "control-2"
    [move] = [e for e in why["history"] if e["stage"] == "control-2" and e["decision"] == "manual"]
    assert "Routine updated to version 2" in move["reasons"][0] and "(control)" in move["reasons"][0]


def test_renamed_stage_is_asked_on_a_terminal(cli, tmp_path, monkeypatch):
    monkeypatch.setattr("backcare.cli.state.interactive", lambda: True)
    cli("safety", "--none")
    cli("routine", "import", str(DESK))
    cli.json("routine", "show", "--json")
    cli("routine", "stage", "control", "--reason", "physio review")
    v2 = renamed(DESK, tmp_path, "control", "control-2")
    result = cli("routine", "import", str(v2), input="x\n3\n")
    assert result.exit_code == 0, result.output
    assert "1. Loosen up after sitting (unstiffen)" in result.stdout
    assert "2. Move with control (control-2)  <- same position" in result.stdout
    assert "Type a number from 1 to 3." in result.stdout  # 'x' is asked again
    assert "now at 'Build a resilient back' (resilience), chosen when importing" in result.stdout
    assert cli.json("routine", "show", "--json")["stage"]["id"] == "resilience"


def test_cancelling_the_stage_question_saves_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.setattr("backcare.cli.state.interactive", lambda: True)
    cli("routine", "import", str(DESK))
    cli.json("routine", "show", "--json")
    cli("routine", "stage", "control", "--reason", "physio review")
    v2 = renamed(DESK, tmp_path, "control", "control-2")
    result = cli("routine", "import", str(v2), input="")  # end of input: the prompt is abandoned
    assert result.exit_code != 0
    assert len(cli.json("routine", "versions", NAME, "--json")) == 1
    assert cli.json("routine", "show", "--json")["stage"]["id"] == "control"


def test_a_shorter_version_keeps_the_person_at_its_last_stage(cli, tmp_path):
    cli("safety", "--none")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(routine_text(["one", "two", "three"]))
    second.write_text(routine_text(["uno", "dos"]))
    cli("routine", "import", str(first))
    cli.json("routine", "show", "--json")
    cli("routine", "stage", "three", "--reason", "ready")
    result = cli("routine", "import", str(second))
    assert result.exit_code == 0, result.output
    assert "now at 'Stage dos' (dos), the last stage" in result.stdout
    assert cli.json("routine", "show", "--json")["stage"]["id"] == "dos"


def test_a_stage_that_still_exists_is_kept_by_id_even_when_it_moved(cli, tmp_path):
    cli("safety", "--none")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(routine_text(["one", "two", "three"]))
    second.write_text(routine_text(["zero", "one", "two", "three"]))
    cli("routine", "import", str(first))
    cli.json("routine", "show", "--json")
    cli("routine", "stage", "two", "--reason", "ready")
    history_before = cli.json("routine", "why", "--json")["history"]
    result = cli("routine", "import", str(second))
    assert result.exit_code == 0, result.output
    assert "You stay at stage 'Stage two' (two)" in result.stdout
    why = cli.json("routine", "why", "--json")
    assert why["stage"]["id"] == "two"
    assert why["history"][: len(history_before)] == history_before


def test_every_version_is_kept_listed_and_exported(cli, tmp_path):
    assert cli("routine", "import", str(DESK)).exit_code == 0
    v2 = renamed(DESK, tmp_path, "control", "control-2")
    v3 = renamed(v2, tmp_path, "resilience", "strong")
    cli("routine", "import", str(v2))
    cli("routine", "import", str(v3))
    again = cli("routine", "import", str(v3))
    assert "already this file (version 3)" in again.stdout
    rows = cli.json("routine", "versions", NAME, "--json")
    assert [r["version"] for r in rows] == [1, 2, 3]
    assert [r["current"] for r in rows] == [False, False, True]
    assert [s["id"] for s in rows[0]["stages"]] == ["unstiffen", "control", "resilience"]
    assert [s["id"] for s in rows[2]["stages"]] == ["unstiffen", "control-2", "strong"]
    assert rows[1]["origin"] == str(v2.resolve())
    # earlier versions come back byte for byte; the plain export is the current one
    assert cli("routine", "export", NAME, "--version", "1").stdout == DESK.read_text()
    out = tmp_path / "v2-copy.yaml"
    result = cli("routine", "export", NAME, "--version", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text() == v2.read_text()
    assert cli("routine", "export", NAME).stdout == v3.read_text()
    listing = cli("routine", "versions", NAME)
    assert listing.exit_code == 0 and "* 3" in listing.stdout and "control-2" in listing.stdout


def test_a_missing_version_is_one_sentence(cli):
    cli("routine", "import", str(DESK))
    result = cli("routine", "export", NAME, "--version", "7")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {NAME!r} has only version 1; there is no version 7. See 'backcare routine versions'."
    )
    assert "Traceback" not in result.output
    assert cli("routine", "export", NAME, "--version", "0").exit_code == 2
    assert cli("routine", "versions", "no-such-routine").exit_code == 2


def test_the_built_in_routine_has_one_version(cli):
    rows = cli.json("routine", "versions", "default", "--json")
    assert len(rows) == 1 and rows[0]["builtin"] and rows[0]["current"]
    assert cli("routine", "export", "default", "--version", "1").exit_code == 0
    assert cli("routine", "export", "default", "--version", "2").exit_code == 1


def test_the_migration_keeps_existing_routines_as_version_1(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    path = home / DB_NAME
    db = sqlite3.connect(path, isolation_level=None)
    names = [name for name, _ in migrations.MIGRATIONS]
    migrations.apply(db, upto=names.index("m006_routine_versions"))
    db.execute("INSERT INTO routines (name, source, origin, imported_at) VALUES ('r', 'text', '/x.yaml', 'then')")
    db.close()
    os.chmod(path, 0o600)
    store = Store.open(home)
    assert store.routine_versions("r") == [
        {"version": 1, "source": "text", "origin": "/x.yaml", "imported_at": "then", "current": True}
    ]
    store.save_routine("r", "new text", "/y.yaml")
    assert [(r["version"], r["source"], r["current"]) for r in store.routine_versions("r")] == [
        (1, "text", False),
        (2, "new text", True),
    ]


def test_a_copy_restored_without_a_version_is_kept_before_the_next_import(tmp_path):
    store = Store(sqlite3.connect(":memory:", isolation_level=None), tmp_path / "memory")
    migrations.apply(store.conn)
    store.save_routine("r", "one", None)
    with store.write() as db:  # as a data import replacing the stored copy does
        db.execute("UPDATE routines SET source = 'restored' WHERE name = 'r'")
    assert [(r["version"], r["source"]) for r in store.routine_versions("r")] == [(1, "one"), (2, "restored")]
    store.save_routine("r", "three", None)
    assert [(r["version"], r["source"]) for r in store.routine_versions("r")] == [
        (1, "one"),
        (2, "restored"),
        (3, "three"),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old_len=st.integers(1, 5),
    data=st.data(),
    new_len=st.integers(1, 5),
    keep=st.booleans(),
)
def test_reimport_never_silently_resets_the_stage(old_len, data, new_len, keep):
    """Whatever the old and new stages: a kept id is kept, a gone one maps to the same position (clamped), and
    the stage in force afterwards is the one the import reported."""
    at = data.draw(st.integers(0, old_len - 1))
    old_ids = [f"s{i}" for i in range(old_len)]
    new_ids = [f"n{i}" for i in range(new_len)]
    if keep:
        new_ids[min(at, new_len - 1)] = old_ids[at]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(sqlite3.connect(":memory:", isolation_level=None), Path(tmp) / "memory")
        migrations.apply(store.conn)
        first, second = Path(tmp) / "a.yaml", Path(tmp) / "b.yaml"
        first.write_text(routine_text(old_ids))
        second.write_text(routine_text(new_ids))
        day = date(2026, 3, 1)
        routines.import_routine(store, first, None, day)
        routines.progress(store, day)
        if at:
            routines.set_stage(store, old_ids[at], "physio", day)
        result = routines.import_routine(store, second, None, date(2026, 3, 2))
        expected = old_ids[at] if keep else new_ids[min(at, new_len - 1)]
        assert result.stage == expected
        assert (result.moved is None) == keep
        assert routines.progress(store, date(2026, 3, 2), record=False).decision.stage == expected
        same = old_ids == new_ids
        assert [r["version"] for r in store.routine_versions("Mine")] == ([1] if same else [1, 2])


def test_a_stored_copy_that_todays_checks_refuse_still_maps_the_stage(tmp_path):
    """A copy imported by an older backcare may fail today's stricter checks; its stage ids still count."""
    from backcare.domain.progress import StageEvent

    store = Store(sqlite3.connect(":memory:", isolation_level=None), tmp_path / "memory")
    migrations.apply(store.conn)
    old = routine_text(["a", "b", "c"]).replace("id: cat-camel", "id: an-exercise-no-longer-known")
    store.save_routine("Mine", old, None)
    store.add_stage_event(StageEvent("Mine", date(2026, 3, 1), "a", "start"))
    store.add_stage_event(StageEvent("Mine", date(2026, 3, 5), "b", "manual", ("physio",), manual=True))
    new = tmp_path / "new.yaml"
    new.write_text(routine_text(["x", "y", "z"]))
    result = routines.import_routine(store, new, None, date(2026, 3, 9))
    assert result.stage == "y"
    assert "'Stage b' (b) is not in version 2" in (result.moved or "")
    listed = routines.versions(store, "Mine")
    assert [[s.id for s in v.stages] for v in listed] == [["a", "b", "c"], ["x", "y", "z"]]
