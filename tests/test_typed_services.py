"""Services hand typed values (dataclasses) to the commands and the renderers, not untyped dicts; the JSON the
commands print is those values' `as_dict`, in the shape it always had."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from backcare.domain.dashboard import Dashboard, DayScores, Progression, SafetySummary
from backcare.services import dashboard, doctor


def test_the_dashboard_is_a_typed_value_and_today_json_prints_it(cli, home, open_store, today):
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    shown = cli.json("today", "--json")
    store = open_store(home)
    data = dashboard.build(store, today)
    assert isinstance(data, Dashboard) and dataclasses.is_dataclass(data)
    assert isinstance(data.safety, SafetySummary) and isinstance(data.progression, Progression)
    assert all(isinstance(d, DayScores) for d in data.last_7_days) and len(data.last_7_days) == 7
    assert (data.checked_in, data.pain, data.stiffness) == (True, 4, 3)
    assert data.as_dict() == shown
    assert set(shown) == {
        "date", "date_label", "checked_in", "pain", "stiffness", "last_7_days", "streak", "days_in_last_7",
        "backfill", "safety", "routine", "progression", "session_done", "topic", "routine_note", "today_more",
        "measures_due",
    }  # fmt: skip
    assert set(shown["progression"]) == {"decision", "stage", "reasons", "exercises", "easier", "flare"}
    assert shown["last_7_days"][-1] == {"date": today.isoformat(), "pain": 4, "stiffness": 3}


def test_where_reports_a_typed_inspection(cli, home):
    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    info = doctor.inspect(home)
    assert isinstance(info, doctor.Inspection) and info.ok and info.counts is not None
    assert info.counts["checkins"] == 1 and isinstance(info.safety, doctor.SafetyInfo)
    shown = cli.json("where", "--json")
    assert shown == info.as_dict()
    assert shown["counts"]["checkins"] == 1 and shown["integrity"] == "ok" and shown["safety"]["status"]
    text = cli("where").stdout
    assert "1 check-ins" in text and "Integrity check: passed" in text


# Public service functions that may return plain dicts, each with why: only JSON/wire shapers (a FHIR server's
# answers, the report's JSON pieces; `*_json` functions and `as_dict` methods are exempt by name). Anything else
# returns a typed value; do not grow this list.
UNTYPED_ALLOWED = {
    "fhir_http.Client.get": "a FHIR server's JSON answer",
    "fhir_http.Client.post": "a FHIR server's JSON answer",
    "report.screen_dict": "the report's JSON shape of a safety screen",
    "report.clearance_dict": "the report's JSON shape of a clearance",
    "transfer.measure_codes": "the FHIR exporters' code table: each measure's title and LOINC codes, by id",
}


def _untyped(annotation: object) -> bool:
    """A bare dict, a dict of Any/object/dicts, or a list of such dicts: a value whose fields nobody can check."""
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is dict or (origin is dict and (not args or args[1] in (Any, object) or _untyped(args[1]))):
        return True
    if origin in (list, tuple) or origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return any(_untyped(a) for a in args)
    return False


def _service_functions():
    import importlib
    import inspect
    import pkgutil
    import typing

    import backcare.services as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"backcare.services.{info.name}")
        found = []
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                found.append((name, obj))
            elif inspect.isclass(obj):
                found += [
                    (f"{name}.{m}", f)
                    for m, f in vars(obj).items()
                    if inspect.isfunction(f) and not m.startswith("_") and m != "as_dict"
                ]
        for name, fn in found:
            if name.endswith("_json"):
                continue  # a JSON shaper by name
            try:
                hints = typing.get_type_hints(fn)
            except NameError:  # an annotation only imported for type checking: read it as written
                raw = fn.__annotations__.get("return")
                yield f"{info.name}.{name}", raw, isinstance(raw, str) and raw.startswith(("dict", "list[dict"))
                continue
            if "return" in hints:
                yield f"{info.name}.{name}", hints["return"], _untyped(hints["return"])


def test_services_return_typed_values_not_plain_dicts():
    untyped = {name for name, _, bad in _service_functions() if bad}
    assert untyped - set(UNTYPED_ALLOWED) == set(), "return a dataclass (with as_dict for --json) instead"
    assert set(UNTYPED_ALLOWED) - untyped == set(), "converted: take it off UNTYPED_ALLOWED"


EXERCISE_KEYS = [
    "id", "name", "category", "sets", "reps", "hold_seconds", "side", "reps_max", "duration_seconds",
    "rest_seconds", "rpe", "tempo", "load", "notes", "dose", "summary", "steps", "cues", "mistakes", "cautions",
    "equipment", "position", "easier_version_of",
]  # fmt: skip


def test_todays_exercises_are_typed_and_print_in_their_json_shape(cli, home, open_store, today):
    from backcare.domain.exercise_entry import LibraryExercise, TodaysExercise
    from backcare.services import routines

    assert cli("safety", "--none").exit_code == 0
    assert cli("checkin", "--pain", "3", "--stiffness", "3").exit_code == 0
    shown = cli.json("routine", "show", "--json")
    progress = routines.progress(open_store(home), today)
    assert progress.exercises and all(isinstance(e, TodaysExercise) for e in progress.exercises)
    assert [list(e) for e in shown["exercises"]] == [[*EXERCISE_KEYS, "lighter"]] * len(progress.exercises)
    assert shown["exercises"] == [e.as_dict() for e in progress.exercises]
    board = cli.json("today", "--json")["progression"]["exercises"]
    assert board == shown["exercises"]
    text = cli("routine", "show").stdout
    assert all(e.name in text for e in progress.exercises)

    library = routines.exercise_rows()
    assert library and all(isinstance(e, LibraryExercise) for e in library)
    rows = cli.json("routine", "exercises", "--json")
    assert rows == [e.as_dict() for e in library]
    assert list(rows[0]) == [*EXERCISE_KEYS, "easier", "harder"]


def test_the_dashboards_topic_and_due_measures_are_typed(cli, home, open_store, today):
    from backcare.domain.dashboard import MeasureDue
    from backcare.domain.education import TopicSummary

    data = dashboard.build(open_store(home), today)
    assert isinstance(data.topic, TopicSummary) and not data.topic.read
    shown = cli.json("today", "--json")
    assert shown["topic"] == data.topic.as_dict() == data.as_dict()["topic"]
    assert list(shown["topic"]) == ["id", "title", "summary", "minutes", "read"]
    assert f"Topic of the day: {data.topic.title}." in cli("today").stdout

    assert cli("measure", "take", "confidence", "--answers", "5").exit_code == 0
    later = today + timedelta(days=30)
    due = dashboard.build(open_store(home), later).measures_due
    assert due and all(isinstance(d, MeasureDue) for d in due)
    assert MeasureDue("confidence", "Confidence despite the pain", today.isoformat()) in due
    shown = cli.json("today", "--json", env={"BACKCARE_TODAY": later.isoformat()})["measures_due"]
    assert shown == [dataclasses.asdict(d) for d in due]


def test_the_sessions_listing_is_typed_and_prints_in_its_json_shape(cli, home, open_store, today):
    from backcare.domain.session_row import SessionRow
    from backcare.services import sessions

    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "2", "--pain-during", "1").exit_code == 0
    [row] = sessions.listing(open_store(home), today)
    assert isinstance(row, SessionRow) and row.done == 2 and row.partly == 0
    shown = cli.json("sessions", "--json")
    assert shown == [row.as_dict()]
    assert list(shown[0]) == [
        "id", "date", "started", "routine", "stage", "done", "skipped", "exercises", "pain_during", "effort",
        "counts", "why",
    ]  # fmt: skip
    assert f"2/{len(row.session.records)}" in cli("sessions").stdout


def test_settings_are_typed_and_print_in_their_json_shape(cli, home, open_store):
    from backcare.domain.setting import Setting
    from backcare.services import config

    assert cli("config", "set", "day-starts", "5").stdout.strip() == "day-starts is now 05:00."
    entry = config.get(open_store(home), "day-starts")
    assert isinstance(entry, Setting) and entry.value == 5 and not entry.default
    assert cli.json("config", "get", "day-starts", "--json") == entry.as_dict()
    assert list(entry.as_dict()) == ["key", "value", "shown", "default", "not_valid", "kind", "help"]
    listed = config.listing(open_store(home))
    assert all(isinstance(e, Setting) for e in listed)
    assert cli.json("config", "list", "--json") == [e.as_dict() for e in listed]


def test_routine_list_and_versions_are_typed_and_print_in_their_json_shape(cli, home, open_store):
    from pathlib import Path

    from backcare.domain.routine_rows import RoutineRow, RoutineVersion
    from backcare.services import routines

    desk = Path(__file__).resolve().parents[1] / "examples" / "routines" / "desk-worker.yaml"
    assert cli("routine", "import", str(desk), "--name", "Mine").exit_code == 0
    rows = routines.list_routines(open_store(home))
    assert all(isinstance(r, RoutineRow) for r in rows) and [r.active for r in rows] == [False, True]
    shown = cli.json("routine", "list", "--json")
    assert shown == [r.as_dict() for r in rows]
    assert [list(r) for r in shown] == [
        ["name", "builtin", "origin", "imported_at", "active"],
        ["name", "origin", "imported_at", "builtin", "active"],
    ]
    assert "* Mine (imported " in cli("routine", "list").stdout

    [version] = routines.versions(open_store(home), "Mine")
    assert isinstance(version, RoutineVersion) and version.current and version.stages
    shown = cli.json("routine", "versions", "Mine", "--json")
    assert shown == [version.as_dict()]
    assert list(shown[0]) == ["version", "current", "imported_at", "origin", "builtin", "stages"]
    assert list(shown[0]["stages"][0]) == ["id", "name"]


def test_a_backup_reports_what_it_holds_as_a_typed_value(cli, home, open_store, tmp_path):
    from datetime import datetime

    from backcare.domain.backup import CheckedBackup
    from backcare.services import transfer

    assert cli("checkin", "--pain", "4", "--stiffness", "3").exit_code == 0
    path, info = transfer.backup(open_store(home), tmp_path, cwd=tmp_path, now=datetime(2026, 11, 27, 9, 0))
    assert path is not None and path.exists() and info == CheckedBackup(checkins=1, sessions=0)
    result = cli("backup", "-o", str(tmp_path / "second.db"))
    assert result.exit_code == 0 and "1 check-in, 0 sessions; integrity check passed" in result.stderr


def test_the_profile_is_a_typed_value_and_prints_every_field(cli, home, open_store):
    from backcare.domain.profile import Profile
    from backcare.services import profile

    assert profile.get(open_store(home)) == Profile()
    assert cli.json("profile", "--json") == {"name": None, "clinic_id": None, "clinician": None}
    assert "No profile set." in cli("profile").stdout
    assert cli("profile", "--name", "A. Person", "--clinician", "J. Physio").exit_code == 0
    current = profile.get(open_store(home))
    assert current == Profile(name="A. Person", clinician="J. Physio")
    assert cli.json("profile", "--json") == current.as_dict()
    assert cli("profile").stdout.splitlines() == ["Name:      A. Person", "Clinician: J. Physio"]


def test_routine_show_and_why_render_a_typed_view_and_print_the_same_json(cli, home, open_store, today):
    from backcare.domain.progress_view import ProgressView
    from backcare.services import routines

    assert cli("safety", "--none").exit_code == 0
    shown = cli.json("routine", "show", "--json")
    view = routines.progress(open_store(home), today).view()
    assert isinstance(view, ProgressView) and view.stage is not None
    assert {k: v for k, v in shown.items() if k not in ("name", "stages", "per_week")} == view.as_dict()
    assert list(shown) == [
        "routine", "decision", "stage", "from_stage", "easier", "flare", "reasons", "pain_limit", "exercises",
        "routine_note", "name", "stages", "per_week",
    ]  # fmt: skip
    why = cli.json("routine", "why", "--json")
    assert list(why) == [*list(view.as_dict()), "history"] and why["history"]
    text = cli("routine", "why").stdout
    assert f"stage: {view.stage.name}" in text and "Stage history" in text and "Today's exercises" not in text


def test_a_guided_exercise_card_names_its_related_topic(cli, home, open_store, today, monkeypatch):
    from backcare.domain.education import RelatedTopic
    from backcare.services import education, sessions

    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)  # the runner stands in for a terminal
    assert cli("safety", "--none").exit_code == 0
    first = sessions.plan(open_store(home), today).exercises[0]
    topic = education.related_topic(first.id)
    assert isinstance(topic, RelatedTopic)
    shown = cli("session", "--no-timer", input="q\n").stdout
    assert f"Read more: backcare learn {topic.id} ({topic.title})" in " ".join(shown.split())


def test_the_hand_out_is_a_typed_value_down_to_its_cards(cli, home, open_store, today, tmp_path):
    from backcare.domain.handout import Handout, HandoutCard, HandoutStage
    from backcare.services import handout

    assert cli("safety", "--none").exit_code == 0
    data = handout.build(open_store(home), today, all_stages=True)
    assert isinstance(data, Handout) and len(data.stages) == data.stage_count > 1
    assert all(isinstance(s, HandoutStage) for s in data.stages) and sum(s.current for s in data.stages) == 1
    cards = [c for s in data.stages for c in s.exercises]
    assert cards and all(isinstance(c, HandoutCard) and c.dose for c in cards)
    out = tmp_path / "handout.md"
    assert cli("routine", "print", "--all", "--format", "md", "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert all(f"{c.name}: {c.dose}" in text for c in cards[:3])


def test_the_dashboards_clearance_is_typed_and_prints_in_its_json_shape(cli, home, open_store, today):
    from backcare.domain.dashboard import ClearanceNote

    assert cli("safety", "--yes-to", "past-cancer").exit_code == 0
    assert cli("safety", "clear", "--by", "Dr A Khan (GP)", "--note", "in remission").exit_code == 0
    data = dashboard.build(open_store(home), today)
    assert data.safety.clearance == ClearanceNote(today.isoformat(), "Dr A Khan (GP)", "in remission")
    shown = cli.json("today", "--json")["safety"]["clearance"]
    assert shown == {"date": today.isoformat(), "by": "Dr A Khan (GP)", "note": "in remission"}


def test_learn_renders_typed_topics_and_prints_the_same_json(cli, home, open_store):
    from backcare.domain.education import Listing, SearchHit
    from backcare.services import education

    listing = education.listing(open_store(home))
    assert isinstance(listing, Listing) and listing.next == listing.topics[0].id
    assert cli.json("learn", "--json") == [t.as_dict() for t in listing.topics]
    assert f"0 of {len(listing.topics)} read" in cli("learn").stdout
    hits = education.search(open_store(home), "sleep")
    assert hits and all(isinstance(h, SearchHit) for h in hits)
    assert cli.json("learn", "--search", "sleep", "--json") == [h.as_dict() for h in hits]
    assert hits[0].topic.title in " ".join(cli("learn", "--search", "sleep").stdout.split())


def test_renderers_take_typed_values_not_plain_dicts():
    """render/ reads attributes of the typed values the services build; a dict parameter is a shape nobody
    checks. The one exception: reportlab's style sheet, a dict of styles by name."""
    import ast
    from pathlib import Path

    allowed = {("pdf.py", "alert_box", "st")}
    found = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "src" / "backcare" / "render").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                for arg in [*node.args.args, *node.args.kwonlyargs]:
                    text = ast.unparse(arg.annotation) if arg.annotation else ""
                    if text.startswith(("dict", "list[dict", "Sequence[dict")) or "| dict" in text:
                        found.add((path.name, node.name, arg.arg))
    assert found == allowed


