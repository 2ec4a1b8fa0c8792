"""Where backcare keeps the person's data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

APP_NAME = "backcare"
DB_NAME = "backcare.db"


def resolve_home(option: str | os.PathLike[str] | None = None) -> Path:
    """The data directory, always absolute: --home wins over BACKCARE_HOME, then the platform default.

    A blank --home (or a BACKCARE_HOME of only spaces) is a usage error. A relative one is taken from the
    current folder, which means a different database in each folder: it is made absolute and a note on stderr
    says so, once per run.
    """
    if option is not None:
        return _absolute(os.fspath(option), "--home")
    env = os.environ.get("BACKCARE_HOME")
    if env:
        return _absolute(env, "BACKCARE_HOME")
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).absolute()


_noted: set[str] = set()


def _absolute(value: str, source: str) -> Path:
    if not value.strip():
        from backcare.errors import InvalidInput

        raise InvalidInput(f"{source} is blank; give the folder for your data (or leave it out for the default).")
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    full = Path(os.path.abspath(path))
    if str(full) not in _noted:  # once per run (and per folder it resolves to)
        _noted.add(str(full))
        import sys

        sys.stderr.write(
            f"Note: {source} {value!r} is relative to the current folder; using {full}. "
            "Give an absolute path to use the same data from every folder.\n"
        )
    return full


def ensure_private_dir(path: Path) -> None:
    """Create the directory, and any parents backcare has to make, 0700 whatever the umask (health data).
    An existing one is tightened only when it is a real folder of this user's, through a descriptor."""
    if not os.path.lexists(path):  # (an existing one, every day: no need to load the file helpers)
        from backcare.outfiles import make_private_dirs

        if make_private_dirs(path):
            return
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and st.st_mode & 0o077:
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)


def trusted(st: os.stat_result, kind: Callable[[int], bool]) -> bool:
    """Of the right kind (stat.S_ISREG, S_ISDIR ...), this user's, and not writable by anyone else."""
    return kind(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def read_own(path: str | os.PathLike[str], max_bytes: int) -> bytes | None:
    """The content of a file backcare keeps for itself (a cache entry, the kept dashboard), or None unless it is
    a regular file of this user's that nobody else can write, of at most `max_bytes`. Never follows a link,
    never waits on a pipe."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not trusted(st, stat.S_ISREG) or st.st_size > max_bytes:
            return None
        return os.read(fd, st.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
