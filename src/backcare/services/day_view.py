"""The day's dashboard, kept between runs of the same day.

Deciding the dashboard reads every safety screen and clearance, the routine, the exercise library, weeks of
check-ins and sessions, and runs the progression engine. Its answer depends only on the stored data, the day,
and backcare itself (its code and bundled content), so the last one is kept beside the database
(store/kept_view.py) with a key made of exactly those: the database file's fingerprint (device, inode, size,
times and SQLite's change counter, which every committed write moves on), the day, and the stamps of backcare's
code and content. Any write by any command or program, another day or another backcare means the dashboard is
decided again. A dashboard is kept only when the file did not change while it was being decided (a check-in
saved in another terminal meanwhile leaves nothing kept). BACKCARE_NO_CACHE=1 turns keeping off, as it does for
the content cache.

What is kept, and returned, is the dashboard's JSON shape (`Dashboard.as_dict()`, what `today --json` prints):
reading it back makes no class of backcare's, so a kept dashboard is shown without loading the code that
decides it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.store import kept_view

if TYPE_CHECKING:
    from backcare.domain.dashboard import DashboardJson
    from backcare.store import Store

# The code the dashboard is decided by (an editable install changes it file by file; content/cache.py stamps
# the content and its checks).
CODE = ("domain", "services", "store", "store/records")


def dashboard(store: Store, today: date, *, first_screen: Callable[[Store, date], Any] | None = None) -> DashboardJson:
    """Today's dashboard: the kept one while nothing it depends on has changed, else decided (and kept).

    `first_screen(store, today)` asks the red-flag questions when they were never answered (the first run at a
    terminal); a kept dashboard that shows an answered screen needs no look at the screens."""
    mark = store.state_mark() if _keeping() else None
    found = kept(store, today, mark)
    if found is not None and (first_screen is None or found["safety"]["last_screen"] is not None):
        return found
    if first_screen is not None:
        from backcare.services import safety

        if not safety.screened(store):
            first_screen(store, today)
            mark = store.state_mark() if mark is not None else None
    from backcare.services import dashboard as deciding

    data = deciding.build(store, today).as_dict()
    if mark is not None and store.state_mark() == mark and not store.readonly:  # nothing written meanwhile
        key = _key(today, mark)
        if key is not None:
            kept_view.write(store.path, [key, data])
    return data


def kept(store: Store, today: date, mark: str | None) -> DashboardJson | None:
    """The dashboard kept for this very file state and day, or None."""
    if mark is None:
        return None
    value = kept_view.read(store.path)
    if type(value) is not list or len(value) != 2:
        return None
    key, data = value
    return data if key == _key(today, mark) and is_dashboard(data) else None


# The dashboard's JSON shape (`Dashboard.as_dict()`), as the renderer, the first-run check above and
# `today --json` rely on it: a kept file whose dashboard is not exactly this (edited by hand, or damaged in a way
# marshal still reads) is decided again rather than shown. Each dict has exactly these keys; a tuple is one of its
# kinds; [kind] is a list of them; DAY is an ISO date; ANY is any plain value (an exercise's dose details, which
# the dashboard passes on without reading). tests/test_review_7.py keeps it equal to the dashboard's classes.
ANY = "any"
DAY = "day"
_TEXT = (str, None)
_NUMBER = (int, None)
_EXERCISE_SHOWN = {"name": str, "dose": str, "notes": _TEXT, "easier_version_of": _TEXT, "lighter": bool}
_EXERCISE_PASSED_ON = (
    "id category sets reps hold_seconds side reps_max duration_seconds rest_seconds rpe tempo load summary steps "
    "cues mistakes cautions equipment position"
).split()
SHAPE: dict[str, Any] = {
    "date": DAY,
    "date_label": str,
    "checked_in": bool,
    "pain": _NUMBER,
    "stiffness": _NUMBER,
    "last_7_days": [{"date": DAY, "pain": _NUMBER, "stiffness": _NUMBER}],
    "streak": int,
    "days_in_last_7": int,
    "backfill": ({"date": DAY, "command": str}, None),
    "safety": {
        "status": str,
        "last_screen": (DAY, None),
        "flagged": [str],
        "uncleared": [str],
        "message": _TEXT,
        "title": _TEXT,
        "lines": [str],
        "clearance": ({"date": DAY, "by": str, "note": _TEXT}, None),
        "next_recheck": (DAY, None),
        "recheck_due": bool,
        "recheck_reason": _TEXT,
    },
    "routine": _TEXT,
    "progression": (
        {
            "decision": str,
            "stage": ({"id": str, "name": str}, None),
            "reasons": [str],
            "exercises": [{**_EXERCISE_SHOWN, **dict.fromkeys(_EXERCISE_PASSED_ON, ANY)}],
            "easier": bool,
            "flare": bool,
        },
        None,
    ),
    "session_done": bool,
    "topic": ({"id": str, "title": str, "summary": str, "minutes": int, "read": bool}, None),
    "today_more": str,
    "measures_due": [{"id": str, "title": str, "last": (DAY, None)}],
}
# as_dict() gives one of these two: the note about a routine that was not found, or why the stored one is unreadable
EITHER = {"routine_note": _TEXT, "routine_problem": str}


def is_dashboard(data: Any) -> bool:
    """Whether `data` is a dashboard's JSON shape (see SHAPE)."""
    if type(data) is not dict:
        return False
    rest = dict(data)
    which = [name for name in EITHER if name in rest]
    if len(which) != 1 or not _fits(rest.pop(which[0]), EITHER[which[0]]):
        return False
    return _fits(rest, SHAPE)


def _fits(value: Any, kind: Any) -> bool:
    if kind is None:
        return value is None
    if type(kind) is type:
        return type(value) is kind
    if type(kind) is dict:
        return (
            type(value) is dict
            and value.keys() == kind.keys()
            and all(_fits(value[name], part) for name, part in kind.items())
        )
    if type(kind) is list:
        return type(value) in (list, tuple) and all(_fits(item, kind[0]) for item in value)
    if type(kind) is tuple:
        return any(_fits(value, one) for one in kind)
    if kind == DAY:
        return type(value) is str and _is_day(value)
    return kind == ANY


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _keeping() -> bool:
    return os.environ.get("BACKCARE_NO_CACHE") != "1"


def _key(today: date, mark: str) -> list[Any] | None:
    from backcare.content import cache

    content = cache.content_stamp()
    code = _code() if content is not None else None
    if code is None:
        return None
    return [mark, today.isoformat(), content, code]


@functools.cache
def _code() -> Any:
    """What says backcare's code changed: a wheel's install record, or each file of the code that decides; None
    when that cannot be told (a source file that cannot be read, such as an editor's dangling lock link): then
    nothing is kept or used."""
    from backcare import __version__
    from backcare.content import cache

    root = Path(__file__).resolve().parent.parent
    record = cache.install_record(root, __version__)
    if record is not None:
        return record
    try:
        return [cache.files_stamp(str(root / folder), ".py") for folder in CODE]
    except OSError:
        return None
