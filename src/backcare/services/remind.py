"""The daily reminder: which scheduler this machine has, and installing, finding and removing backcare's entry in
it. The texts come from backcare.domain.reminder; every outside program is run through `_run`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import field
from pathlib import Path

from backcare.domain import reminder as texts
from backcare.domain.reminder import At
from backcare.errors import BackcareError, InvalidInput
from backcare.valueclass import mutable

VIAS = ("systemd", "cron", "launchd")
_SYSTEMD_UP = {"running", "degraded", "starting", "initializing"}
_NAMES = {"systemd": "a systemd user timer", "cron": "a crontab line", "launchd": "a launchd agent"}


@mutable
class Plan:
    """What `remind on` installs: files to write, a crontab line to add, and commands to run afterwards."""

    via: str
    at: At
    files: dict[Path, str] = field(default_factory=dict)
    cron_line: str | None = None
    commands: list[list[str]] = field(default_factory=list)

    def describe(self) -> str:
        """The plan as text a person could follow by hand (`remind on --print`)."""
        parts = [f"# backcare reminder at {self.at} every day, via {_NAMES[self.via]}"]
        for path, text in self.files.items():
            parts.append(f"# file {path}\n{text.rstrip()}")
        if self.cron_line is not None:
            parts.append(f"# line added to your crontab (crontab -e)\n{self.cron_line}")
        for command in self.commands:
            parts.append(f"# then run: {' '.join(command)}")
        return "\n".join(parts) + "\n"


@mutable
class Installed:
    via: str
    at: At | None
    where: str

    def describe(self) -> str:
        when = f"every day at {self.at}" if self.at else "at a time backcare cannot read"
        return f"Reminder on: {when}, via {_NAMES[self.via]} ({self.where})."


def scheduler_name(via: str) -> str:
    return _NAMES[via]


# -- what this machine has --------------------------------------------------------------------------------------
def backcare_command() -> list[str]:
    """How the scheduler should start this backcare: the console script next to this interpreter, else -m."""
    script = Path(sys.executable).parent / "backcare"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "backcare"]


def pinned_home(option: str | None) -> str | None:
    """The data folder to bake into the reminder when the person chose one (--home or BACKCARE_HOME): a scheduler
    starts backcare without the shell's environment."""
    if option or os.environ.get("BACKCARE_HOME"):
        from backcare.paths import resolve_home

        return str(resolve_home(option).absolute())
    return None


def platform() -> str:
    return sys.platform


def detect() -> str:
    """The scheduler to use here: launchd on macOS, a systemd user timer where systemd runs for this user,
    otherwise cron."""
    if platform() == "darwin":
        return "launchd"
    if _systemd_available():
        return "systemd"
    if shutil.which("crontab"):
        return "cron"
    raise BackcareError(
        "No scheduler was found here (no systemd user session, no crontab command): "
        "'backcare remind shell' gives a reminder at each new terminal instead, "
        "and 'backcare remind on --at HH:MM --print' shows what to install by hand."
    )


def _systemd_available() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime, "systemd").is_dir():
        return True
    if not shutil.which("systemctl"):
        return False
    done = _run(["systemctl", "--user", "is-system-running"], check=False)
    return done.stdout.strip() in _SYSTEMD_UP


def _systemd_dir() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"
    return base / "systemd" / "user"


def _launchd_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{texts.LAUNCHD_LABEL}.plist"


# -- planning, installing, removing -------------------------------------------------------------------------------
def plan(at: At, via: str | None, home_option: str | None) -> Plan:
    via = via or detect()
    if via not in VIAS:
        raise InvalidInput(f"--via takes one of {', '.join(VIAS)}, not {via!r}.")
    osname = "darwin" if via == "launchd" else "linux"
    script = texts.notify_script(backcare_command(), pinned_home(home_option), osname)
    result = Plan(via, at)
    if via == "systemd":
        folder = _systemd_dir()
        result.files[folder / f"{texts.UNIT_NAME}.service"] = texts.systemd_service(script)
        result.files[folder / f"{texts.UNIT_NAME}.timer"] = texts.systemd_timer(at)
        timer = f"{texts.UNIT_NAME}.timer"
        result.commands = [
            ["systemctl", "--user", "daemon-reload"],
            ["systemctl", "--user", "enable", timer],
            ["systemctl", "--user", "restart", timer],
        ]
    elif via == "cron":
        result.cron_line = texts.crontab_line(at, script)
    else:
        path = _launchd_path()
        result.files[path] = texts.launchd_plist(at, script)
        result.commands = [["launchctl", "unload", str(path)], ["launchctl", "load", "-w", str(path)]]
    return result


