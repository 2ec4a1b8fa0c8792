"""`backcare routine simulate`: the course file format, the replay in memory, and that it is the same engine."""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.domain.course import COLUMNS, CourseDay, parse_course
from backcare.domain.safety import BY_ID
from backcare.services.simulate import SAFETY_ANSWERS

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "examples" / "scenarios"
ROUTINE = SCENARIOS / "routine.yaml"
HEADER = ",".join(COLUMNS)
START = date(2026, 3, 2)


def course(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "course.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def simulate_json(cli, routine: Path, days: Path) -> list[dict]:
    result = cli("routine", "simulate", str(routine), str(days), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the course file ----------------------------------------------------------------------------------------
def test_a_course_parses_into_days():
    text = "# a comment\n" + HEADER + "\n2026-03-02,4,3,,all,3,clear,\n\n2026-03-04,5,4,yes,2,4,,Dr Who\n"
    days, problems = parse_course(text)
    assert problems == []
    assert days == [
        CourseDay(date(2026, 3, 2), 3, 4, 3, None, "all", 3, "clear", None),
        CourseDay(date(2026, 3, 4), 5, 5, 4, True, "2", 4, None, "Dr Who"),
    ]


def test_columns_may_be_left_out_or_reordered():
    days, problems = parse_course("pain,date,stiffness\n3,2026-03-02,2\n")
    assert problems == [] and (days[0].day, days[0].pain, days[0].stiffness) == (date(2026, 3, 2), 3, 2)


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("", 1, "the first line must be the header"),
        ("pain,stiffness\n3,4\n", 1, "the first line must be the header, starting with date"),
        ("date,pian\n2026-03-02,3\n", 1, "unknown column \"pian\" (did you mean 'pain'?)"),
        ("date,pain,pain\n", 1, 'column "pain" appears twice'),
        (HEADER + "\n", 1, "no days after the header"),
        (HEADER + "\n2026-3-2,3,3,,,,,\n", 2, 'date "2026-3-2" is not a date like 2026-03-02'),
        (HEADER + "\n2026-02-30,3,3,,,,,\n", 2, "is not a real calendar day"),
        (HEADER + "\n0001-01-01,3,3,,,,,\n", 2, "outside the years 1900-9998"),
        (HEADER + "\n2026-03-02,3,3,,,,,\n2026-03-01,3,3,,,,,\n", 3, "dates must go up: 2026-03-01 comes after"),
        (HEADER + "\n2026-03-02,3,3,,,,,\n2026-03-02,4,3,,,,,\n", 3, "2026-03-02 appears twice (also on line 2)"),
        (HEADER + "\n2026-03-02,11,3,,,,,\n", 2, 'pain must be a whole number from 0 to 10, not "11"'),
        (HEADER + "\n2026-03-02,3,-1,,,,,\n", 2, "stiffness must be a whole number from 0 to 10"),
        (HEADER + "\n2026-03-02,3,3,maybe,,,,\n", 2, "settled must be yes or no"),
        (HEADER + "\n2026-03-02,3,3,,some,3,,\n", 2, "done must be 'all' or the number of exercises done"),
        (HEADER + "\n2026-03-02,3,3,,0,,,\n", 2, "done must be 'all' or the number of exercises done (1 or more)"),
        (HEADER + "\n2026-03-02,3,3,,all,3,fine,\n", 2, "safety must be one of clear, current, emergency, history"),
        (HEADER + "\n2026-03-02,3,,,,,,\n", 2, "a check-in needs both pain and stiffness"),
        (HEADER + "\n2026-03-02,,,yes,,,,\n", 2, "settled is answered with a check-in"),
        (HEADER + "\n2026-03-02,3,3,,,4,,\n", 2, "pain_during belongs to a session"),
        (HEADER + "\n2026-03-02,3,3,,all,,,\n", 2, "a session with exercises done needs pain_during"),
        (HEADER + "\n2026-03-02,3,3,,,,,,,\n", 2, "10 cells, but the header has 8 columns"),
        (HEADER + "\n2026-03-02,3,3,,,,,\n2029-01-01,3,3,,,,,\n", 3, "the course spans 1037 days"),
    ],
)
def test_every_bad_file_gets_its_line(text, line, words):
    days, problems = parse_course(text)
    assert days == []
    assert problems and problems[0].line == line, problems
    assert words in problems[0].message, problems[0].message


def test_every_problem_is_reported_in_one_pass():
    text = HEADER + "\n2026-03-02,12,3,,,,,\n2026-03-03,3,3,,,,oops,\n2026-03-04,3,3,,,,,\n"
    _days, problems = parse_course(text)
    assert [p.line for p in problems] == [2, 3]


