"""Defects a reviewer found by trying to break backcare, each reproduced through the CLI and the logic under it."""

from __future__ import annotations

from datetime import date, timedelta

from backcare.domain import progression as pg
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.routine import Advance, Dose, Prescription, Routine, Settings, Stage
from backcare.domain.safety import all_clear

START = date(2026, 3, 1)

CLINIC = """\
format: backcare-routine/1
name: Clinic plan
progression: {{pain_limit: 4{extra}}}
stages:
  - id: s1
    name: Stage one
    exercises:
      - {{id: cat-camel, sets: 2, reps: 8-12}}
      - {{id: bird-dog, reps: 6}}
      - {{id: walk-easy, duration: 10 min}}
    advance: {{sessions: 3, days: 5}}
  - id: s2
    name: Stage two
    exercises:
      - {{id: dead-bug, reps: 8}}
    advance: manual
  - id: s3
    name: Stage three
    exercises:
      - {{id: glute-bridge, reps: 12}}
"""


def on(n: int) -> dict:
    return {"BACKCARE_TODAY": (START + timedelta(days=n)).isoformat()}


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def clinic(cli, tmp_path, extra=""):
    path = tmp_path / "clinic.yaml"
    path.write_text(CLINIC.format(extra=extra), encoding="utf-8")
    ok(cli("routine", "import", str(path)))
    ok(cli("safety", "--none", env=on(0)))


def day_of(cli, n, pain=3, done="all", during=2):
    ok(cli("checkin", "-p", str(pain), "-s", "3", env=on(n)))
    ok(cli("session", "--done", done, "--pain-during", str(during), env=on(n)))


def progression(cli, n) -> dict:
    return cli.json("today", "--json", env=on(n))["progression"]


# -- finding A: the flare-up reason states only the rule that fired, with true numbers -----------------
def sore_day(cli, tmp_path, extra=""):
    clinic(cli, tmp_path, extra)
    for n in range(6):
        day_of(cli, n)
    ok(cli("checkin", "-p", "3", "-s", "3", env=on(6)))
    for _ in range(2):
        ok(cli("session", "--done", "1", "--pain-during", "9", env=on(6)))
    return progression(cli, 6)


def test_a_flare_from_two_sore_sessions_on_one_day_does_not_blame_the_checkins(cli, tmp_path):
    prog = sore_day(cli, tmp_path)
    assert prog["decision"] == "step_back" and prog["flare"]
    text = " ".join(prog["reasons"])
    assert "usual level" not in text and "pain up to 3/10" not in text
    assert "Pain during exercise was above 4/10 in two sessions on 2026-03-07." in text
    assert "2026-03-07, 2026-03-07" not in text


def test_a_flare_reason_never_quotes_an_above_usual_of_10_that_did_not_fire(cli, tmp_path):
    prog = sore_day(cli, tmp_path, extra=", flare_above_usual: 10")
    text = " ".join(prog["reasons"])
    assert "10 or more points" not in text and "in two sessions on 2026-03-07" in text


def test_a_checkin_flare_still_states_its_peak_and_usual_level():
    routine = Routine(
        name="r",
        stages=(Stage("a", "A", (Prescription("cat-camel", Dose(2, 10)),), None),),
    )
    checkins = [CheckIn(START + timedelta(days=i), p, 3) for i, p in enumerate([3, 3, 3, 3, 6, 7])]
    d = pg.decide(
        routine, [StageEvent("r", START, "a", "start")], checkins, [], all_clear(START), START + timedelta(days=5)
    )
    text = " ".join(d.reasons)
    assert "pain up to 7/10 (2026-03-05 to 2026-03-06), 2 or more points above your usual level (about 3.0)" in text
    assert "sessions" not in text.split("Flare-up plan")[0]


def test_a_sore_sessions_on_different_days_say_running():
    s = [Session(START + timedelta(days=i), "r", "a", ("cat-camel",), (), 7, 5) for i in range(2)]
    _, reasons = pg.current_flare(Settings(), [], s, START + timedelta(days=1))
    assert reasons == ["Pain during exercise was above 5/10 in two sessions running (2026-03-01, 2026-03-02)."]


# -- finding B: re-entry and stage counts are session days, and say so --------------------------------
def test_b_two_sessions_on_the_return_day_are_one_session_day(cli, tmp_path):
    clinic(cli, tmp_path)
    for n in range(3):
        day_of(cli, n)
    day_of(cli, 24)  # back after 21 days without a session
    ok(cli("session", "--done", "all", "--pain-during", "2", env=on(24)))
    ok(cli("checkin", "-p", "3", "-s", "3", env=on(25)))
    text = " ".join(progression(cli, 25)["reasons"])
    assert "Back after a break of 21 days: 1 of 2 session days done before moving on" in text
    assert "sessions done" not in text