def test_the_clinic_pages_read_a_typed_summary():
    from datetime import date

    from backcare.domain.clinic import Summary
    from backcare.render.clinic import panel_lines, patient_lines

    worse = Summary(
        "CL-WORSE", "p1", date(2026, 3, 9), 6.5, 3.0, 6.0, "worse by 3.0 (meaningful)", True, 2, False, True, False,
        ("pain worse",),
    )  # fmt: skip
    quiet = Summary(
        "CL-QUIET", "p2", None, None, None, None, "too few check-ins to tell", False, 0, False, False, False
    )
    lines = panel_lines([worse, quiet], "https://fhir.example")
    assert lines[2].split() == [
        "CL-WORSE",
        "2026-03-09",
        "6.5",
        "worse",
        "by",
        "3.0",
        "(meaningful)",
        "2",
        "pain",
        "worse",
    ]
    assert lines[3].split()[:3] == ["CL-QUIET", "-", "-"] and lines[3].endswith("  -")
    page = patient_lines(worse, [(date(2026, 3, 2), 6.0, 3)], [(date(2026, 3, 9), "sore")])
    assert page[:5] == [
        "Patient CL-WORSE (server id p1)",
        "Last check-in: 2026-03-09; pain over the last 7 days: 6.5",
        "Pain since the baseline: 3.0 -> 6.0, worse by 3.0 (meaningful)",
        "Sessions in the last 14 days: 2",
        "Needs attention: pain worse",
    ]
    assert patient_lines(quiet, [], [])[1] == "Last check-in: none; pain over the last 7 days: -"
