"""backcare changes the mode only of files and folders it made: never through a link, never another program's
file, a device or a folder (and a file that is then reported as "left untouched" really is)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from backcare.outfiles import make_private_dirs, tighten_if_ours
from backcare.paths import DB_NAME, ensure_private_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('beach')")
    conn.commit()
    conn.close()


def text_file(path: Path) -> None:
    path.write_text("my shopping list\n")


def device(path: Path) -> None:
    os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 3))


@pytest.mark.parametrize("make", [foreign_sqlite, text_file, device], ids=["other-app-sqlite", "text", "device"])
@pytest.mark.parametrize("linked", [False, True], ids=["in-place", "symlinked"])
def test_a_file_that_is_not_backcare_s_database_keeps_its_mode(cli, home, tmp_path, make, linked):
    home.mkdir(mode=0o700)
    real = (tmp_path / "elsewhere") if linked else (home / DB_NAME)
    try:
        make(real)
    except PermissionError:
        pytest.skip("cannot make a device node here")
    os.chmod(real, 0o644)
    if linked:
        (home / DB_NAME).symlink_to(real)
    before = real.read_bytes() if stat.S_ISREG(os.stat(real).st_mode) else None
    result = cli("history", "--json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert mode(real) == 0o644
    if before is not None:
        assert real.read_bytes() == before


def test_a_folder_named_like_the_database_keeps_its_mode(cli, home):
    (home / DB_NAME).mkdir(parents=True, mode=0o755)
    os.chmod(home / DB_NAME, 0o755)
    result = cli("history", "--json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert mode(home / DB_NAME) == 0o755


def test_backcare_s_own_database_is_still_tightened(cli, home):
    assert cli("checkin", "--pain", "2", "--stiffness", "3").exit_code == 0
    os.chmod(home / DB_NAME, 0o644)
    assert cli("history", "--json").exit_code == 0
    assert mode(home / DB_NAME) == 0o600


def test_tighten_only_what_is_ours(tmp_path):
    mine = tmp_path / "mine"
    mine.write_bytes(b"ours")
    os.chmod(mine, 0o644)
    link = tmp_path / "link"
    link.symlink_to(mine)
    assert not tighten_if_ours(link) and mode(mine) == 0o644
    assert not tighten_if_ours(mine, accept=lambda head: head.startswith(b"theirs")) and mode(mine) == 0o644
    os.chown(mine, 4242, -1)
    assert not tighten_if_ours(mine) and mode(mine) == 0o644
    os.chown(mine, os.getuid(), -1)
    assert tighten_if_ours(mine, accept=lambda head: head == b"ours") and mode(mine) == 0o600


def test_existing_folders_are_left_alone_and_new_ones_are_private(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    old = os.umask(0)
    try:
        created = make_private_dirs(shared / "a" / "b" / "c")
    finally:
        os.umask(old)
    assert created == [shared / "a", shared / "a" / "b", shared / "a" / "b" / "c"]
    assert [mode(p) for p in created] == [0o700] * 3 and mode(shared) == 0o755


def test_an_existing_home_of_someone_else_is_not_changed(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chmod(theirs, 0o755)
    os.chown(theirs, 4242, -1)
    ensure_private_dir(theirs)
    assert mode(theirs) == 0o755
    mine = tmp_path / "mine"
    mine.mkdir()
    os.chmod(mine, 0o755)
    ensure_private_dir(mine)
    assert mode(mine) == 0o700