def test_b_more_session_days_than_needed_never_read_5_of_3():
    routine = Routine(
        name="r",
        stages=(
            Stage("a", "A", (Prescription("cat-camel", Dose(2, 10)),), Advance(sessions=3, days=10)),
            Stage("b", "B", (Prescription("cat-camel", Dose(2, 10)),), None),
        ),
    )
    s = [Session(START + timedelta(days=i), "r", "a", ("cat-camel",), (), 2, 5) for i in range(5)]
    c = [CheckIn(START + timedelta(days=i), 3, 3) for i in range(6)]
    d = pg.decide(routine, [StageEvent("r", START, "a", "start")], c, s, all_clear(START), START + timedelta(days=5))
    text = " ".join(d.reasons)
    assert "5 session days done in this stage (3 needed)." in text and "5 of 3" not in text


# -- finding C: pain limits in one routine must not contradict each other ------------------------------
CONTRADICTION = """\
format: backcare-routine/1
name: T2
progression: {pain_limit: 4}
stages:
  - id: a
    name: A
    progression: {pain_limit: 2}
    exercises:
      - {id: cat-camel}
    advance: {sessions: 2, max_pain_during: 7}
  - id: b
    name: B
    exercises:
      - {id: dead-bug}
"""


def test_c_an_advance_pain_above_the_stages_pain_limit_is_a_located_error(cli, tmp_path):
    path = tmp_path / "t2.yaml"
    path.write_text(CONTRADICTION, encoding="utf-8")
    result = cli("routine", "check", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:10:45: max_pain_during 7 is above this stage's pain limit of 2/10: every session above 2/10 is "
        "already too painful, so set max_pain_during to 2 or less" in result.output
    )
    assert "Traceback" not in result.output
    assert cli("routine", "import", str(path)).exit_code == 1
    fixed = CONTRADICTION.replace("max_pain_during: 7", "max_pain_during: 2")
    path.write_text(fixed, encoding="utf-8")
    assert cli("routine", "check", str(path)).exit_code == 0


