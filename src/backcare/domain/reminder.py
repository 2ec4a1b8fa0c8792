"""The texts a daily reminder is made of: the time, the crontab line, systemd units, a launchd agent and the shell
hooks. Pure functions: no files, no processes (services/remind.py installs them)."""

from __future__ import annotations

import re
import shlex
from xml.sax.saxutils import escape

from backcare.errors import InvalidInput
from backcare.valueclass import frozen

CRON_TAG = "# backcare-reminder"
UNIT_NAME = "backcare-reminder"
LAUNCHD_LABEL = "org.backcare.reminder"
TITLE = "backcare"
MESSAGE = "Time for the daily check-in: run backcare checkin"
SHELLS = ("bash", "zsh", "fish")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@frozen
class At:
    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_at(raw: str) -> At:
    """'20:00' or '7:30' (24-hour clock) as an At; anything else is refused with one sentence."""
    match = _TIME.fullmatch(raw.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return At(hour, minute)
    shown = raw if len(raw) <= 20 else raw[:17] + "..."
    raise InvalidInput(f"--at takes a time of day on the 24-hour clock, like 20:00, not {shown!r}.")


def due_command(backcare: list[str], home: str | None) -> str:
    """The shell command that answers 'is today done?' quietly, for the data folder `home` when one is pinned."""
    words = [*backcare, *(["--home", home] if home else []), "due", "--quiet"]
    return shlex.join(words)


def notify_script(backcare: list[str], home: str | None, platform: str) -> str:
    """A /bin/sh script: a desktop notification only when `due` says today's check-in is not done."""
    check = due_command(backcare, home)
    if platform == "darwin":
        apple = f'display notification "{MESSAGE}" with title "{TITLE}"'
        notify = shlex.join(["osascript", "-e", apple])
    else:
        notify = shlex.join(["notify-send", TITLE, MESSAGE])
    return f"{check} || {notify}"


def crontab_line(at: At, script: str) -> str:
    """One crontab line, tagged so that `remind off` finds exactly it. Cron needs a desktop session bus to show a
    notification, and treats '%' as a line break, so both are taken care of."""
    bus = "DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-unix:path=/run/user/$(id -u)/bus}"
    command = f"export {bus}; {script}".replace("%", "\\%")
    return f"{at.minute} {at.hour} * * * {command} {CRON_TAG}"


def crontab_without(existing: str) -> str:
    """The crontab with backcare's reminder line taken out and every other line kept as it was."""
    kept = [line for line in existing.splitlines() if not line.rstrip().endswith(CRON_TAG)]
    return "".join(line + "\n" for line in kept)


def crontab_with(existing: str, line: str) -> str:
    """The crontab with exactly one backcare reminder line (`line`), every other line kept as it was."""
    return crontab_without(existing) + line + "\n"


def crontab_reminder(existing: str) -> str | None:
    """backcare's reminder line in a crontab, if it has one."""
    for line in existing.splitlines():
        if line.rstrip().endswith(CRON_TAG):
            return line
    return None


def cron_time(line: str) -> At | None:
    """The time of day a reminder crontab line runs at."""
    fields = line.split()
    if len(fields) >= 2 and all(f.isascii() and f.isdigit() for f in fields[:2]):
        return At(int(fields[1]), int(fields[0]))
    return None


def systemd_service(script: str) -> str:
    return (
        "[Unit]\n"
        "Description=backcare: a reminder when today's check-in is not done\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart=/bin/sh -c {_systemd_quote(script)}\n"
    )


def systemd_timer(at: At) -> str:
    return (
        "[Unit]\n"
        "Description=backcare: daily check-in reminder\n\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {at}:00\n"
        "Persistent=false\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def systemd_time(timer: str) -> At | None:
    """The time of day in a timer unit written by systemd_timer."""
    match = re.search(r"^OnCalendar=\*-\*-\* (\d{2}):(\d{2}):00$", timer, re.MULTILINE)
    return At(int(match.group(1)), int(match.group(2))) if match else None


def _systemd_quote(text: str) -> str:
    # systemd's own quoting: double quotes, backslash escapes; '%' starts a specifier and '$' a variable.
    inner = text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{inner}"'


def launchd_plist(at: At, script: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n<dict>\n'
        f"  <key>Label</key><string>{LAUNCHD_LABEL}</string>\n"
        "  <key>ProgramArguments</key>\n"
        f"  <array><string>/bin/sh</string><string>-c</string><string>{escape(script)}</string></array>\n"
        "  <key>StartCalendarInterval</key>\n"
        f"  <dict><key>Hour</key><integer>{at.hour}</integer><key>Minute</key><integer>{at.minute}</integer></dict>\n"
        "</dict>\n</plist>\n"
    )


def launchd_time(plist: str) -> At | None:
    match = re.search(r"<key>Hour</key><integer>(\d+)</integer><key>Minute</key><integer>(\d+)</integer>", plist)
    return At(int(match.group(1)), int(match.group(2))) if match else None


def shell_hook(shell: str, backcare: list[str], home: str | None) -> str:
    """One line for the shell's start-up file: prints due's line only when today's check-in is not done."""
    words = [*backcare, *(["--home", home] if home else []), "due"]
    command = shlex.join(words)
    if shell == "fish":
        return f"status is-interactive; and begin; set -l due ({command} 2>&1); or printf '%s\\n' $due; end"
    if shell in ("bash", "zsh"):
        return f"__backcare_due=$({command} 2>&1) || printf '%s\\n' \"$__backcare_due\"; unset __backcare_due"
    raise InvalidInput(f"Shell hooks exist for bash, zsh and fish, not {shell!r}.")
