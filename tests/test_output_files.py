"""Files backcare writes where the person asks (report, export, routine export, routine new, backup).

One rule for all of them: never over the live database or its journal, WAL, shared-memory or backup files
(however they are reached), never replace a pipe or a device, refuse an existing file without --force, create
new files 0600 without following links, write atomically and leave nothing behind when it fails.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import outfiles
from backcare.errors import BackcareError
from backcare.paths import DB_NAME
from backcare.store import Store
from tests.conftest import run_backcare

# Each command with FILE standing for the file it is asked to write. `--force` wherever it exists.
WRITERS = {
    "report": ("report", "--format", "html", "-o", "{file}", "--force"),
    "export-json": ("export", "-o", "{file}", "--force"),
    "export-csv": ("export", "-f", "csv", "-o", "{file}", "--force"),
    "routine-export": ("routine", "export", "default", "-o", "{file}", "--force"),
    "routine-new": ("routine", "new", "{file}", "--force"),
    "backup": ("backup", "-o", "{file}", "--force"),
}


def argv(name: str, file: Path | str) -> list[str]:
    return [a.format(file=file) for a in WRITERS[name]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def seeded(cli, home):
    result = cli("checkin", "--pain", "3", "--stiffness", "4", "--note", "before")
    assert result.exit_code == 0, result.output
    return home


def checkins(home: Path) -> list:
    store = Store.open(home)
    try:
        return [c.as_dict() for c in store.checkins()]
    finally:
        store.close()


# -- the live database and its companions are never written (finding 2 and 3) -------------------------------


@pytest.mark.parametrize("how", ["direct", "symlink", "hardlink"])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_no_writer_touches_the_database_by_any_name(cli, seeded, tmp_path, command, how):
    db = seeded / DB_NAME
    if how == "direct":
        name = db
    elif how == "symlink":
        name = tmp_path / "innocent.yaml"
        name.symlink_to(db)
    else:
        name = tmp_path / "innocent.yaml"
        os.link(db, name)
    before, rows = digest(db), checkins(seeded)
    result = cli(*argv(command, name))
    assert result.exit_code == 1, result.output
    assert "own database" in result.output and "Traceback" not in result.output
    assert digest(db) == before and checkins(seeded) == rows


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm", ".v1-20260101T000000.bak"])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_no_writer_creates_or_replaces_a_database_companion(cli, seeded, command, suffix):
    companion = seeded / (DB_NAME + suffix)
    if suffix.endswith(".bak"):
        shutil.copy(seeded / DB_NAME, companion)
    result = cli(*argv(command, companion))
    assert result.exit_code == 1, result.output
    assert "own database" in result.output
    assert suffix.endswith(".bak") or not companion.exists()
    assert cli("history", "--json").exit_code == 0 and checkins(seeded)


def test_backup_named_like_the_journal_is_refused_and_the_next_run_keeps_the_data(bc, seeded):
    for suffix in ("-journal", "-wal"):
        result = bc("backup", "-o", str(seeded / (DB_NAME + suffix)))
        assert result.returncode == 1, result.stderr
        assert "own database" in result.stderr
        assert not (seeded / (DB_NAME + suffix)).exists()
    assert bc("history", "--json").returncode == 0 and len(checkins(seeded)) == 1


def test_a_file_only_named_like_the_database_is_not_refused(cli, seeded):
    out = seeded / f"{DB_NAME}-x.json"
    result = cli("export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("{")


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from([DB_NAME, *(DB_NAME + s for s in outfiles.SIDECARS), "notes.txt", f"{DB_NAME}-x.json"]))
def test_protection_is_by_file_identity_and_the_sqlite_names(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("home")
    db = folder / DB_NAME
    db.write_bytes(b"x")
    other = tmp_path_factory.mktemp("elsewhere")
    expected = name == DB_NAME or name.startswith(DB_NAME + "-") and name[len(DB_NAME) :] in outfiles.SIDECARS
    assert outfiles.is_protected(folder / name, db) is expected
    # the same folder reached through a link is the same folder
    (other / "via").symlink_to(folder)
    assert outfiles.is_protected(other / "via" / name, db) is expected
    # a hard link to the database anywhere is the database
    os.link(db, other / "hard")
    assert outfiles.is_protected(other / "hard", db)


# -- new files: 0600, never through a link (finding 7 and 18) -------------------------------------------------


def test_backup_to_a_folder_does_not_follow_a_link_planted_at_its_name(cli, seeded, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    victim = tmp_path / "victim.db"
    start = datetime.now()
    for second in range(-2, 30):  # every name the backup could take in the next half minute
        name = f"backcare-backup-{start + timedelta(seconds=second):%Y%m%d-%H%M%S}.db"
        (folder / name).symlink_to(victim)
    result = cli("backup", "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert not victim.exists()
    written = Path(result.stdout.splitlines()[0])
    assert written.parent == folder and not written.is_symlink() and mode(written) == 0o600


def test_a_dangling_link_named_as_output_is_refused(cli, seeded, tmp_path):
    victim = tmp_path / "victim.txt"
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    for command in ("export-json", "report", "routine-new", "backup"):
        result = cli(*argv(command, link))
        assert result.exit_code == 1, result.output
        assert "does not exist" in result.output and not victim.exists()


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_every_written_file_is_private_under_umask_000(cli, seeded, tmp_path, command):
    out = tmp_path / "out" / "file.yaml"
    out.parent.mkdir()
    old = os.umask(0)
    try:
        result = cli(*argv(command, out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    written = [p for p in out.parent.iterdir()]
    assert written and all(mode(p) == 0o600 for p in written), [(p.name, oct(mode(p))) for p in written]


def test_routine_new_writes_its_routine_and_schema_privately(cli, seeded, tmp_path):
    old = os.umask(0o022)
    try:
        result = cli("routine", "new", str(tmp_path / "mine.yaml"))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "mine.yaml") == 0o600
    assert mode(tmp_path / "routine.schema.json") == 0o600


def test_create_private_refuses_links_and_existing_files(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(FileExistsError):
        outfiles.create_private(tmp_path / "link")
    assert not (tmp_path / "target").exists()
    old = os.umask(0o777)
    try:
        fd = outfiles.create_private(tmp_path / "new")
    finally:
        os.umask(old)
    os.close(fd)
    assert mode(tmp_path / "new") == 0o600


# -- existing files, pipes and devices (finding 10) ----------------------------------------------------------


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_existing_file_is_kept_without_force(cli, seeded, tmp_path, command):
    out = tmp_path / "existing.txt"
    out.write_text("keep me\n")
    args = [a for a in argv(command, out) if a != "--force"]
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert "already exists" in result.output and out.read_text() == "keep me\n"
    result = cli(*argv(command, out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() != b"keep me\n" and mode(out) == 0o600


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("command", ["report", "export-json", "export-csv", "routine-export", "routine-new"])
def test_a_fifo_is_written_as_a_stream_and_stays_a_fifo(cli, seeded, tmp_path, command):
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = folder / "pipe"
    os.mkfifo(fifo, 0o600)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    result = cli(*[a for a in argv(command, fifo) if a != "--force"])
    thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and len(got[0]) > 50
    assert sorted(p.name for p in folder.iterdir()) == ["pipe"]


@pytest.mark.parametrize("command", ["report", "export-json", "routine-export"])
def test_a_device_node_is_written_to_not_replaced(cli, seeded, tmp_path, command):
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    except PermissionError:
        pytest.skip("cannot make a device node here")
    result = cli(*[a for a in argv(command, device) if a != "--force"])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_dash_means_standard_output(cli, seeded, tmp_path, monkeypatch):
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for args in (("export", "-o", "-"), ("report", "-o", "-"), ("routine", "export", "default", "-o", "-")):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert len(result.stdout) > 50
    assert list(folder.iterdir()) == []


def test_backup_streams_to_a_pipe_and_standard_output(cli, bc, seeded, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = folder / "pipe"
    os.mkfifo(fifo, 0o600)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    result = cli("backup", "-o", str(fifo))
    thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got[0].startswith(b"SQLite format 3\0")
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "backup", "-o", "-"],
        capture_output=True,
        env={**os.environ, "BACKCARE_HOME": str(seeded)},
    )
    assert done.returncode == 0, done.stderr
    copy = folder / "copy.db"
    copy.write_bytes(done.stdout)
    assert copy.read_bytes().startswith(b"SQLite format 3\0")
    assert checkins_in(copy) == checkins(seeded)
    assert not [p.name for p in seeded.iterdir() if "stream" in p.name]  # the staging copy is gone


def checkins_in(path: Path) -> list:
    home = path.parent / "restored"
    home.mkdir()
    shutil.copy(path, home / DB_NAME)
    return checkins(home)


# -- failures leave nothing behind and name the right disk (finding 14) ---------------------------------------


def small_disk(tmp_path: Path, leave: int = 0):
    """A tiny tmpfs, filled up but for `leave` bytes: writes beyond them fail with 'No space left on device'."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        os.chmod(mount, 0o700)
        fd = os.open(mount / ".filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture
def full_disk(tmp_path):
    yield from small_disk(tmp_path)


@pytest.fixture
def nearly_full_disk(tmp_path):
    yield from small_disk(tmp_path, leave=4096)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".filler")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_full_disk_leaves_nothing_and_names_that_disk(cli, seeded, full_disk, command):
    target = full_disk / "out.yaml"
    result = cli(*argv(command, target))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"The disk holding {full_disk} is full" in result.output
    assert str(seeded) not in result.output  # the database's disk is not to blame
    assert leftovers(full_disk) == []
    assert len(checkins(seeded)) == 1


