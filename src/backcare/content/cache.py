"""A per-user cache of the checked bundled content (exercise library, topics, built-in routines).

Reading and checking the bundled YAML costs tens of milliseconds, on every run of a daily command. The
result depends only on the bundled files and on the code that checks them, so it is kept in the user's cache
folder, keyed on the backcare version and on those files' sizes and modification times (for a wheel install, on
its install record, which every install writes anew).

The cache holds plain data only (strings, numbers, tuples, dicts) written with `marshal`, and is rebuilt into
backcare's own content classes by name from a fixed list: loading it cannot run code, unlike a pickle. It is
used only from a folder that is this user's and that nobody else can write to, and only from a regular file
that is this user's and not writable by others. Any doubt (missing, stale, unreadable, not ours, or data that
is not what backcare writes) means the files are read and checked again; a cache problem is never an error.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from backcare.paths import read_own, trusted

T = TypeVar("T")
SUFFIX = ".marshal"
MAX_BYTES = 4 * 1024 * 1024


def cache_dir() -> Path | None:
    if os.environ.get("BACKCARE_NO_CACHE") == "1":
        return None
    override = os.environ.get("BACKCARE_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("backcare", appauthor=False))


@functools.cache  # once a process: a daily command looks up the library, the topics and a routine
def content_stamp() -> tuple | None:
    """What the cached content depends on: the version, and the bundled files and the code that checks them."""
    from backcare import __version__

    package = Path(__file__).resolve().parent.parent
    record = install_record(package, __version__)
    if record is not None:
        return (__version__, record)
    from backcare.content.data import data_dir

    root = data_dir()
    if not isinstance(root, Path):
        return None
    try:
        return (
            __version__,
            files_stamp(str(root), ".yaml", deep=True),
            files_stamp(str(package / "content"), ".py"),
            files_stamp(str(package / "domain"), "routine.py", "education.py"),
        )
    except OSError:
        return None


def install_record(package: Path, version: str) -> tuple[int, int, int] | None:
    """For a package installed from a wheel: its install record (`RECORD` in the dist-info folder beside it), which
    the installer writes anew, with every file of the package and its data, on each install or upgrade, even of
    the same version. None for a source tree or an editable install, whose files change one by one."""
    try:
        st = os.stat(package.parent / f"{package.name}-{version}.dist-info" / "RECORD")
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def files_stamp(folder: str, *endings: str, deep: bool = False) -> tuple[tuple[str, int, int], ...]:
    """(name, size, modification time) of the files in `folder` whose names end with one of `endings` (and, when
    `deep`, in its subfolders): os.scandir, not pathlib's glob, which compiles patterns on every start."""
    found: list[tuple[str, int, int]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if deep and entry.is_dir(follow_symlinks=False):
                found.extend(
                    (f"{entry.name}/{n}", size, t) for n, size, t in files_stamp(entry.path, *endings, deep=True)
                )
            elif entry.name.endswith(endings):
                st = entry.stat()
                found.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


MISSING = object()


def trusted_folder(folder: Path) -> bool:
    """The cache folder is used only when it (not a link to it) is this user's and nobody else can write to it
    or, through its parent, swap it for another (a parent writable by others must be sticky, like /tmp)."""
    try:
        own = os.lstat(folder)
        parent = os.stat(folder.parent)
    except OSError:
        return False
    if not trusted(own, stat.S_ISDIR):
        return False
    return not parent.st_mode & 0o022 or bool(parent.st_mode & stat.S_ISVTX) or parent.st_uid == os.getuid()


def _entry(name: str, args: tuple) -> tuple[Path, tuple] | None:
    folder = cache_dir()
    stamp = content_stamp() if folder is not None else None
    if folder is None or stamp is None:
        return None
    return folder / f"{name}{''.join('-' + str(a) for a in args)}{SUFFIX}", stamp


def lookup(name: str, *args: Any, home: str | None = None) -> Any:
    """The fresh cached value for `name` and args, or MISSING (then the caller builds it). `home`: see
    `from_plain`."""
    entry = _entry(name, args)
    if entry is None:
        return MISSING
    path, stamp = entry
    if not trusted_folder(path.parent):
        return MISSING
    data = read_own(path, MAX_BYTES)
    if data is None:
        return MISSING
    try:
        import marshal

        saved_stamp, tree = marshal.loads(data)
        if saved_stamp != stamp:
            return MISSING
        return from_plain(tree, home=home)
    except Exception:  # truncated, from another version, or not what backcare writes: rebuild
        return MISSING


def remember(name: str, args: tuple, value: Any) -> None:
    """Write `value` to the cache under `name` and args (for a caller that looked it up and built it itself)."""
    entry = _entry(name, args)
    if entry is not None:
        _write(entry[0], (entry[1], to_plain(value)))


def disk_cached(name: str, home: str | None = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache fn(*args) on disk under `name` and the args; a cache problem is never an error. `home`: the module
    of the classes the value holds (see `from_plain`)."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @wraps(fn)
        def wrapper(*args: Any) -> T:
            value = lookup(name, *args, home=home)
            if value is not MISSING:
                return value
            value = fn(*args)
            remember(name, args, value)
            return value

        return wrapper

    return decorate


def _write(path: Path, payload: tuple[Any, Any]) -> None:
    import marshal

    from backcare.outfiles import create_private, discard, make_private_dirs

    try:
        make_private_dirs(path.parent)
        if not trusted_folder(path.parent):
            return
        data = marshal.dumps(payload)
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        fd = create_private(tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            discard(tmp)
            raise
    except (OSError, ValueError):
        pass


# -- plain data <-> content objects ---------------------------------------------------------------
# A content object is written as a list [class name, field values...]; a real list as ["", items...]; a date
# (a routine's review date) as ["@date", "YYYY-MM-DD"]. Nothing else is a list, so reading back is unambiguous,
# and only the classes below (and dates) can be made.
DATE_TAG = "@date"


HOMES = ("backcare.domain.routine", "backcare.domain.education")  # the modules whose classes the cache makes


class _Classes(dict[str, tuple[type, tuple[str, ...]]]):
    """Content classes by name, with their field names (the only classes the cache can make), loaded a module at
    a time as names are looked up, `first` first: the topics need only the education classes and a routine only
    the routine's, and each module costs about a millisecond of a daily command's start."""

    def __init__(self, first: str | None = None) -> None:
        super().__init__()
        self.pending = sorted(HOMES, key=lambda home: home != first)

    def get(self, name: str, default: Any = None) -> Any:
        while name not in self and self.pending:
            self.load(self.pending.pop(0))
        return super().get(name, default)

    def load(self, home: str) -> None:
        import dataclasses
        import importlib

        module = importlib.import_module(home)
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == home:
                self[value.__name__] = (value, tuple(f.name for f in dataclasses.fields(value)))


@functools.cache
def _classes(first: str | None = None) -> _Classes:
    return _Classes(first)


def _all_classes() -> dict[str, tuple[type, tuple[str, ...]]]:
    table = _classes()
    while table.pending:
        table.load(table.pending.pop(0))
    return table


def to_plain(value: Any) -> Any:
    import dataclasses

    if isinstance(value, (str, int, float, bool, type(None), bytes)):
        return value
    if isinstance(value, tuple):
        return tuple(to_plain(v) for v in value)
    if isinstance(value, list):
        return ["", *(to_plain(v) for v in value)]
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if type(value).__name__ == "date" and type(value).__module__ == "datetime":
        return [DATE_TAG, value.isoformat()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and type(value).__name__ in _all_classes():
        return [type(value).__name__, *(to_plain(getattr(value, f.name)) for f in dataclasses.fields(value))]
    raise ValueError(f"cannot cache a {type(value).__name__}")


_LEAVES = frozenset({str, int, float, bool, bytes, type(None)})


def from_plain(
    tree: Any, classes: dict[str, tuple[type, tuple[str, ...]]] | None = None, home: str | None = None
) -> Any:
    """Rebuild a value written by to_plain; ValueError for anything to_plain does not write. `home`: the module
    whose classes the value holds, loaded first (the others only for a name it does not have)."""
    return _rebuild(tree, _classes(home) if classes is None else classes)


def _rebuild(tree: Any, classes: dict[str, tuple[type, tuple[str, ...]]]) -> Any:
    kind = type(tree)
    if kind in _LEAVES:
        return tree
    if kind is tuple:
        return tuple([v if type(v) in _LEAVES else _rebuild(v, classes) for v in tree])
    if kind is dict:
        return {k if type(k) in _LEAVES else _rebuild(k, classes): _rebuild(v, classes) for k, v in tree.items()}
    if kind is list and tree and type(tree[0]) is str:
        items = [v if type(v) in _LEAVES else _rebuild(v, classes) for v in tree[1:]]
        if not tree[0]:
            return items
        if tree[0] == DATE_TAG and len(items) == 1 and type(items[0]) is str:
            from datetime import date

            return date.fromisoformat(items[0])
        known = classes.get(tree[0])
        if known is not None and len(items) == len(known[1]):
            # as pickle does it: the values were checked when the cache was written, and this is 2.5x faster
            # than calling the frozen dataclass's __init__
            obj: Any = object.__new__(known[0])
            obj.__dict__.update(zip(known[1], items))
            return obj
    raise ValueError("not a cached content value")
