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
    from backcare.store import Store

View = dict[str, Any]
# The code the dashboard is decided by (an editable install changes it file by file; content/cache.py stamps
# the content and its checks).
CODE = ("domain", "services", "store", "store/records")


def dashboard(store: Store, today: date, *, first_screen: Callable[[Store, date], Any] | None = None) -> View:
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


def kept(store: Store, today: date, mark: str | None) -> View | None:
    """The dashboard kept for this very file state and day, or None."""
    if mark is None:
        return None
    value = kept_view.read(store.path)
    if type(value) is not list or len(value) != 2:
        return None
    key, data = value
    return data if type(data) is dict and key == _key(today, mark) else None


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
