"""Outcome measures: the built-in and imported questionnaires, taking one, and what the scores say.

The scoring rules are in domain/measures.py; the files in content/measures.py; what is stored in
store/records/measures.py (imported files) and store/records/measure_responses.py (each take).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backcare.domain.measures import Change, Measure, Score, change, number, score
from backcare.errors import ContentError, InvalidInput
from backcare.store import Store, now_utc
from backcare.valueclass import frozen


@frozen
class Entry:
    measure: Measure
    origin: str  # "built in", or "imported" (with the file's name when known)


@frozen
class Take:
    measure: str
    day: date
    answers: tuple[dict[str, Any], ...]
    score: float
    subscales: dict[str, float]
    band: str | None


@frozen
class History:
    measure: Measure
    takes: tuple[Take, ...]
    change: Change | None


@frozen
class MeasureLine:
    """One measure's line in a report: plain typed values."""

    id: str
    title: str
    takes: int
    first_day: date
    first: float
    latest_day: date
    latest: float
    change: float
    important_change: float
    higher_is_better: bool
    verdict: str
    band: str | None


@frozen
class Due:
    id: str
    title: str
    last: date | None
    due: date  # the day it is (was) due


# ------------------------------------------------------------------ definitions


def available(store: Store) -> list[Entry]:
    """Every measure that can be taken: the built-in ones, then those imported (by id)."""
    from backcare.content.measures import bundled_measures, load_measure_text
    from backcare.store.records import measures as records

    out = [Entry(m, "built in") for m in bundled_measures()]
    builtin = {e.measure.id for e in out}
    for row in records.list_measures(store.conn):
        if row["id"] in builtin:
            continue
        measure = load_measure_text(row["source"], row["origin"] or row["id"])
        out.append(Entry(measure, f"imported from {row['origin']}" if row["origin"] else "imported"))
    return out


def find(store: Store, ident: str) -> Measure:
    """The measure with this id; an unknown id is a usage error (exit 2) naming the ones there are."""
    entries = {e.measure.id: e.measure for e in available(store)}
    if ident in entries:
        return entries[ident]
    from backcare.content.checks import did_you_mean
    from backcare.content.problems import show

    hint = did_you_mean(ident, entries) or f" (measures: {', '.join(entries)})"
    raise InvalidInput(f"There is no measure {show(ident)}{hint}.")


def import_file(store: Store, path: Path) -> tuple[Measure, bool, list[str]]:
    """Check and store a measure file. Returns (measure, new, problems); with problems nothing is stored."""
    from backcare.content.measures import bundled_measure_ids, read_measure_file
    from backcare.store.records import measures as records

    text, checked = read_measure_file(path)
    if checked.measure is None or text is None:
        return checked.measure, False, [str(p) for p in checked.problems]  # type: ignore[return-value]
    measure = checked.measure
    if measure.id in bundled_measure_ids():
        raise ContentError(
            f"{path}: the id {measure.id!r} is a built-in measure: give the imported one its own id. "
            "Nothing was imported."
        )
    with store.write() as db:
        new = records.save(db, measure.id, text, path.name, now_utc())
    return measure, new, []


# ------------------------------------------------------------------ taking one


def activities(store: Store, measure: Measure) -> tuple[str, ...]:
    """The activities the person named the last time they took a measure with named items."""
    if measure.named is None:
        return ()
    from backcare.store.records import measure_responses as records

    takes = records.list_responses(store.conn, measure.id)
    if not takes:
        return ()
    return tuple(answer["text"] for answer in takes[-1]["answers"])


def clean_activity(text: str, measure: Measure) -> str:
    """An activity as stored: trimmed, one line, printable, at most 80 characters. Raises InvalidInput."""
    import unicodedata

    from backcare.textsafe import first_unsafe

    value = unicodedata.normalize("NFC", text).strip()
    if not value:
        raise InvalidInput("An activity is empty: name it in a few words, e.g. 'Sitting for an hour'.")
    if len(value) > 80:
        raise InvalidInput(f"An activity is too long ({len(value)} characters; at most 80).")
    if first_unsafe(value) is not None or "\n" in value:
        raise InvalidInput("An activity contains a control character or a line break: type it on one line.")
    return value


