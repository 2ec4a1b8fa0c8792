"""`backcare export --format fhir --bundle transaction`: one patient's data as a FHIR server stores it."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backcare import clock
from backcare.exporters import fhir_transaction as ft
from backcare.store import Store

SYSTEM = "https://clinic.example/patient-ids"


def validate(data: dict):
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(data)


def fill(cli, *, days: int = 6, clinic_id: str = "P-17") -> None:
    """A few days of check-ins (one edited, one deleted, one losing its sleep score), two sessions (one deleted)."""
    today = clock.today()
    assert cli("profile", "--clinic-id", clinic_id).exit_code == 0
    for n in range(max(days, 4)):
        day = (today - timedelta(days=n)).isoformat()
        result = cli("checkin", "--date", day, "--pain", str(n % 10), "--stiffness", "3", "--sleep", "7", "--note", "x")
        assert result.exit_code == 0, result.output
    d1, d2, d3 = ((today - timedelta(days=n)).isoformat() for n in (1, 2, 3))
    assert cli("checkin", "--date", d1, "--pain", "8", "--stiffness", "3", "--sleep", "7").exit_code == 0
    assert cli("delete", d2, "--yes").exit_code == 0
    store = Store.open(cli.home)
    store.update_checkin(date.fromisoformat(d3), lambda c: c.__class__(c.day, c.pain, c.stiffness))  # sleep gone
    store.close()
    assert cli("safety", "--none").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "2", "--effort", "5").exit_code == 0
    assert cli("session", "--done", "all", "--pain-during", "4", "--effort", "6").exit_code == 0
    result = cli("sessions", "delete", "2", "--yes")
    assert result.exit_code == 0, result.output


def transaction(cli, *extra: str) -> dict:
    return cli.json("export", "--format", "fhir", "--bundle", "transaction", "--patient-system", SYSTEM, *extra)


def observations(data: dict) -> list[dict]:
    return [e for e in data["entry"] if e["resource"]["resourceType"] == "Observation"]


def key(entry: dict) -> str:
    return entry["resource"]["identifier"][0]["value"].split("/", 1)[1]


def test_a_transaction_bundle_names_the_patient_and_validates_against_r4b(cli, home):
    fill(cli)
    data = transaction(cli)
    bundle = validate(data)
    assert bundle.type == "transaction"
    patient = data["entry"][0]
    assert patient["resource"] == {"resourceType": "Patient", "identifier": [{"system": SYSTEM, "value": "P-17"}]}
    assert patient["request"] == {"method": "POST", "url": "Patient", "ifNoneExist": f"identifier={SYSTEM}|P-17"}
    assert patient["fullUrl"].startswith("urn:uuid:")
    urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)
    values = [e["resource"]["identifier"][0]["value"] for e in observations(data)]
    assert len(set(values)) == len(values)
    install = {v.split("/", 1)[0] for v in values}
    assert len(install) == 1  # one random id for this install, the same in every record
    for e in observations(data):
        obs = e["resource"]
        assert obs["subject"] == {"reference": patient["fullUrl"]}
        assert obs["performer"] == [{"reference": patient["fullUrl"]}]
        assert obs["identifier"][0]["system"] == ft.RECORD_SYSTEM
        token = f"identifier={ft.RECORD_SYSTEM}|{obs['identifier'][0]['value']}"
        if obs["status"] == "final":
            assert e["request"] == {"method": "POST", "url": "Observation", "ifNoneExist": token}
        else:
            assert e["request"] == {"method": "PUT", "url": f"Observation?{token}"}
    again = transaction(cli)
    assert [e["fullUrl"] for e in again["entry"]] == urls  # the same records, the same ids


def test_edited_days_are_amended_and_deleted_ones_entered_in_error(cli, home):
    fill(cli)
    today = clock.today()
    d0, d1, d2, d3 = ((today - timedelta(days=n)).isoformat() for n in range(4))
    status = {key(e): e["resource"]["status"] for e in observations(transaction(cli))}
    assert status[f"checkin/{d0}/pain"] == "final"
    assert status[f"checkin/{d1}/pain"] == "amended" and status[f"checkin/{d1}/stiffness"] == "amended"
    assert status[f"checkin/{d2}/pain"] == "entered-in-error"
    assert status[f"checkin/{d2}/sleep"] == "entered-in-error"
    assert status[f"checkin/{d3}/pain"] == "amended"
    assert status[f"checkin/{d3}/sleep"] == "entered-in-error"  # the score the edit removed
    sessions = sorted(status[k] for k in status if k.startswith("session/"))
    assert sessions == ["entered-in-error", "final"]  # the session kept, the one deleted


def test_scores_sessions_and_safety_are_the_resources_documented(cli, home):
    fill(cli)
    data = transaction(cli)
    obs = {key(e): e["resource"] for e in observations(data)}
    day = clock.today().isoformat()
    pain = obs[f"checkin/{day}/pain"]
    assert pain["code"]["coding"][0]["system"] == "http://loinc.org"
    assert pain["code"]["coding"][0]["code"] == "72514-3"
    assert pain["category"][0]["coding"][0]["code"] == "survey"
    assert pain["effectiveDateTime"] == day and pain["valueQuantity"]["value"] == 0
    sleep = obs[f"checkin/{day}/sleep"]
    assert sleep["code"]["text"] == "Sleep quality last night, 0-10 self-rated (0 = very poor, 10 = very good)"
    assert sleep["code"]["coding"][0]["system"] == ft.BACKCARE_SYSTEM
    (session,) = (o for k, o in obs.items() if k.startswith("session/") and o["status"] == "final")
    assert session["category"][0]["coding"][0]["code"] == "activity"
    parts = {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in session["component"]}
    assert parts["pain-during"] == 2 and parts["effort"] == 5 and parts["exercises-done"] > 0
    assert not any(k.startswith("safety-screen") for k in obs)  # only when asked
    with_safety = transaction(cli, "--include-safety")
    validate(with_safety)
    screens = [e["resource"] for e in observations(with_safety) if key(e).startswith("safety-screen/")]
    assert len(screens) == 1 and screens[0]["valueBoolean"] is False


def test_two_installs_never_share_a_record_identifier(cli, home, tmp_path):
    from tests.conftest import Cli

    other = Cli(tmp_path / "other")
    fill(cli)
    fill(other, clinic_id="P-18")
    mine = {e["resource"]["identifier"][0]["value"] for e in observations(transaction(cli))}
    theirs = {e["resource"]["identifier"][0]["value"] for e in observations(transaction(other))}
    assert mine and theirs and not mine & theirs


def test_a_transaction_without_the_patient_identity_is_a_usage_error(cli, home, tmp_path):
    cli("checkin", "--pain", "3", "--stiffness", "2")
    out = tmp_path / "t.json"
    result = cli("export", "-f", "fhir", "--bundle", "transaction", "-o", str(out))
    assert result.exit_code == 2 and "--patient-system" in result.output and not out.exists()
    result = cli("export", "-f", "fhir", "--bundle", "transaction", "--patient-system", SYSTEM, "-o", str(out))
    assert result.exit_code == 2 and "clinic id" in result.output and not out.exists()
    assert cli("profile", "--clinic-id", "P-1").exit_code == 0
    for bad in ("not a uri", "clinic", "https://x.example/a|b"):
        result = cli("export", "-f", "fhir", "--bundle", "transaction", "--patient-system", bad)
        assert result.exit_code == 2 and "absolute URI" in result.output
        assert "Traceback" not in result.output
    result = cli("export", "-f", "json", "--bundle", "transaction")
    assert result.exit_code == 2 and "--format fhir" in result.output
    # the system, once given, is remembered
    assert cli("export", "-f", "fhir", "--bundle", "transaction", "--patient-system", SYSTEM).exit_code == 0
    data = cli.json("export", "-f", "fhir", "--bundle", "transaction")
    assert data["entry"][0]["resource"]["identifier"] == [{"system": SYSTEM, "value": "P-1"}]
    assert json.loads(cli("export", "-f", "fhir").stdout)["type"] == "collection"  # files keep the default


def test_leg_pain_is_sent_when_a_check_in_has_it():
    target = ft.Target("i", SYSTEM, "P")
    entries = list(
        ft.checkin_entries(target, {"date": "2026-01-02", "pain": 3, "stiffness": 2, "leg_pain": 5}, "final")
    )
    leg = [e["resource"] for e in entries if key(e) == "checkin/2026-01-02/leg_pain"]
    assert leg and leg[0]["valueQuantity"]["value"] == 5 and "Leg pain" in leg[0]["code"]["text"]


def test_the_side_of_leg_pain_is_its_body_site():
    target = ft.Target("i", SYSTEM, "P")
    day = {"date": "2026-01-02", "pain": 3, "stiffness": 2, "leg_pain": 5, "leg_side": "left"}
    entries = list(ft.checkin_entries(target, day, "final"))
    [leg] = [e["resource"] for e in entries if key(e) == "checkin/2026-01-02/leg_pain"]
    assert leg["bodySite"] == {"text": "left leg"}
    assert all("bodySite" not in e["resource"] for e in entries if key(e) != "checkin/2026-01-02/leg_pain")
    validate(ft.bundle(target, entries, timestamp="2026-01-02T08:00:00+00:00"))


scores = st.integers(0, 10)
checkin = st.fixed_dictionaries(
    {"pain": scores, "stiffness": scores, "sleep": st.none() | scores, "stress": st.none() | scores}
)


@given(
    days=st.dictionaries(st.dates(date(2020, 1, 1), date(2020, 3, 1)).map(date.isoformat), checkin, max_size=8),
    edited=st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2020, 3, 1)).map(date.isoformat), checkin), max_size=6),
    system=st.sampled_from([SYSTEM, "urn:oid:1.2.3", "https://x.example/a,b$c"]),
    clinic_id=st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=12),
)
def test_every_record_has_one_entry_a_unique_identifier_and_a_valid_status(days, edited, system, clinic_id):
    target = ft.Target("install", system, clinic_id)
    current = [{"date": d, **c, "note": None} for d, c in sorted(days.items())]
    edits = [{"date": d, "before": {"date": d, **c}} for d, c in edited]
    entries = list(ft.record_entries(target, current, edits, [], []))
    keys = [key(e) for e in entries]
    assert len(keys) == len(set(keys))
    status = {key(e): e["resource"]["status"] for e in entries}
    edited_days = {d for d, _ in edited}
    for c in current:
        for metric in ("pain", "stiffness", "sleep", "stress"):
            k = f"checkin/{c['date']}/{metric}"
            if c[metric] is not None:
                assert status[k] == ("amended" if c["date"] in edited_days else "final")
    for d, c in edited:
        if d not in days:  # deleted: every score it ever had is entered-in-error
            assert all(status[f"checkin/{d}/{m}"] == "entered-in-error" for m in c if c[m] is not None)
    if entries:
        validate(ft.bundle(target, entries, timestamp="2020-03-02T00:00:00+00:00"))


def test_outcome_measures_are_questionnaire_responses_and_score_observations_of_the_patient(cli, home):
    fill(cli)
    assert cli("measure", "take", "confidence", "--answers", "6").exit_code == 0
    data = transaction(cli)
    validate(data)
    patient = data["entry"][0]["fullUrl"]
    [answers] = [e for e in data["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    qr = answers["resource"]
    assert qr["subject"] == {"reference": patient} and qr["author"] == {"reference": patient}
    assert qr["status"] == "completed" and qr["item"][0]["answer"] == [{"valueInteger": 6}]
    assert qr["identifier"]["value"].endswith(f"measure/confidence/{clock.today().isoformat()}/response")
    assert answers["request"]["method"] == "PUT" and answers["request"]["url"].startswith("QuestionnaireResponse?")
    [score] = [e for e in observations(data) if key(e).startswith("measure/")]
    assert score["resource"]["valueQuantity"]["value"] == 6 and score["resource"]["subject"] == {"reference": patient}
    assert score["resource"]["status"] == "final" and score["request"]["method"] == "PUT"
