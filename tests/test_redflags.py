"""Red flags, done properly: current symptoms stop, history needs a clinician's clearance, one message
everywhere, the screen asked before the first check-in or session, re-checks, and pain-during advice."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import clock, messages
from backcare.cli.app import app
from backcare.domain import progression as pg
from backcare.domain import safety as sf
from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.safety import Clearance, Screen
from backcare.store import Store

START = date(2026, 3, 2)
ALL_NO = "n\n" * len(sf.QUESTIONS)


def on(n: int) -> dict:
    return {"BACKCARE_TODAY": (START + timedelta(days=n)).isoformat()}


def flat(text: str) -> str:
    """Text with its line wrapping and panel borders taken out, for comparing sentences."""
    for ch in "│╭╮╰╯─!":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def terminal(monkeypatch, *modules: str) -> None:
    for module in modules:
        monkeypatch.setattr(f"backcare.cli.{module}.interactive", lambda: True)


# -- finding 2: history items no longer lock exercises out for good ----------------------------------------------
def test_a_past_cancer_pauses_exercises_until_a_clinician_clears_it(cli, home):
    assert cli("safety", "--yes-to", "past-cancer").exit_code == 0
    blocked = cli("session", "--done", "all", "--pain-during", "2")
    assert blocked.exit_code == 1
    assert "make sure your GP or physiotherapist knows" in flat(blocked.stdout)
    assert "backcare safety clear" in flat(blocked.stdout)
    assert cli.json("routine", "show", "--json")["exercises"] == []

    cleared = cli("safety", "clear", "--by", "Dr A Khan (GP)", "--note", "in remission since 2019")
    assert cleared.exit_code == 0, cleared.output
    assert "Dr A Khan (GP)" in cleared.stdout
    [c] = Store.open(home).clearances()
    assert (c.day, c.by, c.note, c.covers) == (
        clock.today(),
        "Dr A Khan (GP)",
        "in remission since 2019",
        ("past-cancer",),
    )

    data = cli.json("routine", "show", "--json")
    assert data["decision"] != "stop" and data["exercises"]
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 0


def test_a_clearance_never_covers_a_current_symptom(cli):
    cli("safety", "--yes-to", "fever-unwell", "--yes-to", "trauma")
    result = cli("safety", "clear", "--by", "Physio J Ortiz")
    assert result.exit_code == 0
    assert "history answers only" in result.stdout and "SEEK URGENT CARE" in result.stdout
    assert cli.json("today", "--json")["progression"]["decision"] == "stop"
    only_current = cli("safety", "--yes-to", "night-pain")
    assert only_current.exit_code == 0
    refused = cli("safety", "clear", "--by", "Physio J Ortiz")
    assert refused.exit_code == 1 and "nothing to clear" in refused.stderr
    assert "all 'no'" in refused.stderr


def test_a_clearance_covers_only_the_answers_it_was_given_for(cli, home):
    cli("safety", "--none")
    assert cli("safety", "clear", "--by", "Dr Early").exit_code == 1  # nothing to clear: it cannot pre-clear
    cli("safety", "--yes-to", "past-cancer")
    cli("safety", "clear", "--by", "Dr A Khan")
    cli("safety", "--yes-to", "past-cancer")  # the same answer again: still covered
    assert cli.json("today", "--json")["safety"]["status"] == "clear"
    cli("safety", "--yes-to", "past-cancer", "--yes-to", "trauma")  # a new history answer after the clearance
    data = cli.json("today", "--json")
    assert data["safety"]["status"] == "needs-clearance" and data["safety"]["uncleared"] == ["trauma"]
    cli("safety", "clear", "--by", "Dr A Khan", "--note", "fall in March assessed")
    assert cli.json("today", "--json")["safety"]["status"] == "clear"
    assert [c.covers for c in Store.open(home).clearances()] == [("past-cancer",), ("past-cancer", "trauma")]


def test_clear_refuses_an_empty_or_control_character_name(cli, home):
    cli("safety", "--yes-to", "trauma")
    assert cli("safety", "clear", "--by", "  ").exit_code == 2
    bad = cli("safety", "clear", "--by", "Dr\x1b[31m X")
    assert bad.exit_code == 2 and "control characters" in bad.stderr
    assert cli("safety", "clear").exit_code == 2  # --by is required
    assert Store.open(home).clearances() == []


def test_routine_stage_during_a_safety_stop_says_exercises_stay_stopped(cli):
    cli("safety", "--yes-to", "trauma")
    result = cli("routine", "stage", "control", "--reason", "physio review")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "now at stage" not in text
    assert "exercises stay stopped" in text and "clearance" in text
    data = cli.json("routine", "why", "--json")
    assert data["stage"]["id"] == "control" and data["decision"] == "stop" and data["exercises"] == []
    cli("safety", "--yes-to", "bladder-bowel")
    urgent = flat(cli("routine", "stage", "mobility").stdout)
    assert "exercises stay stopped" in urgent and "emergency department" in urgent


def test_an_emergency_answer_is_not_cleared_alone_the_same_minute(cli, home):
    cli("safety", "--yes-to", "saddle-numbness")
    refused = cli("safety", "--none")
    assert refused.exit_code == 2 and "--seen-doctor" in refused.stderr
    not_seen = cli("safety", "--none", "--seen-doctor", "no")
    assert not_seen.exit_code == 0 and "emergency department" in flat(not_seen.stdout)
    assert cli.json("today", "--json")["progression"]["decision"] == "stop"
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 1
    assert cli("safety", "--none", "--seen-doctor", "yes").exit_code == 0
    assert cli.json("today", "--json")["progression"]["decision"] != "stop"
    assert [s.seen_doctor for s in Store.open(home).screens()] == [None, False, True]


def test_after_an_emergency_answer_the_screen_first_asks_about_a_doctor(cli, home, monkeypatch):
    terminal(monkeypatch, "safety")
    cli("safety", "--yes-to", "bladder-bowel")
    result = cli("safety", input="y\n" + ALL_NO)
    assert result.exit_code == 0, result.output
    asked = flat(result.stderr)
    assert asked.index("Has a doctor seen you") < asked.index("trouble passing urine")
    latest = Store.open(home).latest_screen()
    assert latest.seen_doctor is True and not latest.any_yes
    assert cli.json("today", "--json")["safety"]["status"] == "clear"


def test_old_screens_are_read_conservatively(cli, home):
    """Screens stored before the split: the combined weight-loss-or-cancer answer stops like a current symptom;
    'trauma' is a history answer."""
    cli("where")  # create the database
    with sqlite3.connect(home / "backcare.db") as db:
        db.execute(
            "INSERT INTO safety_screens (date, answers, any_yes, at) VALUES (?, ?, 1, 'x')",
            (clock.today().isoformat(), json.dumps({"cancer-weight": True, "trauma": False})),
        )
    data = cli.json("today", "--json")
    assert data["safety"]["status"] == "red-flag" and data["progression"]["decision"] == "stop"
    assert "Contact your doctor" in data["safety"]["message"]
    assert cli("safety", "clear", "--by", "Dr A").exit_code == 1  # not a history answer: no clearance covers it
    with sqlite3.connect(home / "backcare.db") as db:
        db.execute(
            "INSERT INTO safety_screens (date, answers, any_yes, at) VALUES (?, ?, 1, 'x')",
            (clock.today().isoformat(), json.dumps({"cancer-weight": False, "trauma": True})),
        )
    assert cli.json("today", "--json")["safety"]["status"] == "needs-clearance"


def test_clearances_show_in_where_report_and_json_export(cli, home, tmp_path):
    cli("safety", "--yes-to", "past-cancer")
    cli("safety", "clear", "--by", "Dr A Khan (GP)", "--note", "remission")
    where = cli("where")
    assert "1 clearances" in where.stdout and "Clearance:       by Dr A Khan (GP)" in where.stdout
    assert cli.json("where", "--json")["safety"]["last_clearance"]["by"] == "Dr A Khan (GP)"
    md = tmp_path / "r.md"
    assert cli("report", "--format", "md", "-o", str(md)).exit_code == 0
    text = md.read_text().replace("\\", "")
    assert "Clearance:" in text and "Dr A Khan (GP)" in text and "history" in text
    html = tmp_path / "r.html"
    assert cli("report", "-o", str(html)).exit_code == 0
    assert "Dr A Khan (GP)" in html.read_text()
    cli("safety", "--yes-to", "bladder-bowel", "--yes-to", "past-cancer")
    cli("safety", "--yes-to", "past-cancer", "--seen-doctor", "yes")
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out)).exit_code == 0
    doc = json.loads(out.read_text())
    [c] = doc["clearances"]
    assert (c["by"], c["note"], c["covers"]) == ("Dr A Khan (GP)", "remission", ["past-cancer"])
    other = tmp_path / "other"
    result = cli.runner.invoke(app, ["import", str(out)], env={"BACKCARE_HOME": str(other)})
    assert result.exit_code == 0, result.output
    assert Store.open(other).clearances() == Store.open(home).clearances()
    assert Store.open(other).screens() == Store.open(home).screens()
    assert Store.open(other).screens()[-1].seen_doctor is True
    restored = cli.runner.invoke(app, ["today", "--json"], env={"BACKCARE_HOME": str(other)})
    assert json.loads(restored.stdout)["safety"]["status"] == "clear"  # seen by a doctor; the history is cleared


# -- finding 3: the same urgent message everywhere ---------------------------------------------------------------
def test_the_cauda_equina_message_is_the_same_everywhere(cli, tmp_path):
    cli("safety", "--none")
    cli("session", "--done", "all", "--pain-during", "2")
    screen = cli("safety", "--yes-to", "bladder-bowel")
    outputs = {
        "safety": screen.stdout,
        "dashboard": cli("today").stdout,
        "session": cli("session", "--done", "all", "--pain-during", "2").stdout,
        "routine show": cli("routine", "show").stdout,
        "routine why": cli("routine", "why").stdout,
        "today --json": cli.json("today", "--json")["safety"]["message"],
    }
    report = tmp_path / "r.md"
    cli("report", "--format", "md", "-o", str(report))
    outputs["report"] = report.read_text().replace("\\", "")
    for where, text in outputs.items():
        assert flat(messages.URGENT_EMERGENCY) in flat(text), where
        assert flat(messages.URGENT_SOON) not in flat(text), where


def test_other_current_symptoms_get_the_doctor_today_message_everywhere(cli):
    cli("safety", "--yes-to", "weight-loss")
    for args in (("today",), ("session", "--done", "all", "--pain-during", "2"), ("routine", "show")):
        text = flat(cli(*args).stdout)
        assert flat(messages.URGENT_SOON) in text and flat(messages.URGENT_EMERGENCY) not in text, args


# -- finding 4: the screen comes first, whatever the first command -----------------------------------------------
def test_first_checkin_with_values_on_a_terminal_asks_the_screen_first(cli, home, monkeypatch):
    terminal(monkeypatch, "checkin")
    result = cli("checkin", "-p", "3", "-s", "4", input=ALL_NO + "\n")
    assert result.exit_code == 0, result.output
    store = Store.open(home)
    assert store.latest_screen() is not None and not store.latest_screen().any_yes
    assert store.get_checkin(clock.today()).pain == 3
    assert "Safety check" in result.stderr


def test_first_session_on_a_terminal_asks_the_screen_first(cli, home, monkeypatch):
    terminal(monkeypatch, "session")
    result = cli("session", "--done", "all", "--pain-during", "2", input=ALL_NO)
    assert result.exit_code == 0, result.output
    assert Store.open(home).latest_screen() is not None
    assert len(Store.open(home).sessions()) == 1


def test_a_yes_at_the_first_session_stops_it(cli, home, monkeypatch):
    terminal(monkeypatch, "session")
    result = cli("session", "--done", "all", "--pain-during", "2", input="n\n" * 4 + "y\n" + "n\n" * 4)
    assert result.exit_code == 1
    assert Store.open(home).sessions() == []


def test_without_a_terminal_nothing_is_offered_until_a_screen_is_recorded(cli, home):
    assert cli("checkin", "-p", "3", "-s", "4").exit_code == 0  # commands still work
    result = cli("session", "--done", "all", "--pain-during", "2")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {messages.NOT_SCREENED}"
    assert Store.open(home).sessions() == []
    data = cli.json("today", "--json")
    assert data["progression"]["exercises"] == [] and data["safety"]["status"] == "not-screened"
    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "2").exit_code == 0


# -- re-checks ---------------------------------------------------------------------------------------------------
def test_the_checkin_asks_the_current_questions_again_after_28_days(cli, home, monkeypatch):
    terminal(monkeypatch, "checkin")
    assert cli("safety", "--none", env=on(0)).exit_code == 0
    assert "Next safety re-check: 2026-03-30" in cli("today", env=on(1)).stdout
    quiet = cli("checkin", "-p", "3", "-s", "3", "--note", "", env=on(27))
    assert quiet.exit_code == 0 and "Safety" not in quiet.stderr
    due = cli("today", env=on(28)).stdout
    assert "Safety re-check due" in flat(due)
    current = "n\n" * len(sf.CURRENT_QUESTIONS)
    result = cli("checkin", "-p", "3", "-s", "3", "--note", "", input=current, env=on(28))
    assert result.exit_code == 0, result.output
    assert "Safety re-check" in result.stderr and "ever had cancer" not in result.stderr
    latest = Store.open(home).latest_screen()
    assert latest.day == START + timedelta(days=28)
    assert set(latest.answers) == {q.id for q in sf.CURRENT_QUESTIONS}
    assert "Safety re-check due" not in flat(cli("today", env=on(28)).stdout)


def test_the_checkin_asks_again_after_a_flare_step_back(cli, home, monkeypatch):
    cli("safety", "--none", env=on(0))
    for n in range(10):
        cli("checkin", "-p", "3", "-s", "3", env=on(n))
    cli("checkin", "-p", "8", "-s", "7", env=on(10))
    assert cli.json("today", "--json", env=on(11))["progression"]["decision"] == "step_back"
    assert cli.json("today", "--json", env=on(11))["safety"]["recheck_due"] is True
    terminal(monkeypatch, "checkin")
    current = "n\n" * len(sf.CURRENT_QUESTIONS)
    result = cli("checkin", "-p", "6", "-s", "5", "--note", "", input=current, env=on(12))
    assert result.exit_code == 0, result.output
    assert "flare-up" in result.stderr
    assert Store.open(home).latest_screen().day == START + timedelta(days=12)
    assert cli.json("today", "--json", env=on(13))["safety"]["recheck_due"] is False


# -- finding 11: very painful sessions: contact the physio -------------------------------------------------------
def test_pain_during_of_9_advises_contacting_the_physio(cli):
    cli("safety", "--none")
    result = cli("session", "--done", "all", "--pain-during", "9")
    assert result.exit_code == 0
    assert "Contact your physiotherapist" in flat(result.stdout) and "ease off" in result.stdout
    calm = cli("session", "--done", "all", "--pain-during", "7")
    assert "ease off" in calm.stdout and "Contact your physiotherapist" not in flat(calm.stdout)


@given(st.integers(0, 10), st.integers(0, 10))
def test_contact_physio_at_8_or_3_above_the_limit(pain, limit):
    assert sf.contact_physio(pain, limit) == (pain >= 8 or pain >= limit + 3)
    assert not sf.contact_physio(None, limit)


# -- the engine's safety gate: properties ------------------------------------------------------------------------
D0 = date(2026, 1, 1)
ROUTINE_NAME = "test"


def _routine():
    from backcare.domain.routine import Advance, Dose, Prescription, Routine, Stage

    def stage(sid, advance=None):
        return Stage(sid, sid.title(), (Prescription("cat-camel", Dose(2, 10)),), advance)

    return Routine(
        name=ROUTINE_NAME,
        stages=(stage("mobility", Advance(sessions=1, days=1, max_pain_during=5)), stage("control")),
    )


ROUTINE = _routine()
question_ids = st.sampled_from([q.id for q in sf.QUESTIONS] + ["cancer-weight"])


@st.composite
def screens(draw):
    n = draw(st.integers(1, 5))
    out = []
    for i in range(n):
        yes = draw(st.sets(question_ids, max_size=3))
        seen = draw(st.sampled_from([None, True, False]))
        out.append(
            Screen(D0 + timedelta(days=i), {q.id: q.id in yes for q in sf.QUESTIONS} | {y: True for y in yes}, seen)
        )
    return out


@st.composite
def clearances(draw, n_days=5):
    items = draw(
        st.lists(st.tuples(st.integers(0, n_days), st.sets(st.sampled_from(["past-cancer", "trauma"]))), max_size=3)
    )
    return [Clearance(D0 + timedelta(days=d), "Dr X", None, tuple(sorted(c))) for d, c in sorted(items)]


@settings(max_examples=300)
@given(screens(), clearances())
def test_gate_properties(screen_list, clearance_list):
    today = D0 + timedelta(days=10)
    state = sf.assess(screen_list, clearance_list, today)
    latest = screen_list[-1]
    if latest.current_flags:
        assert state.stop and state.blocked  # a current-symptom yes always stops
    if latest.emergency:
        assert state.emergency and sf.notice(state)[0] == messages.URGENT_EMERGENCY
    events = [StageEvent(ROUTINE_NAME, D0, "mobility", "start")]
    sessions = [Session(D0 + timedelta(days=d), ROUTINE_NAME, "mobility", ("cat-camel",), (), 2) for d in range(1, 9)]
    checkins = [CheckIn(D0 + timedelta(days=n), 2, 2) for n in range(11)]
    d = pg.decide(ROUTINE, events, checkins, sessions, state, today)
    if state.stop or state.needs_clearance:
        assert d.decision == pg.STOP
        assert d.reasons == state.reasons
    else:
        assert d.decision == pg.ADVANCE  # these logs advance whenever nothing stands in the way
    # a clearance never lifts a current symptom
    assert sf.assess(screen_list, [], today).stop == state.stop


@settings(max_examples=200)
@given(st.sets(st.sampled_from([q.id for q in sf.QUESTIONS])))
def test_a_single_screen_stops_exactly_when_a_current_symptom_is_yes(yes):
    screen = Screen(D0, {q.id: q.id in yes for q in sf.QUESTIONS})
    d = pg.decide(ROUTINE, [StageEvent(ROUTINE_NAME, D0, "mobility", "start")], [], [], screen, D0 + timedelta(days=3))
    current = any(sf.BY_ID[q].kind == sf.CURRENT for q in yes)
    if yes:
        assert d.decision == pg.STOP  # history answers stop too, until a clearance
    if current:
        assert flat(messages.NOT_FOR_PROGRESSION) in flat(" ".join(d.reasons)) or "emergency" in " ".join(d.reasons)
    if not yes:
        assert d.decision != pg.STOP


def _screen(n: int, *yes: str, seen: bool | None = None) -> Screen:
    return Screen(D0 + timedelta(days=n), {q.id: q.id in yes for q in sf.QUESTIONS}, seen)


def test_an_unseen_emergency_is_still_named_when_another_symptom_follows():
    state = sf.assess([_screen(0, "bladder-bowel"), _screen(1, "fever-unwell", seen=False)], [], D0)
    lines = sf.notice(state)
    assert lines[0] == messages.URGENT_EMERGENCY
    assert messages.EMERGENCY_NOT_SEEN.format(day=D0.isoformat()) in lines
    seen = sf.assess([_screen(0, "bladder-bowel"), _screen(1, seen=True)], [], D0)
    assert not seen.blocked and sf.notice(seen) == []


def test_a_clearance_does_not_cover_a_history_answer_that_went_to_no_and_back():
    cleared = Clearance(D0 + timedelta(days=1), "Dr X", None, ("trauma",))
    same = [_screen(0, "trauma"), _screen(2, "trauma")]
    assert not sf.assess(same, [cleared], D0).needs_clearance
    flipped = [_screen(0, "trauma"), _screen(2), _screen(3, "trauma")]
    assert sf.assess(flipped, [cleared], D0).uncleared == ("trauma",)
    before = [_screen(2, "trauma")]  # recorded before the answer it would cover
    assert sf.assess(before, [cleared], D0).needs_clearance


def test_pain_three_above_the_routines_limit_advises_contacting_the_physio(cli):
    routine = Path(__file__).resolve().parents[1] / "examples" / "routines" / "older-adult-gentle.yaml"
    assert cli("routine", "import", str(routine)).exit_code == 0
    cli("safety", "--none")
    limit = cli.json("routine", "show", "--json")["pain_limit"]
    assert limit == 3
    result = cli("session", "--done", "all", "--pain-during", str(limit + 3))
    assert result.exit_code == 0, result.output
    assert "Contact your physiotherapist" in flat(result.stdout)
    below = cli("session", "--done", "all", "--pain-during", str(limit + 2))
    assert "Contact your physiotherapist" not in flat(below.stdout)


def test_an_import_refuses_a_clearance_of_a_current_symptom(cli, home, tmp_path):
    cli("safety", "--yes-to", "trauma")
    cli("safety", "clear", "--by", "Dr A")
    out = tmp_path / "e.json"
    assert cli("export", "--format", "json", "-o", str(out)).exit_code == 0
    doc = json.loads(out.read_text())
    doc["clearances"][0]["covers"] = ["fever-unwell"]
    out.write_text(json.dumps(doc))
    result = cli.runner.invoke(app, ["import", str(out)], env={"BACKCARE_HOME": str(tmp_path / "other")})
    assert result.exit_code == 1
    assert "covers must list history questions" in result.stderr