def install(p: Plan) -> list[Installed]:
    """Install the plan, replacing any earlier backcare reminder (one reminder at most, whatever the scheduler).
    Returns the earlier reminders removed on other schedulers."""
    removed = [item for item in remove() if item.via != p.via]
    if p.via == "cron":
        _need("crontab")
        _write_crontab(texts.crontab_with(_read_crontab(), p.cron_line or ""))
    else:
        _need("systemctl" if p.via == "systemd" else "launchctl")
        for path, text in p.files.items():
            _write_file(path, text)
        for command in p.commands:
            # launchctl unload of an agent not loaded yet fails harmlessly; everything else must succeed.
            _run(command, check=command[:2] != ["launchctl", "unload"])
    return removed


def status() -> list[Installed]:
    """Every backcare reminder found on this machine (normally none or one)."""
    found: list[Installed] = []
    timer = _systemd_dir() / f"{texts.UNIT_NAME}.timer"
    if timer.exists():
        found.append(Installed("systemd", texts.systemd_time(_read_text(timer)), str(timer)))
    plist = _launchd_path()
    if plist.exists():
        found.append(Installed("launchd", texts.launchd_time(_read_text(plist)), str(plist)))
    if shutil.which("crontab"):
        line = texts.crontab_reminder(_read_crontab())
        if line is not None:
            found.append(Installed("cron", texts.cron_time(line), "crontab -l"))
    return found


def remove() -> list[Installed]:
    """Remove every backcare reminder, and nothing else: other crontab lines and other units stay as they were."""
    found = status()
    for item in found:
        if item.via == "cron":
            _write_crontab(texts.crontab_without(_read_crontab()))
        elif item.via == "systemd":
            folder = _systemd_dir()
            if shutil.which("systemctl"):
                _run(["systemctl", "--user", "disable", "--now", f"{texts.UNIT_NAME}.timer"], check=False)
            for suffix in (".timer", ".service"):
                (folder / f"{texts.UNIT_NAME}{suffix}").unlink(missing_ok=True)
            if shutil.which("systemctl"):
                _run(["systemctl", "--user", "daemon-reload"], check=False)
        else:
            plist = _launchd_path()
            if shutil.which("launchctl"):
                _run(["launchctl", "unload", "-w", str(plist)], check=False)
            plist.unlink(missing_ok=True)
    return found


# -- the outside world ---------------------------------------------------------------------------------------------
def _need(program: str) -> None:
    if not shutil.which(program):
        raise BackcareError(f"The {program} command is not available here, so the reminder cannot be installed.")


def _run(command: list[str], *, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one outside program (crontab, systemctl, launchctl): the only place backcare starts them."""
    try:
        done = subprocess.run(command, input=input, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackcareError(f"'{' '.join(command)}' could not be run ({exc}).") from None
    if check and done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        detail = f": {why[-1]}" if why else ""
        raise BackcareError(f"'{' '.join(command)}' failed (exit {done.returncode}){detail}.")
    return done


def _read_crontab() -> str:
    done = _run(["crontab", "-l"], check=False)
    if done.returncode == 0:
        return done.stdout
    if "no crontab" in (done.stderr + done.stdout).lower():
        return ""
    why = done.stderr.strip().splitlines()
    raise BackcareError(f"'crontab -l' failed{': ' + why[-1] if why else ''}; nothing was changed.")


def _write_crontab(text: str) -> None:
    _run(["crontab", "-"], input=text)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _write_file(path: Path, text: str) -> None:
    """Write a unit or agent file whole (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