def parse_answers(text: str, questions: tuple[Any, ...]) -> tuple[int, ...]:
    """Answers written as "1=7,2=5" (item numbers or ids) or "7,5" (in order). Every item needs one.
    Raises InvalidInput (exit 2) for a missing, repeated, unknown or out-of-range answer."""
    from backcare.domain.measures import problem

    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise InvalidInput('--answers is empty: give one answer per item, e.g. "1=7,2=5".')
    keyed = all("=" in p for p in parts)
    if not keyed and any("=" in p for p in parts):
        raise InvalidInput('--answers mixes "N=value" and plain values: use one way, e.g. "1=7,2=5".')
    by_number = {str(n): item for n, item in enumerate(questions, start=1)}
    by_id = {item.id: item for item in questions}
    values: dict[str, int] = {}
    for position, part in enumerate(parts, start=1):
        if keyed:
            name, _, raw = (s.strip() for s in part.partition("="))
        else:
            name, raw = str(position), part
        item = by_number.get(name) or by_id.get(name)
        if item is None:
            raise InvalidInput(
                f"--answers names item {name[:20]!r}, which this measure does not have "
                f"(it has {len(questions)} item{'s' if len(questions) != 1 else ''})."
            )
        if item.id in values:
            raise InvalidInput(f"--answers gives item {name[:20]!r} twice.")
        try:
            value = int(raw)
        except ValueError:
            raise InvalidInput(f"--answers: item {name[:20]} must be a whole number ({item.describe()}).") from None
        why = problem(item, value)
        if why is not None:
            raise InvalidInput(f"--answers: item {name[:20]} {why}.")
        values[item.id] = value
    missing = [str(n) for n, item in enumerate(questions, start=1) if item.id not in values]
    if missing:
        raise InvalidInput(f"--answers has no answer for item {', '.join(missing)}: every item needs one.")
    return tuple(values[item.id] for item in questions)


