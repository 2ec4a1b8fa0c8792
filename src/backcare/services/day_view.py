"""The day's dashboard, kept between runs of the same day.

Deciding the dashboard reads every safety screen and clearance, the routine, the exercise library, weeks of
check-ins and sessions, and runs the progression engine. Its answer depends only on the stored data, the day,
and backcare itself, so the last one is kept in the cache folder with a key made of exactly those: the database
file's fingerprint (device, inode, size, times and SQLite's change counter, which every committed write moves
on), the day, and the version and code of backcare. Any write by any command, another day or another backcare
means the dashboard is decided again. A kept dashboard is written only when the file did not change while it
was being decided (a check-in saved in another terminal meanwhile leaves nothing kept), and a cache problem is
never an error: the dashboard is then simply decided.

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

from backcare.content import cache

if TYPE_CHECKING:
    from backcare.store import Store

NAME = "today"
View = dict[str, Any]
# The code the dashboard is decided by, beside the content's (an editable install changes it file by file).
CODE = ("domain", "services", "store", "store/records")


def dashboard(store: Store, today: date, *, first_screen: Callable[[Store, date], Any] | None = None) -> View:
    """Today's dashboard: the kept one while nothing it depends on has changed, else decided (and kept).

    `first_screen(store, today)` asks the red-flag questions when they were never answered (the first run at a
    terminal); a kept dashboard that shows an answered screen needs no look at the screens."""
    mark = store.state_mark()
    found = kept(store, today, mark)
    if found is not None and (first_screen is None or found["safety"]["last_screen"] is not None):
        return found
    if first_screen is not None:
        from backcare.services import safety

        if not safety.screened(store):
            first_screen(store, today)
            mark = store.state_mark()
    from backcare.services import dashboard as deciding

    data = deciding.build(store, today).as_dict()
    if mark is not None and store.state_mark() == mark:  # nothing was written meanwhile, by us or by anyone
        keep(store, today, mark, data)
    return data


def kept(store: Store, today: date, mark: str | None) -> View | None:
    """The dashboard kept for this very file state and day, or None."""
    if mark is None:
        return None
    slot = _slot(store)
    if slot is None:
        return None
    value = cache.lookup(NAME, *slot)
    try:
        saved, data = value
    except (TypeError, ValueError):
        return None
    return data if saved == _key(store, today, mark) and type(data) is dict else None


def keep(store: Store, today: date, mark: str, data: View) -> None:
    slot = _slot(store)
    if slot is not None:
        try:
            cache.remember(NAME, slot, (_key(store, today, mark), data))
        except ValueError:  # a value the cache cannot hold: decided again next time
            return


def _slot(store: Store) -> tuple[int, int] | None:
    """One cache file per database file (device and inode): several data folders never share one."""
    try:
        st = os.stat(store.path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _key(store: Store, today: date, mark: str) -> tuple[Any, ...]:
    return (str(store.path), mark, today.isoformat(), _code())


@functools.cache
def _code() -> tuple[Any, ...]:
    """What says backcare's code changed: a wheel's install record, or each file of the code that decides."""
    from backcare import __version__

    root = Path(__file__).resolve().parent.parent
    record = cache.install_record(root, __version__)
    if record is not None:
        return record
    return tuple(cache.files_stamp(str(root / folder), ".py") for folder in CODE)
