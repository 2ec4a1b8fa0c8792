"""A per-user cache of the checked bundled content (exercise library, topics, built-in routines).

Reading and checking the bundled YAML costs tens of milliseconds, on every run of a daily command. The
result depends only on the bundled files and on the code that checks them, so it is kept as a pickle in the
user's cache folder, keyed on those files' sizes and modification times and on the backcare version. Any
doubt (missing, stale, unreadable, or not ours) means the files are read and checked again.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("BACKCARE_NO_CACHE") == "1":
        return None
    override = os.environ.get("BACKCARE_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("backcare", appauthor=False))


def _stamp() -> tuple | None:
    from backcare import __version__
    from backcare.content.data import data_dir

    root = data_dir()
    if not isinstance(root, Path):
        return None
    code = Path(__file__).resolve().parent
    files = [
        *sorted(root.rglob("*.yaml")),
        *sorted(code.glob("*.py")),
        code.parent / "domain" / "routine.py",
        code.parent / "domain" / "education.py",
    ]
    try:
        return (__version__, tuple((str(f), (st := f.stat()).st_size, st.st_mtime_ns) for f in files))
    except OSError:
        return None


MISSING = object()


def _entry(name: str, args: tuple) -> tuple[Path, tuple] | None:
    folder = cache_dir()
    stamp = _stamp() if folder is not None else None
    if folder is None or stamp is None:
        return None
    return folder / f"{name}{''.join('-' + str(a) for a in args)}.pickle", stamp


def lookup(name: str, *args: Any) -> Any:
    """The fresh cached value for `name` and args, or MISSING (then the caller builds it)."""
    entry = _entry(name, args)
    if entry is None:
        return MISSING
    path, stamp = entry
    try:
        with open(path, "rb") as fh:
            saved_stamp, value = pickle.load(fh)
    except Exception:  # missing, truncated or from another version: rebuild
        return MISSING
    return value if saved_stamp == stamp else MISSING


def disk_cached(name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache fn(*args) on disk under `name` and the args; a cache problem is never an error."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @wraps(fn)
        def wrapper(*args: Any) -> T:
            value = lookup(name, *args)
            if value is not MISSING:
                return value
            value = fn(*args)
            entry = _entry(name, args)
            if entry is not None:
                _write(entry[0], (entry[1], value))
            return value

        return wrapper

    return decorate


def _write(path: Path, payload: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