def record(
    store: Store, measure: Measure, answers: tuple[int, ...], day: date, named: tuple[str, ...] = ()
) -> tuple[Take, bool]:
    """Score and store one take (replacing that day's take of the same measure). Returns (take, replaced)."""
    from backcare.store.records import measure_responses as records

    try:
        result: Score = score(measure, answers, named)
    except ValueError as exc:
        raise InvalidInput(f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None
    questions = measure.questions(named)
    stored = {
        "measure": measure.id,
        "date": day.isoformat(),
        "answers": [{"item": q.id, "text": q.text, "value": a} for q, a in zip(questions, answers)],
        "score": result.total,
        "subscales": result.subscales,
        "band": result.band,
        "at": now_utc(),
    }
    with store.write() as db:
        new = records.add(db, stored)
    return _take(stored), not new


def _take(row: dict[str, Any]) -> Take:
    return Take(
        row["measure"],
        date.fromisoformat(row["date"]),
        tuple(row["answers"]),
        float(row["score"]),
        dict(row["subscales"]),
        row["band"],
    )


# ------------------------------------------------------------------ what the scores say


def takes(store: Store, ident: str | None = None, since: date | None = None, until: date | None = None) -> list[Take]:
    from backcare.store.records import measure_responses as records

    return [_take(row) for row in records.list_responses(store.conn, ident, since, until)]


def history(store: Store, ident: str | None = None) -> list[History]:
    """Each measure's takes (of one measure, or of every measure taken), with the change from the first."""
    entries = {e.measure.id: e.measure for e in available(store)}
    if ident is not None:
        find(store, ident)
    by_measure: dict[str, list[Take]] = {}
    for take in takes(store, ident):
        by_measure.setdefault(take.measure, []).append(take)
    out = []
    for mid in [ident] if ident is not None else sorted(by_measure):
        measure = entries.get(mid)
        if measure is None:  # responses of a measure no longer available: nothing to judge them by
            continue
        rows = by_measure.get(mid, [])
        judged = change(measure, rows[0].score, rows[-1].score, len(rows)) if rows else None
        out.append(History(measure, tuple(rows), judged))
    return out


def history_json(items: list[History]) -> list[dict[str, Any]]:
    return [
        {
            "id": h.measure.id,
            "title": h.measure.title,
            "important_change": h.measure.important_change,
            "better": "higher" if h.measure.higher_is_better else "lower",
            "takes": [
                {"date": t.day.isoformat(), "score": t.score, "subscales": t.subscales, "band": t.band} for t in h.takes
            ],
            "change": h.change.change if h.change else None,
            "verdict": h.change.verdict if h.change else None,
        }
        for h in items
    ]


def verdict_text(h: History) -> str:
    if h.change is None:
        return "not taken yet"
    if len(h.takes) < 2:
        return "first score: take it again to see the change"
    c = h.change
    sign = "+" if c.change > 0 else ""
    direction = "higher" if h.measure.higher_is_better else "lower"
    return (
        f"{sign}{number(c.change)} since the first score: {c.verdict} "
        f"(the important change is {number(h.measure.important_change)}, {direction} is better)"
    )


def due(store: Store, today: date) -> list[Due]:
    """Measures whose next take is due: those the active routine lists (due at once when never taken; every
    `every_days` the routine gives, else the measure file's) and any taken before (every_days after the last
    take). A measure the routine names that is not built in or imported is left out."""
    last: dict[str, date] = {}
    for take in takes(store):
        last[take.measure] = take.day
    every: dict[str, int | None] = {mid: None for mid in last}
    for mid, days in _routine_measures(store):
        every[mid] = days
    if not every:  # nothing to read the measure files for (the dashboard stays free of YAML)
        return []
    entries = {e.measure.id: e.measure for e in available(store)}
    out = []
    for mid, days in sorted(every.items()):
        measure = entries.get(mid)
        if measure is None:
            continue
        day = last.get(mid)
        when = today if day is None else day + timedelta(days=days or measure.every_days)
        if when <= today:
            out.append(Due(mid, measure.title, day, when))
    return out


def _routine_measures(store: Store) -> tuple[tuple[str, int | None], ...]:
    from backcare.services.routines import active_routine

    try:
        return active_routine(store).routine.measures
    except (ContentError, InvalidInput):
        return ()


def report_lines(store: Store, since: date | None, until: date | None) -> list[MeasureLine]:
    """Each measure taken within the days, with its first and latest score there and the verdict."""
    entries = {e.measure.id: e.measure for e in available(store)}
    by_measure: dict[str, list[Take]] = {}
    for take in takes(store, None, since, until):
        by_measure.setdefault(take.measure, []).append(take)
    out = []
    for mid, rows in sorted(by_measure.items()):
        measure = entries.get(mid)
        if measure is None:
            continue
        judged = change(measure, rows[0].score, rows[-1].score, len(rows))
        out.append(
            MeasureLine(
                mid,
                measure.title,
                len(rows),
                rows[0].day,
                rows[0].score,
                rows[-1].day,
                rows[-1].score,
                judged.change,
                measure.important_change,
                measure.higher_is_better,
                judged.verdict,
                rows[-1].band,
            )
        )
    return out


def trend_json(store: Store, since: date | None, until: date | None) -> list[dict[str, Any]]:
    """The scores within the days, per measure, with the change against the measure's important change."""
    lines = {line.id: line for line in report_lines(store, since, until)}
    out = []
    for mid, line in lines.items():
        out.append(
            {
                "id": mid,
                "title": line.title,
                "scores": [
                    {"date": t.day.isoformat(), "score": t.score, "band": t.band}
                    for t in takes(store, mid, since, until)
                ],
                "change": line.change,
                "important_change": line.important_change,
                "better": "higher" if line.higher_is_better else "lower",
                "verdict": line.verdict,
            }
        )
    return out
