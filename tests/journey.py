"""A realistic person's history, written straight through the Store API, for tests and demos.

    from tests.journey import fill            # or: from journey import fill (tests/ is on sys.path)
    counts = fill(home, days=90, end=date(2026, 11, 26), seed=1)

What it writes over `days` days ending on `end` (default: backcare's today, so BACKCARE_TODAY is honoured):
- check-ins on most days: pain drifting down from about 6 to about 2.5 with noise, stiffness close to it, a
  flare-up of two days (pain 8) a little before the middle, about 10 % of days missed plus one 4-day gap;
- tags: long-drive (pain a bit higher), gardening, walk (a bit lower), poor-sleep; notes on some days, one of
  them with characters that need escaping in HTML (<, >, &, quotes);
- a red-flag safety screen on day 1 (night pain) and an all-clear on day 2;
- the built-in routine "Back on track (built-in)" started on day 3 (stage event "start"), advanced to control
  and to strength, with a step back around the flare-up; 4 or 5 completed sessions a week from the start
  (plus an occasional skipped one, which does not count as done).

Returns counts and the key dates (see the end of `fill`). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from backcare.domain.checkin import CheckIn
from backcare.domain.progress import Session, StageEvent
from backcare.domain.safety import QUESTIONS, Screen
from backcare.store import Store

ROUTINE = "Back on track (built-in)"
TAG_EFFECT = {"long-drive": 1.5, "gardening": 1.0, "walk": -0.5, "poor-sleep": 0.7}
TAG_RATE = {"long-drive": 0.14, "gardening": 0.12, "walk": 0.25, "poor-sleep": 0.10}
NOTES = (
    "Stiff getting out of bed, eased after a walk.",
    "Long meeting, sat too much.",
    "Felt good after the session.",
    "Slept badly, back ached in the morning.",
    "Carried shopping, fine the next day.",
)
ESCAPE_NOTE = 'Tried the <b>bridge</b> & "dead bug" <script>alert(1)</script> — OK'
EXERCISES = {
    "mobility": ("cat-camel", "pelvic-tilt", "knee-to-chest", "lower-trunk-rotation"),
    "control": ("cat-camel", "abdominal-bracing", "dead-bug-heel-slide", "bird-dog-arm-reach", "glute-bridge"),
    "strength": ("cat-camel", "bird-dog", "side-plank-knees", "mcgill-curl-up", "sit-to-stand"),
}


def filled_copy(home: Path, home_template, days: int = 90, *, end: date, seed: int = 1) -> dict:
    """`fill(home, days, end=end, seed=seed)` for a test: the history is written once per run into a template
    (the `home_template` fixture) and the test gets a private copy of it. Returns what `fill` returned."""
    import shutil

    name = f"journey-{days}-{end}-{seed}"
    template = home_template(name, lambda folder: fill(folder, days, end=end, seed=seed))
    shutil.copytree(template, home, dirs_exist_ok=True)
    return dict(home_template.result(name))


def fill(home: Path, days: int = 90, *, end: date | None = None, seed: int = 1) -> dict:
    if end is None:
        from backcare.clock import today

        end = today()
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    store = Store.open(home)
    store.conn.execute("PRAGMA synchronous = OFF")  # test data: no need to wait for the disk
    try:
        return _fill(store, rng, start, end, days)
    finally:
        store.close()


def _fill(store: Store, rng: random.Random, start: date, end: date, days: int) -> dict:
    flare_at = int(days * 0.4)
    gap_at = int(days * 0.7)
    gap = set(range(gap_at, gap_at + 4)) if days >= 30 else set()
    checkins: list[CheckIn] = []
    notes = 0
    for i in range(days):
        day = start + timedelta(days=i)
        if i in gap or (i > 0 and rng.random() < 0.10):
            continue
        progress = i / max(days - 1, 1)
        tags = tuple(t for t, rate in TAG_RATE.items() if rng.random() < rate)
        level = 6.0 - 3.5 * progress + rng.gauss(0, 0.8) + sum(TAG_EFFECT[t] for t in tags)
        pain = _score(level)
        if i in (flare_at, flare_at + 1) and days >= 30:
            pain = 8
        stiffness = _score(level + rng.choice((-1, 0, 0, 1)))
        note = None
        if i == days // 2:
            note = ESCAPE_NOTE
        elif rng.random() < 0.08:
            note = rng.choice(NOTES)
        notes += note is not None
        sleep = max(0, min(10, 7 - (3 if "poor-sleep" in tags else 0) + rng.randint(-1, 1)))
        c = CheckIn(day, pain, stiffness, sleep, rng.randint(1, 6), note, tags, None)
        store.update_checkin(day, lambda _prev, c=c: c)
        checkins.append(c)

    screens = [
        Screen(start + timedelta(days=min(1, days - 1)), {q.id: q.id == "night-pain" for q in QUESTIONS}),
        Screen(start + timedelta(days=min(2, days - 1)), {q.id: False for q in QUESTIONS}),
    ]
    for s in screens:
        store.record_screen(s)

    started = start + timedelta(days=min(3, days - 1))
    plan = [
        (0, "mobility", "start", ("Started the routine.",)),
        (
            max(int(days * 0.25), 1),
            "control",
            "advance",
            ("6 sessions done over 10 days with pain during exercise at most 5/10.",),
        ),
        (
            flare_at + 1,
            "mobility",
            "step_back",
            ("Pain was 8/10 two days running: a flare-up.", "Back to the easier stage until it settles."),
        ),
        (flare_at + 8, "control", "advance", ("The flare-up settled: pain back near your usual level.",)),
        (
            max(int(days * 0.75), flare_at + 9),
            "strength",
            "advance",
            ("8 sessions over 14 days, pain during exercise at most 5/10, and pain not rising week to week.",),
        ),
    ]
    events = []
    for offset, stage, decision, reasons in plan:
        day = started + timedelta(days=offset)
        if day > end or (events and day <= events[-1].day):
            continue
        event = StageEvent(ROUTINE, day, stage, decision, reasons)
        store.add_stage_event(event)
        events.append(event)

    sessions: list[Session] = []
    stage = "mobility"
    stage_by_day = {e.day: e.stage for e in events}
    monday = started - timedelta(days=started.weekday())
    while monday <= end:
        per_week = rng.choice((4, 5))
        week_days = [monday + timedelta(days=k) for k in range(7)]
        chosen = sorted(rng.sample(range(7), per_week))
        for k, day in enumerate(week_days):
            stage = stage_by_day.get(day, stage)
            if day < started or day > end:
                continue
            if k in chosen:
                ex = EXERCISES[stage]
                s = Session(day, ROUTINE, stage, ex, (), rng.randint(1, 4), rng.randint(3, 7))
            elif rng.random() < 0.1:
                s = Session(day, ROUTINE, stage, (), EXERCISES[stage], None, None)  # opened, nothing done
            else:
                continue
            store.save_session(s)
            sessions.append(s)
        monday += timedelta(days=7)

    tags: dict[str, int] = {}
    for c in checkins:
        for t in c.tags:
            tags[t] = tags.get(t, 0) + 1
    return {
        "start": start,
        "end": end,
        "days": days,
        "checkins": len(checkins),
        "notes": notes,
        "tags": tags,
        "sessions": len(sessions),
        "sessions_completed": sum(s.completed for s in sessions),
        "screens": len(screens),
        "stage_events": len(events),
        "routine": ROUTINE,
        "routine_started": events[0].day if events else None,
        "flare": start + timedelta(days=flare_at) if days >= 30 else None,
    }


def _score(x: float) -> int:
    return max(0, min(10, round(x)))
