"""Recording, listing and deleting check-ins."""

from __future__ import annotations

from datetime import date, timedelta

from backcare.domain import checkin as ck
from backcare.store import Store


class Recorded:
    """A saved check-in and the one it replaced (a plain class: this is on every check-in's start-up path)."""

    __slots__ = ("checkin", "previous")

    def __init__(self, checkin: ck.CheckIn, previous: ck.CheckIn | None):
        self.checkin = checkin
        self.previous = previous

    @property
    def diff(self) -> list[tuple[str, object, object]]:
        return ck.changes(self.previous, self.checkin) if self.previous else []


class Offers:
    """What the interactive check-in offers: recent tags and medicines to pick by number, and whether to ask
    about leg pain straight away (the routine says leg symptoms matter, or the person reported some leg pain in
    the last two weeks)."""

    __slots__ = ("tags", "meds", "leg_first")

    def __init__(self, tags: list[str], meds: list[str], leg_first: bool):
        self.tags, self.meds, self.leg_first = tags, meds, leg_first


LEG_LOOKBACK_DAYS = 14


def offers(store: Store, day: date) -> Offers:
    recent = store.checkins(since=day - timedelta(days=LEG_LOOKBACK_DAYS), until=day)
    leg_first = any(c.leg_pain for c in recent) or _routine_asks_about_legs(store)
    return Offers(store.recent_checkin_words("tags"), store.recent_checkin_words("meds"), leg_first)


def _routine_asks_about_legs(store: Store) -> bool:
    from backcare.errors import ContentError
    from backcare.services.routines import active_routine

    try:
        return active_routine(store).routine.leg_symptoms
    except ContentError:
        return False


def record(store: Store, day: date, clear: tuple[str, ...] = (), **values: object) -> Recorded:
    """Create or update the day's check-in in one transaction; `clear` names fields to empty (`--clear`). A
    medicine recorded before keeps the spelling it had then ("Ibuprofen 400mg" for "ibuprofen 400MG"), so the
    list to reuse holds it once, unless the medicines are being replaced (`clear` names them)."""
    meds = values.get("meds")
    if meds and "meds" not in clear:  # `--clear meds --med ...` corrects the list: taken as typed
        values["meds"] = ck.same_spelling(meds, store.recent_checkin_words("meds", most=200))  # type: ignore[arg-type]
    previous, new = store.update_checkin(day, lambda prev: ck.build(day, previous=prev, clear=clear, **values))
    return Recorded(new, previous)


def history(store: Store, today: date, days: int | None, limit: int | None = None) -> list[ck.CheckIn]:
    """Newest first; `days` counts back from today (None: everything); at most `limit` rows are read."""
    return store.latest_checkins(since=_since(today, days), limit=-1 if limit is None else limit)


def history_count(store: Store, today: date, days: int | None) -> int:
    """How many check-ins `history` would list without a limit."""
    return store.count_checkins(since=_since(today, days))


def _since(today: date, days: int | None) -> date | None:
    return today - timedelta(days=days - 1) if days else None


def session_day_before(store: Store, day: date) -> bool:
    """Whether the day before had a completed session (then we ask if soreness settled overnight)."""
    before = day - timedelta(days=1)
    return any(s.day == before and s.completed for s in store.sessions(since=before))


def on(store: Store, day: date) -> ck.CheckIn | None:
    """The day's check-in, or None when there is none yet."""
    return store.get_checkin(day)


def existing(store: Store, day: date) -> ck.CheckIn:
    """The day's check-in; a one-sentence error when there is none."""
    found = store.get_checkin(day)
    if found is None:
        from backcare.domain.dates import human
        from backcare.errors import BackcareError

        raise BackcareError(f"There is no check-in for {human(day)}.")
    return found


def delete(store: Store, day: date) -> ck.CheckIn:
    """Delete the day's check-in in one transaction; a copy stays in the edit history. Returns what was deleted."""
    deleted = store.delete_checkin(day)
    if deleted is None:  # deleted by another backcare since it was shown
        from backcare.domain.dates import human
        from backcare.errors import BackcareError

        raise BackcareError(f"There is no check-in for {human(day)}.")
    return deleted


def unusually_high(store: Store, day: date) -> bool:
    """Whether the day's pain is a flare-up by the routine's rule (the one the engine, trend and the report use),
    or, before the person's usual level is known, at the rule's single-day level (8/10 unless the physio set
    another). For someone whose pain is usually 7-8, an 8 is not."""
    from backcare.domain import flares
    from backcare.services.routines import current_settings

    rule = flares.Rule.of(current_settings(store))
    rows = store.checkins(since=day - timedelta(days=3 * flares.USUAL_WINDOW_DAYS), until=day)
    if not rows or rows[-1].day != day:
        return False
    found = flares.levels(rows, rule)
    return day in found.flare_days or (found.usual.get(day) is None and rows[-1].pain >= rule.pain)
