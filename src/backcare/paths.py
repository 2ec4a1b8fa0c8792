"""Where backcare keeps the person's data."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "backcare"
DB_NAME = "backcare.db"


def resolve_home(option: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: --home wins over BACKCARE_HOME, then the platform default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("BACKCARE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> None:
    """Create the directory, and any parents backcare has to make, 0700 whatever the umask (health data).
    An existing one is tightened only when it is a real folder of this user's, through a descriptor."""
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