def test_control_characters_in_a_cell_are_shown_escaped():
    _days, problems = parse_course(HEADER + "\n2026-03-02,3,3,,,,\x1b[31mclear,\n")
    assert "\x1b" not in problems[0].message and "\\x1b" in problems[0].message


cells = st.fixed_dictionaries(
    {
        "checkin": st.one_of(
            st.none(), st.tuples(st.integers(0, 10), st.integers(0, 10), st.sampled_from(["", "yes", "no"]))
        ),
        "session": st.one_of(st.none(), st.tuples(st.sampled_from(["all", "1", "4"]), st.integers(0, 10))),
        "safety": st.sampled_from(["", "clear", "current", "emergency", "history"]),
        "clearance": st.sampled_from(["", "Dr A", "physio, after review"]),
        "gap": st.integers(1, 4),
    }
)


def render(rows: list[dict]) -> tuple[str, list[tuple]]:
    """CSV text for generated rows, and what each parsed day should be."""
    lines, expected, day = [HEADER], [], START
    for r in rows:
        day += timedelta(days=r["gap"])
        pain = stiff = settled = done = during = ""
        if r["checkin"]:
            pain, stiff, settled = str(r["checkin"][0]), str(r["checkin"][1]), r["checkin"][2]
        if r["session"]:
            done, during = r["session"][0], str(r["session"][1])
        clearance = f'"{r["clearance"]}"' if "," in r["clearance"] else r["clearance"]
        lines.append(",".join([day.isoformat(), pain, stiff, settled, done, during, r["safety"], clearance]))
        expected.append((day, pain or None, settled or None, done or None, during or None, r["safety"] or None))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=25))
def test_any_well_formed_course_reads_back(rows):
    text, expected = render(rows)
    days, problems = parse_course(text)
    assert problems == []
    got = [
        (
            d.day,
            str(d.pain) if d.pain is not None else None,
            None if d.settled is None else ("yes" if d.settled else "no"),
            d.done,
            str(d.pain_during) if d.pain_during is not None else None,
            d.safety,
        )
        for d in days
    ]
    assert got == expected
    assert [d.line for d in days] == list(range(2, len(rows) + 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=15), st.data())
def test_a_bad_cell_anywhere_is_reported_on_its_line(rows, data):
    text, _expected = render(rows)
    lines = text.splitlines()
    n = data.draw(st.integers(1, len(lines) - 1))
    cells_ = lines[n].split(",")
    column = data.draw(st.sampled_from([1, 2, 5]))  # pain, stiffness, pain_during
    cells_[column] = data.draw(st.sampled_from(["11", "x", "-3", "4.5"]))
    lines[n] = ",".join(cells_)
    _days, problems = parse_course("\n".join(lines) + "\n")
    assert problems and problems[0].line == n + 1


def test_the_safety_answers_are_questions_of_the_screen():
    for kind, ids in SAFETY_ANSWERS.items():
        assert all(q in BY_ID for q in ids), kind
    assert BY_ID[SAFETY_ANSWERS["emergency"][0]].emergency
    assert not BY_ID[SAFETY_ANSWERS["current"][0]].emergency


# -- the command -----------------------------------------------------------------------------------------------
def test_simulate_prints_one_decision_per_calendar_day(cli, tmp_path):
    days = course(
        tmp_path,
        "2026-03-02,4,3,,all,3,clear,",
        "2026-03-03,4,3,yes,all,3,,",
        "2026-03-06,4,3,,2,3,,",  # 4 and 5 March: nothing logged
    )
    rows = simulate_json(cli, ROUTINE, days)
    assert [r["date"] for r in rows] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    for r in rows:
        assert set(r) >= {"date", "decision", "stage", "reasons"}
        assert r["decision"] in ("advance", "hold", "step_back", "stop")
        assert r["stage"] == "mobility" and r["reasons"]
    assert rows[2]["notes"] == []
    assert any("2 of 6 exercises done" in n for n in rows[4]["notes"])


