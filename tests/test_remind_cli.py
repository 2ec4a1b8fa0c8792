"""`backcare remind`: installing, finding and removing the daily reminder, against fake crontab and systemctl
programs on the PATH that record their arguments and stdin."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from backcare.domain.reminder import CRON_TAG

# The fakes are shell scripts (a Python one costs about 20 ms of CPU to start, and a test calls them dozens of
# times). Each call N leaves call-N.args (the program's name, then one argument a line) and, for `crontab -`,
# call-N.stdin (what it was given).
_LOG_CALL = """state="$FAKE_STATE"
n=$(( $(cat "$state/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$state/count"
printf '%s\\n' "$PROG" "$@" > "$state/call-$n.args"
"""

FAKE_CRONTAB = (
    "#!/bin/sh\nPROG=crontab\n"
    + _LOG_CALL
    + r"""if [ "$#" = 1 ] && [ "$1" = "-" ]; then cat > "$state/call-$n.stdin"; fi
if [ -e "$state/crontab-broken" ]; then echo "crontab: cannot open the cron spool" >&2; exit 1; fi
if [ "$#" = 1 ] && [ "$1" = "-l" ]; then
    if [ ! -e "$state/crontab" ]; then echo "no crontab for tester" >&2; exit 1; fi
    cat "$state/crontab"
elif [ "$#" = 1 ] && [ "$1" = "-" ]; then
    cp "$state/call-$n.stdin" "$state/crontab"
else
    exit 2
fi
"""
)

FAKE_SYSTEMCTL = (
    "#!/bin/sh\nPROG=systemctl\n"
    + _LOG_CALL
    + r"""if [ "$#" = 2 ] && [ "$1" = "--user" ] && [ "$2" = "is-system-running" ]; then
    if [ -e "$state/systemd" ]; then echo "$(cat "$state/systemd")"; else echo offline; fi
fi
exit 0
"""
)

OTHER_LINES = "# my own jobs\nMAILTO=me@example.org\n*/5 * * * * /usr/bin/backup --quiet # nightly-ish\n"


class Fakes:
    def __init__(self, root: Path):
        self.state = root / "state"
        self.bin = root / "bin"
        self.state.mkdir(parents=True)
        self.bin.mkdir(parents=True)
        for name, text in (("crontab", FAKE_CRONTAB), ("systemctl", FAKE_SYSTEMCTL)):
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)

    @property
    def crontab(self) -> str | None:
        path = self.state / "crontab"
        return path.read_text() if path.exists() else None

    def calls(self, prog: str) -> list[dict]:
        made = []
        for args in sorted(self.state.glob("call-*.args"), key=lambda p: int(p.stem.split("-")[1])):
            name, *given = args.read_text().splitlines()
            stdin = args.with_suffix(".stdin")
            made.append({"prog": name, "args": given, "stdin": stdin.read_text() if stdin.exists() else None})
        return [c for c in made if c["prog"] == prog]


@pytest.fixture
def fakes(tmp_path, monkeypatch) -> Fakes:
    made = Fakes(tmp_path / "fakes")
    monkeypatch.setenv("FAKE_STATE", str(made.state))
    monkeypatch.setenv("PATH", f"{made.bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "runtime"))  # no systemd there unless a test makes it
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return made


def test_cron_on_is_idempotent_and_off_keeps_every_other_line(cli, fakes):
    (fakes.state / "crontab").write_text(OTHER_LINES)
    first = cli("remind", "on", "--at", "20:00")  # systemd is offline here: cron is chosen
    assert first.exit_code == 0, first.output
    assert "20:00" in first.output and "crontab" in first.output
    assert fakes.crontab.startswith(OTHER_LINES)
    assert [line for line in fakes.crontab.splitlines() if line.endswith(CRON_TAG)][0].startswith("0 20 * * * ")

    assert cli("remind", "on", "--at", "07:30").exit_code == 0
    assert cli("remind", "on", "--at", "07:30").exit_code == 0
    tagged = [line for line in fakes.crontab.splitlines() if line.endswith(CRON_TAG)]
    assert len(tagged) == 1 and tagged[0].startswith("30 7 * * * ")
    assert "every day at 07:30" in cli("remind", "status").output

    off = cli("remind", "off")
    assert off.exit_code == 0 and "removed" in off.output
    assert fakes.crontab == OTHER_LINES
    assert "No reminder" in cli("remind", "status").output
    assert "nothing changed" in cli("remind", "off").output
    assert fakes.crontab == OTHER_LINES


def test_first_crontab_and_print_installs_nothing(cli, fakes):
    printed = cli("remind", "on", "--at", "21:05", "--print")
    assert printed.exit_code == 0 and "5 21 * * * " in printed.output and CRON_TAG in printed.output
    assert fakes.crontab is None
    assert [c for c in fakes.calls("crontab") if c["args"] == ["-"]] == []
    assert cli("remind", "on", "--at", "21:05").exit_code == 0  # "no crontab for user" is an empty one
    assert fakes.crontab.count("\n") == 1 and fakes.crontab.endswith(CRON_TAG + "\n")


def test_systemd_timer_where_systemd_runs(cli, fakes, tmp_path):
    (fakes.state / "systemd").write_text("running")
    on = cli("remind", "on", "--at", "08:15")
    assert on.exit_code == 0, on.output
    units = tmp_path / "config" / "systemd" / "user"
    timer = (units / "backcare-reminder.timer").read_text()
    service = (units / "backcare-reminder.service").read_text()
    assert "OnCalendar=*-*-* 08:15:00" in timer and "due --quiet || notify-send" in service
    args = [c["args"] for c in fakes.calls("systemctl")]
    assert ["--user", "daemon-reload"] in args and ["--user", "enable", "backcare-reminder.timer"] in args
    assert fakes.crontab is None
    assert "08:15" in cli("remind", "status").output and "systemd" in cli("remind", "status").output
    assert cli("remind", "on", "--at", "09:45").exit_code == 0  # again: replaced, still one
    assert "OnCalendar=*-*-* 09:45:00" in (units / "backcare-reminder.timer").read_text()
    assert sorted(p.name for p in units.iterdir()) == ["backcare-reminder.service", "backcare-reminder.timer"]
    assert cli("remind", "status").output.strip().splitlines() == [
        f"Reminder on: every day at 09:45, via a systemd user timer ({units / 'backcare-reminder.timer'})."
    ]

    assert cli("remind", "off").exit_code == 0
    assert not units.joinpath("backcare-reminder.timer").exists()
    assert not units.joinpath("backcare-reminder.service").exists()
    assert ["--user", "disable", "--now", "backcare-reminder.timer"] in [c["args"] for c in fakes.calls("systemctl")]


def test_switching_scheduler_leaves_one_reminder(cli, fakes, tmp_path):
    assert cli("remind", "on", "--at", "20:00", "--via", "cron").exit_code == 0
    moved = cli("remind", "on", "--at", "20:00", "--via", "systemd")
    assert moved.exit_code == 0 and "earlier reminder" in moved.output
    assert CRON_TAG not in (fakes.crontab or "")
    assert len(cli("remind", "status").output.strip().splitlines()) == 1


def test_mistakes_are_one_sentence(cli, fakes):
    bad = cli("remind", "on", "--at", "25:00")
    assert bad.exit_code == 2 and "24-hour clock" in bad.output and "Traceback" not in bad.output
    assert cli("remind", "on", "--at", "20:00", "--via", "atd").exit_code == 2
    (fakes.state / "crontab").write_text(OTHER_LINES)
    (fakes.state / "crontab-broken").write_text("")
    broken = cli("remind", "on", "--at", "20:00", "--via", "cron")
    assert broken.exit_code == 1 and "crontab -l" in broken.output
    assert fakes.crontab == OTHER_LINES


def test_installed_cron_command_notifies_only_when_not_done(cli, fakes, home, tmp_path):
    """Run the very command cron would run, with a fake notify-send, before and after the day's check-in."""
    (fakes.bin / "notify-send").write_text(f'#!/bin/sh\necho "$@" >> {shlex.quote(str(fakes.state / "notified"))}\n')
    (fakes.bin / "notify-send").chmod(0o755)
    assert cli("--home", str(home), "remind", "on", "--at", "20:00", "--via", "cron").exit_code == 0
    line = [x for x in fakes.crontab.splitlines() if x.endswith(CRON_TAG)][0]
    command = line.split(" ", 5)[5].replace("\\%", "%")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "BACKCARE_TODAY": "2026-03-10"}  # cron's bare env

    def fire() -> int:
        before = (fakes.state / "notified").read_text().count("\n") if (fakes.state / "notified").exists() else 0
        subprocess.run(["/bin/sh", "-c", command], env=env, check=False, timeout=60)
        after = (fakes.state / "notified").read_text().count("\n") if (fakes.state / "notified").exists() else 0
        return after - before

    assert cli("safety", "--none", env={"BACKCARE_TODAY": "2026-03-10"}).exit_code == 0
    assert fire() == 1
    assert "check-in" in (fakes.state / "notified").read_text()
    assert cli("checkin", "--pain", "2", "--stiffness", "2", env={"BACKCARE_TODAY": "2026-03-10"}).exit_code == 0
    assert fire() == 0


def test_shell_hook_command(cli, monkeypatch):
    out = cli("remind", "shell", "zsh")
    assert out.exit_code == 0 and out.output.count("\n") == 1 and " due 2>&1" in out.output
    monkeypatch.setenv("SHELL", "/usr/bin/fish")
    assert "status is-interactive" in cli("remind", "shell").output
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    assert cli("remind", "shell").exit_code == 2
    assert cli("remind", "shell", "tcsh").exit_code == 2