def test_routine_new_with_room_for_the_routine_but_not_its_schema(cli, seeded, nearly_full_disk):
    target = nearly_full_disk / "mine.yaml"
    result = cli("routine", "new", str(target))
    assert result.exit_code == 0, result.output
    assert "could not write" in result.output and f"The disk holding {nearly_full_disk} is full" in result.output
    assert cli("routine", "check", str(target)).exit_code == 0  # the routine file is whole
    assert leftovers(nearly_full_disk) == ["mine.yaml"]  # and no half schema


@pytest.mark.slow  # killed at a write under strace, like the crash tests: CI runs it
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
@pytest.mark.parametrize("command", ["report", "export-json", "routine-new"])
def test_a_report_killed_while_writing_leaves_no_temporary_file(seeded, tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    args = [a for a in argv(command, out / "file.txt") if a != "--force"]
    env = {**os.environ, "BACKCARE_HOME": str(seeded)}
    # SIGKILL at the first fsync: the file has been written but not yet moved into place
    cmd = ["strace", "-f", "-o", "/dev/null", "-e", "inject=fsync:signal=SIGKILL", sys.executable, "-m", "backcare"]
    done = subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)
    if "ptrace" in done.stderr:
        pytest.skip("strace cannot trace here")
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert list(out.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.txt"
    path.write_text("old")

    def chunks():
        yield "new start "
        raise OSError(errno.EIO, "Input/output error")

    target = outfiles.plan(path, force=True)
    with pytest.raises(BackcareError, match="Input/output error"):
        outfiles.write_output(target, chunks())
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_writes_work_without_unnamed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(outfiles, "_unnamed", lambda folder: -1)
    target = outfiles.write_private(tmp_path / "a.txt", "text", force=False)
    assert target.path == tmp_path / "a.txt" and (tmp_path / "a.txt").read_text() == "text"
    outfiles.write_private(tmp_path / "a.txt", ["more ", b"text"], force=True)
    assert (tmp_path / "a.txt").read_text() == "more text"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"] and mode(tmp_path / "a.txt") == 0o600


def test_run_as_a_process_the_rule_holds(seeded, tmp_path):
    out = tmp_path / "r.html"
    first = run_backcare("report", "-o", str(out), home=seeded)
    assert first.returncode == 0, first.stderr
    again = run_backcare("report", "-o", str(out), home=seeded)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "--force" in again.stderr


@pytest.mark.slow  # killed at a write under strace, like the crash tests: CI runs it
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_a_backup_terminated_while_writing_leaves_nothing(seeded, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "BACKCARE_HOME": str(seeded)}
    # SIGTERM at the first sync to disk: SQLite is still writing the copy (under a temporary name)
    cmd = [
        "strace",
        "-f",
        "-o",
        "/dev/null",
        "-e",
        "inject=fsync,fdatasync:signal=SIGTERM",
        sys.executable,
        "-m",
        "backcare",
    ]
    done = subprocess.run([*cmd, "backup", "-o", str(out / "b.db")], capture_output=True, text=True, env=env)
    if "ptrace" in done.stderr:
        pytest.skip("strace cannot trace here")
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
    assert len(checkins(seeded)) == 1


def test_a_long_valid_name_can_be_replaced(tmp_path):
    path = tmp_path / ("r" * 250)
    outfiles.write_private(path, "one", force=False)
    outfiles.write_private(path, "two", force=True)
    assert path.read_text() == "two" and [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_database_reached_through_a_link_protects_the_real_file_s_journal(tmp_path):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    (real_folder / "data.db").write_bytes(b"x")
    home = tmp_path / "home"
    home.mkdir()
    (home / DB_NAME).symlink_to(real_folder / "data.db")
    assert outfiles.is_protected(real_folder / "data.db-journal", home / DB_NAME)
    assert outfiles.is_protected(home / (DB_NAME + "-wal"), home / DB_NAME)
    assert not outfiles.is_protected(real_folder / "data.db.json", home / DB_NAME)


KINDS = ["none", "regular", "folder", "fifo", "link-to-regular", "dangling-link", "link-to-folder"]


def make_kind(path: Path, kind: str) -> None:
    if kind == "regular":
        path.write_text("old")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-regular":
        (path.parent / "real").write_text("old")
        path.symlink_to(path.parent / "real")
    elif kind == "dangling-link":
        path.symlink_to(path.parent / "nowhere")
    elif kind == "link-to-folder":
        (path.parent / "real").mkdir()
        path.symlink_to(path.parent / "real")


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from(KINDS), force=st.booleans())
def test_one_rule_decides_every_output(tmp_path_factory, kind, force):
    folder = tmp_path_factory.mktemp("out")
    path = folder / "out.txt"
    make_kind(path, kind)
    expected = {
        "none": "file",
        "regular": "file" if force else "refused",
        "link-to-regular": "file" if force else "refused",
        "fifo": "stream",
        "folder": "refused",
        "link-to-folder": "refused",
        "dangling-link": "refused",
    }[kind]
    try:
        target = outfiles.plan(path, force=force)
    except BackcareError:
        assert expected == "refused"
        assert not (folder / "nowhere").exists()
        return
    assert target.kind == expected
    if kind == "link-to-regular":
        assert target.path == folder / "real"  # the link is followed to the file it names, which is replaced
    if target.kind == "file":
        outfiles.write_output(target, "new")
        assert target.path.read_text() == "new" and mode(target.path) == 0o600