def test_simulate_never_touches_a_backcare_home(cli, bc, home, tmp_path):
    days = course(tmp_path, "2026-03-02,4,3,,all,3,clear,", "2026-03-09,4,3,,all,3,,")
    result = cli("routine", "simulate", str(ROUTINE), str(days), "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 8
    result = cli("routine", "simulate", str(ROUTINE), str(days))
    assert result.exit_code == 0 and "2026-03-09" in result.stdout
    assert not home.exists()
    # as a process without BACKCARE_HOME: the platform's data folder is not created either
    result = bc("routine", "simulate", str(ROUTINE), str(days), env={"BACKCARE_HOME": ""})
    assert result.returncode == 0, result.stderr
    assert not (Path(os.environ["XDG_DATA_HOME"]) / "backcare").exists()
    assert not list(Path(tmp_path).rglob("backcare.db"))


def test_the_readable_output_fits_a_narrow_terminal(cli, tmp_path):
    days = course(tmp_path, "2026-03-02,4,3,,all,9,clear,", "2026-03-03,4,3,no,,,,")
    result = cli("routine", "simulate", str(ROUTINE), str(days), env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 40 for line in result.stdout.splitlines())
    assert "2026-03-03 Tue" in result.stdout and "stage mobility" in result.stdout


def test_a_bad_course_file_gets_file_and_line_errors(cli, tmp_path):
    days = course(tmp_path, "2026-03-02,4,3,,all,3,clear,", "2026-03-01,4,3,,,,,", "2026-03-05,4,13,,,,,")
    result = cli("routine", "simulate", str(ROUTINE), str(days))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{days}:3: dates must go up: 2026-03-01 comes after 2026-03-02 (line 2)",
        f'{days}:4: stiffness must be a whole number from 0 to 10, not "13"',
    ]