def test_c_flare_settings_that_contradict_the_pain_limit_are_located_warnings(cli, tmp_path):
    path = tmp_path / "flare.yaml"
    text = CONTRADICTION.replace("{pain_limit: 4}", "{pain_limit: 5, flare_pain: 1, flare_above_usual: 10}")
    text = text.replace("{pain_limit: 2}", "{pain_limit: 2, flare_pain: 3}").replace("max_pain_during: 7", "days: 3")
    path.write_text(text, encoding="utf-8")
    result = cli("routine", "check", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:3:42: warning: flare_pain 1 is below the pain limit of 5/10")
    assert lines[1].startswith(f"{path}:3:64: warning: flare_above_usual 10 means pain must rise 10 points")
    assert not any(":7:" in line for line in lines)  # the stage's flare_pain 3 is above its own limit of 2


# -- finding D: a home whose active routine was lost still works -------------------------------------
LOST_NOTE = (
    "Your routine 'Clinic plan' could not be found; showing the built-in routine. "
    "Import it again with backcare routine import FILE."
)


def lose_the_routine(home):
    import sqlite3

    from backcare.paths import DB_NAME

    db = sqlite3.connect(home / DB_NAME)
    with db:
        db.execute("DELETE FROM routines")  # what a recovered copy looks like when the routines page was lost
    db.close()


def test_d_a_lost_routine_falls_back_to_the_built_in_one_with_a_note(cli, home, tmp_path):
    clinic(cli, tmp_path)
    day_of(cli, 0)
    lose_the_routine(home)
    dashboard = ok(cli("today", env=on(1))).stdout
    assert " ".join(dashboard.split()).count(LOST_NOTE) == 1 and "There is no routine" not in dashboard
    shown = ok(cli("routine", "show", env=on(1))).stdout
    assert LOST_NOTE in " ".join(shown.split())
    assert cli.json("routine", "show", "--json", env=on(1))["routine_note"] == LOST_NOTE
    assert cli.json("today", "--json", env=on(1))["routine_note"] == LOST_NOTE
    ok(cli("checkin", "-p", "3", "-s", "3", env=on(1)))
    ok(cli("session", "--done", "all", "--pain-during", "2", env=on(1)))
    assert len(cli.json("history", "--json", env=on(1))) == 2  # nothing stored was lost


def test_d_recover_leaves_out_the_lost_routine_setting_and_its_export_imports(cli, home, tmp_path):
    from backcare.paths import DB_NAME

    clinic(cli, tmp_path)
    day_of(cli, 0)
    lose_the_routine(home)
    copy = tmp_path / "copy.db"
    result = ok(cli("recover", "-o", str(copy)))
    assert "Your routine 'Clinic plan' was lost, so the copy uses the built-in routine" in result.stdout
    other = tmp_path / "other"
    other.mkdir()
    copy.rename(other / DB_NAME)
    recovered = type(cli)(other)
    shown = ok(recovered("routine", "show", env=on(1))).stdout
    assert "could not be found" not in shown
    exported = tmp_path / "e.json"
    ok(recovered("export", "--format", "json", "-o", str(exported)))
    fresh = type(cli)(tmp_path / "fresh")
    ok(fresh("import", str(exported)))
    assert len(fresh.json("history", "--json", env=on(1))) == 1


# -- finding E: guided sets are capped, and a session without a pain score does not count --------------
def stored_sessions(home):
    from backcare.store import Store

    store = Store.open(home)
    try:
        return store.sessions()
    finally:
        store.close()


def test_e_more_sets_than_prescribed_are_stored_as_the_prescription(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    ok(cli("safety", "--none", env=on(0)))
    shown = cli.json("routine", "show", "--json", env=on(0))["exercises"]
    sets = shown[1]["sets"]
    assert sets >= 2
    answers = "d\n7\n" + "d\n" * (len(shown) - 2) + "3\n\n"
    result = ok(cli("session", "--no-timer", input=answers, env=on(0)))
    assert f"{shown[1]['name']} has {sets} sets today: counted as done." in " ".join(result.stdout.split())
    [s] = stored_sessions(home)
    assert (s.exercises[1].status, s.exercises[1].sets_done) == ("done", sets)


def test_e_a_session_stopped_at_the_pain_question_does_not_count(cli, home, monkeypatch):
    monkeypatch.setattr("backcare.cli.session.interactive", lambda: True)
    ok(cli("safety", "--none", env=on(0)))
    n = len(cli.json("routine", "show", "--json", env=on(0))["exercises"])
    ok(cli("session", "--no-timer", input="d\n" * n, env=on(0)))  # the input ends (Ctrl-D) at the pain question
    [s] = stored_sessions(home)
    assert s.pain_during is None and len(s.done) == n
    [row] = cli.json("sessions", "--json", env=on(0))
    assert row["counts"] is False and row["why"].endswith("no pain score")
    assert "no pain score" in ok(cli("sessions", env=on(0))).stdout


def test_e_unscored_sessions_are_not_session_days_for_the_engine():
    routine = Routine(
        name="r",
        stages=(
            Stage("a", "A", (Prescription("cat-camel", Dose(2, 10)),), Advance(sessions=3, days=3)),
            Stage("b", "B", (Prescription("cat-camel", Dose(2, 10)),), None),
        ),
    )
    s = [Session(START + timedelta(days=i), "r", "a", ("cat-camel",), (), p, 5) for i, p in enumerate([2, None, 2])]
    c = [CheckIn(START + timedelta(days=i), 3, 3) for i in range(5)]
    d = pg.decide(routine, [StageEvent("r", START, "a", "start")], c, s, all_clear(START), START + timedelta(days=4))
    assert d.decision == pg.HOLD and "2 of 3 session days done in this stage." in d.reasons
    assert not pg.session_counts(routine, s[1]) and pg.session_counts(routine, s[0])


# -- finding F: `sessions` on a year of data reads only what the table shows -------------------------
def a_year_of_sessions(home, end: date) -> int:
    from backcare.store import Store, now_utc
    from backcare.store.records import sessions

    store = Store.open(home)
    try:
        with store.write() as db:  # one transaction: test data, written the way add_session writes each row
            for i in range(365):
                s = Session(end - timedelta(days=i), "Back to basics", "s1", ("cat-camel",), (), 2, 4)
                db.executemany(sessions.INSERT, [{**sessions.values(s), "at": now_utc()}] * 2)
    finally:
        store.close()
    return 730


def test_f_sessions_shows_the_last_30_days_and_reads_only_those_rows(cli, home, monkeypatch):
    import backcare.store.records.sessions as store_module

    end = START + timedelta(days=400)
    total = a_year_of_sessions(home, end)
    read = []
    real = store_module.from_row
    monkeypatch.setattr(store_module, "from_row", lambda row: read.append(1) or real(row))
    env = {"BACKCARE_TODAY": end.isoformat()}
    result = ok(cli("sessions", env=env))
    assert len(read) == 60  # two a day for the last 30 days
    assert f"{total - 60} more sessions older than 30 days: use --days N for more, or --json for all." in " ".join(
        result.stdout.split()
    )
    read.clear()
    ok(cli("sessions", "--days", "365", env=env))
    assert len(read) == 200  # the table never has more rows than that
    read.clear()
    assert len(cli.json("sessions", "--json", env=env)) == total  # JSON stays complete
    assert len(cli.json("sessions", "--json", "--days", "7", env=env)) == 14
