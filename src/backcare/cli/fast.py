"""Answers given before Typer is imported: `backcare --version` and `backcare due` (a prompt hook runs `due` at
every shell start, so it must cost little more than starting Python). Only these two are parsed by hand; anything
else, including `due --help` and any mistake on the line, falls through to the Typer app."""

from __future__ import annotations

import os
import sys

DUE_DONE = "Today's check-in ({day}) is done."
DUE_NOT_DONE = "No check-in yet today ({day}): run 'backcare checkin'."
DUE_NO_SCREEN = "No safety screen yet: run 'backcare safety' first, then 'backcare checkin'."
DUE_FLAGS = {"--quiet", "-q"}


def answer_early(argv: list[str]) -> None:
    """Answer argv here and exit when it is `--version` or a plain `due`; return (doing nothing) otherwise."""
    home: str | None = None
    args = iter(argv)
    rest: list[str] = []
    for arg in args:
        if arg == "--home":
            home = next(args, None)
            if home is None:
                return
        elif arg.startswith("--home="):
            home = arg.removeprefix("--home=")
        elif arg == "--debug":
            continue
        else:
            rest = [arg, *args]
    if rest == ["--version"]:
        from backcare import __version__

        print(f"backcare {__version__}")
        sys.exit(0)
    if rest[:1] == ["due"] and set(rest[1:]) <= DUE_FLAGS:
        try:
            code, line = due(home, quiet=bool(rest[1:]))
        except Exception as exc:  # never a traceback in a prompt hook
            if "--debug" in argv:
                raise
            code, line = 1, "" if rest[1:] else f"Error: backcare could not tell whether today is done ({exc})."
        if line:
            try:
                print(line, file=sys.stderr if line.startswith("Error:") else sys.stdout, flush=True)
            except OSError:  # a closed pipe or terminal: the exit code still answers
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(code)


def due(home_option: str | None, *, quiet: bool) -> tuple[int, str]:
    """(exit code, the line to print or ''): 0 today's check-in is done, 1 it is not (no data folder yet counts as
    not done; data that cannot be read too, and the line then starts with 'Error:'), 2 a bad BACKCARE_TODAY,
    3 a database without any safety screen yet."""
    from backcare import clock
    from backcare.domain.config import DAY_STARTS, stored_value
    from backcare.errors import InvalidInput

    asked: list[str] = []

    def day_for(stored: str | None) -> str:  # the day, once the stored day-rollover hour is known
        asked.append(clock.today(stored_value(DAY_STARTS, stored)).isoformat())
        return asked[0]

    reader = _store_reader()
    try:
        found = reader.read_due(data_home(home_option), day_for)
        day = asked[0] if asked else day_for(None)  # no database yet: the default hour
    except InvalidInput as exc:
        return 2, "" if quiet else f"Error: {exc.message}"
    except reader.DueReadError as exc:
        return 1, "" if quiet else f"Error: {exc}"
    screened, checked = found if found is not None else (True, False)  # no data yet: simply not done
    if checked:
        code, line = 0, DUE_DONE
    elif not screened:
        code, line = 3, DUE_NO_SCREEN
    else:
        code, line = 1, DUE_NOT_DONE
    return code, "" if quiet else line.format(day=day)


def _store_reader():  # -> the backcare.store.due module
    """backcare.store.due, the tiny read-only query. Importing it the usual way first runs backcare.store's
    __init__, the whole Store (about 20 ms of imports), so unless that is already loaded the one file is loaded
    on its own (it imports only os and sqlite3)."""
    if "backcare.store" not in sys.modules:
        import importlib.machinery

        path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "store", "due.py")
        loader = importlib.machinery.SourceFileLoader("backcare.store.due", path)
        module = type(sys)("backcare.store.due")
        module.__file__, module.__loader__ = path, loader
        try:
            loader.exec_module(module)
        except (OSError, ImportError):  # not a plain file on disk (a zip, a frozen app): import it normally
            pass
        else:
            return module
    from backcare.store import due

    return due


def data_home(option: str | None) -> str:
    """backcare.paths.resolve_home, without importing platformdirs (about 20 ms) in the plain cases where every
    platformdirs version gives the same answer; anything unusual asks platformdirs. A test keeps the two equal."""
    chosen = option if option is not None else os.environ.get("BACKCARE_HOME")
    if chosen or option is not None:  # as resolve_home does it (a blank --home too), without pathlib (6 ms)
        expanded = os.path.expanduser(chosen or "")
        if os.path.isabs(expanded):
            return expanded
        from backcare.paths import resolve_home  # blank or relative: resolve_home refuses or explains it

        return str(resolve_home(option))
    xdg = os.environ.get("XDG_DATA_HOME", "")
    user_home = os.environ.get("HOME", "")
    plain = os.path.isabs(user_home) and not _android()
    if plain:
        base = user_home.rstrip("/")  # as os.path.expanduser("~/...") joins it: HOME=// is /, not //
        if sys.platform == "darwin" and not xdg:
            return base + "/Library/Application Support/backcare"
        if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and (not xdg or os.path.isabs(xdg)):
            return os.path.join(xdg or base + "/.local/share", "backcare")
    from backcare.paths import resolve_home

    return str(resolve_home(option))


def _android() -> bool:
    return os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