def test_a_missing_or_unreadable_course_file_is_one_line(cli, tmp_path):
    result = cli("routine", "simulate", str(ROUTINE), str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "nope.csv:1: cannot be read" in result.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(HEADER.encode() + b"\n2026-03-02,\xff\xfe,3,,,,,\n")
    result = cli("routine", "simulate", str(ROUTINE), str(binary))
    assert result.exit_code == 1 and result.stderr.strip() == f"{binary}:2: the file is not UTF-8 text"
    assert "Traceback" not in result.output


def test_routine_file_errors_are_the_routine_check_errors(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: backcare-routine/1\nname: x\nstages:\n  - id: a\n    name: A\n    exercises:\n      - {id: nope}\n"
    )
    days = course(tmp_path, "2026-03-02,4,3,,all,3,clear,")
    result = cli("routine", "simulate", str(bad), str(days))
    assert result.exit_code == 1
    check = cli("routine", "check", str(bad))
    assert result.stderr == check.stdout


def test_done_more_than_the_stage_has_is_located(cli, tmp_path):
    days = course(tmp_path, "2026-03-02,4,3,,all,3,clear,", "2026-03-03,4,3,,7,3,,")
    result = cli("routine", "simulate", str(ROUTINE), str(days))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{days}:3: done is 7, but stage 'mobility' has 6 exercises on 2026-03-03"


def test_a_current_symptom_stops_and_a_later_clear_screen_resumes(cli, tmp_path):
    days = course(
        tmp_path,
        "2026-03-02,4,3,,all,3,clear,",
        "2026-03-03,4,3,,all,3,current,",
        "2026-03-05,4,3,,all,3,clear,",
    )
    rows = simulate_json(cli, ROUTINE, days)
    assert [r["decision"] for r in rows] == ["hold", "stop", "stop", "hold"]
    assert rows[1]["notes"][-1] == "No session: exercises are not offered today, so none was logged."


def test_the_built_in_routine_file_can_be_simulated(cli, tmp_path):
    days = course(tmp_path, "2026-03-02,4,3,,all,3,clear,")
    rows = simulate_json(cli, REPO / "data" / "routines" / "default.yaml", days)
    assert rows[0]["stage"] == "mobility"


# -- the same engine as the daily commands ---------------------------------------------------------------------
def replay_through_the_cli(cli, routine: Path, days: Path) -> list[dict]:
    """What a person would type each day (BACKCARE_TODAY set day by day), and what `today --json` says."""
    parsed, problems = parse_course(days.read_text())
    assert problems == []
    by_day = {d.day: d for d in parsed}
    first, last = parsed[0].day, parsed[-1].day
    assert cli("routine", "import", str(routine), env={"BACKCARE_TODAY": first.isoformat()}).exit_code == 0
    out = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        env = {"BACKCARE_TODAY": day.isoformat()}
        row = by_day.get(day)
        if row and row.safety:
            answers = SAFETY_ANSWERS[row.safety]
            args = ["--none"] if not answers else [a for q in answers for a in ("--yes-to", q)]
            result = cli("safety", *args, env=env)
            if result.exit_code == 2 and "--seen-doctor" in result.stderr:  # after an emergency answer
                result = cli("safety", *args, "--seen-doctor", "yes", env=env)
            assert result.exit_code == 0, result.output
        if row and row.clearance:
            result = cli("safety", "clear", "--by", row.clearance, env=env)
            assert result.exit_code == 0, result.output
        if row and row.checked_in:
            args = ["checkin", "-p", str(row.pain), "-s", str(row.stiffness), "--note", ""]
            if row.settled is not None:
                args += ["--settled", "yes" if row.settled else "no"]
            assert cli(*args, env=env).exit_code == 0
        progression = cli.json("today", "--json", env=env)["progression"]
        out.append(
            {
                "date": day.isoformat(),
                "decision": progression["decision"],
                "stage": progression["stage"]["id"],
                "reasons": progression["reasons"],
            }
        )
        if row and row.done is not None:
            ids = [e["id"] for e in progression["exercises"]]
            done = "all" if row.done == "all" else ",".join(ids[: int(row.done)])
            args = ["session", "--done", done]
            if row.pain_during is not None:
                args += ["--pain-during", str(row.pain_during)]
            result = cli(*args, env=env)
            assert result.exit_code == (1 if progression["decision"] == "stop" else 0), result.output
    return out


QUICK = ("settling-flare.csv", "emergency-answer.csv")  # a flare and a safety stop; the rest are marked slow


def scenario_marks(name: str) -> tuple:
    return () if name in QUICK else (pytest.mark.slow,)


@pytest.mark.parametrize(
    "scenario", [pytest.param(p.name, marks=scenario_marks(p.name)) for p in sorted(SCENARIOS.glob("*.csv"))]
)
def test_simulate_makes_the_same_decisions_as_the_daily_commands(cli, scenario):
    days = SCENARIOS / scenario
    simulated = simulate_json(cli, ROUTINE, days)
    replayed = replay_through_the_cli(cli, ROUTINE, days)
    assert [{k: r[k] for k in ("date", "decision", "stage", "reasons")} for r in simulated] == replayed


@settings(max_examples=20, deadline=None)
@given(st.lists(cells, min_size=1, max_size=12))
def test_any_course_replays_one_decision_per_day_and_stops_on_a_current_symptom(rows):
    """Whatever the course: one entry per calendar day, stages of the routine, and `stop` on every day whose
    latest screen has a 'yes' to a current symptom (until a later all-'no' screen)."""
    import tempfile

    from backcare.services.simulate import simulate

    text, _expected = render(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "course.csv"
        path.write_text(text)
        result = simulate(ROUTINE, path)
    if result.problems:  # only a clearance with nothing to clear (where clearances are recorded)
        assert len(result.problems) == 1 and "the clearance cannot be recorded" in result.problems[0]
        return
    days, _problems = parse_course(text)
    assert len(result.days) == (days[-1].day - days[0].day).days + 1
    assert {r.stage for r in result.days} <= {"mobility", "control", "strength"}
    latest = None
    by_day = {d.day.isoformat(): d for d in days}
    for r in result.days:
        row = by_day.get(r.date)
        if row is not None and row.safety is not None:
            latest = row.safety
        if latest in ("current", "emergency"):
            assert r.decision == "stop", r


def test_routine_warnings_are_shown_and_the_course_still_replays(cli, tmp_path):
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text(ROUTINE.read_text().replace("per_week: 5\n", "per_week: 5\nprogression:\n  pain_limit: 7\n"))
    days = course(tmp_path, "2026-03-02,4,3,,all,6,clear,", "2026-03-03,4,3,yes,,,,")
    result = cli("routine", "simulate", str(lenient), str(days), "--json")
    assert result.exit_code == 0, result.output
    assert re.search(rf"^{re.escape(str(lenient))}:\d+:\d+: warning: ", result.stderr, re.M), result.stderr
    assert len(json.loads(result.stdout)) == 2


def test_the_replayed_days_are_typed_and_print_in_their_json_shape(cli, tmp_path):
    from backcare.domain.course import SimulatedDay
    from backcare.services.simulate import simulate

    days = course(tmp_path, "2026-03-02,4,3,,all,6,clear,", "2026-03-04,3,3,yes,,,,")
    result = simulate(ROUTINE, days)
    assert len(result.days) == 3 and all(isinstance(d, SimulatedDay) for d in result.days)
    assert [d.date for d in result.days] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    shown = simulate_json(cli, ROUTINE, days)
    assert shown == [d.as_dict() for d in result.days]
    assert list(shown[0]) == ["date", "decision", "stage", "reasons", "notes"]
