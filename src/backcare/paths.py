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
    """Create the directory 0700 (health data), and tighten it if it already exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
