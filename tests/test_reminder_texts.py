"""The reminder's texts (pure): times, crontab editing, systemd units, launchd agent, shell hooks."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.domain import reminder as r
from backcare.errors import InvalidInput

times = st.builds(r.At, st.integers(0, 23), st.integers(0, 59))
other_lines = st.lists(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
        ),
        max_size=40,
    ).filter(lambda t: not t.rstrip().endswith(r.CRON_TAG)),
    max_size=6,
)


@given(times)
def test_parse_at_round_trips(at):
    assert r.parse_at(str(at)) == at
    assert r.parse_at(f"{at.hour}:{at.minute:02d}") == at


@pytest.mark.parametrize("raw", ["24:00", "7", "7:5", "12:60", "noon", "", "-1:00", "1:00pm", "٣:٠٠"])
def test_parse_at_refuses_with_one_sentence(raw):
    with pytest.raises(InvalidInput) as caught:
        r.parse_at(raw)
    assert "24-hour clock" in caught.value.message and "\n" not in caught.value.message


@given(other_lines, times, times)
def test_crontab_keeps_every_other_line_and_holds_one_reminder(lines, first, second):
    existing = "".join(line + "\n" for line in lines)
    once = r.crontab_with(existing, r.crontab_line(first, "echo hi"))
    twice = r.crontab_with(once, r.crontab_line(second, "echo hi"))
    assert r.crontab_with(twice, r.crontab_line(second, "echo hi")) == twice  # idempotent
    assert [x for x in twice.splitlines() if x.endswith(r.CRON_TAG)] == [r.crontab_line(second, "echo hi")]
    assert r.cron_time(r.crontab_reminder(twice)) == second
    assert r.crontab_without(twice) == existing  # off removes exactly what on added
    assert twice.endswith("\n")  # cron ignores a last line without one


def test_crontab_line_escapes_percent_and_runs_at_the_time():
    line = r.crontab_line(r.At(7, 5), "date +%F")
    assert line.startswith("5 7 * * * ") and "date +\\%F" in line and line.endswith(r.CRON_TAG)


@given(times)
def test_units_and_agent_carry_the_time(at):
    assert r.systemd_time(r.systemd_timer(at)) == at
    assert r.launchd_time(r.launchd_plist(at, "x")) == at


def test_scripts_notify_only_when_not_done():
    linux = r.notify_script(["/opt/bin/backcare"], "/data/my home", "linux")
    assert linux.startswith("/opt/bin/backcare --home '/data/my home' due --quiet || notify-send")
    mac = r.notify_script(["/opt/bin/backcare"], None, "darwin")
    assert mac.startswith("/opt/bin/backcare due --quiet || osascript -e")
    service = r.systemd_service("a '$x' 50% \"q\"")
    assert 'ExecStart=/bin/sh -c "a \'$$x\' 50%% \\"q\\""' in service
    assert "<string>a &amp;&amp; b &lt;c&gt;</string>" in r.launchd_plist(r.At(1, 2), "a && b <c>")


@pytest.mark.parametrize("code", [0, 1, 3])
def test_bash_hook_prints_only_when_not_done(tmp_path, code):
    fake = tmp_path / "backcare"
    fake.write_text(f'#!/bin/sh\necho "due says $*"\nexit {code}\n')
    fake.chmod(0o755)
    hook = r.shell_hook("bash", [str(fake)], None)
    out = subprocess.run(["bash", "-c", hook + "\necho after:${__backcare_due-unset}"], capture_output=True, text=True)
    expected = "" if code == 0 else "due says due\n"
    assert out.stdout == expected + "after:unset\n"
    assert out.returncode == 0


def test_hooks_for_each_shell():
    for shell in r.SHELLS:
        line = r.shell_hook(shell, ["/x/backcare"], "/h")
        assert "\n" not in line and "/x/backcare --home /h due" in line
    with pytest.raises(InvalidInput):
        r.shell_hook("tcsh", ["backcare"], None)
