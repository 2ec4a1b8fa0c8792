"""Reading the database file's own header (for the quick-check fingerprint) must not cost SQLite its locks.

POSIX advisory locks belong to the process and the file: closing any descriptor of the file drops every lock
the process holds on it, including those of its SQLite connection. A fingerprint read with open()/close()
inside the quick check's read transaction let another process write in the middle of `PRAGMA quick_check`,
which then read half-written pages and reported a sound database as "damaged" (any command, while another
terminal wrote)."""

from __future__ import annotations

import subprocess
import sys

from backcare.store import DB_NAME
from tests.test_export_import import WRITER  # writes a new check-in with a long note, day after day

GRAB = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
    "try:\n    c.execute('BEGIN EXCLUSIVE')\nexcept sqlite3.OperationalError as e:\n    print(e)\n"
    "else:\n    print('got the file')\n"
)


def _other_process_can_write(path) -> str:
    return subprocess.run([sys.executable, "-c", GRAB, str(path)], capture_output=True, text=True).stdout.strip()


def test_the_fingerprint_read_keeps_the_read_lock(home, open_store):
    store = open_store(home)
    path = home / DB_NAME
    store.conn.execute("BEGIN")
    store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        assert _other_process_can_write(path) == "database is locked"  # the read lock holds
        assert store._fingerprint() is not None
        assert _other_process_can_write(path) == "database is locked"  # and still holds after the fingerprint
    finally:
        store.conn.execute("ROLLBACK")
    assert _other_process_can_write(path) == "got the file"


def test_opening_a_store_while_another_process_writes_never_says_damaged(home, open_store):
    from backcare.store import Store

    open_store(home).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(home)])
    try:
        import sqlite3

        watch = sqlite3.connect(home / DB_NAME, timeout=30)
        while watch.execute("SELECT count(*) FROM checkins").fetchone()[0] < 50:  # the writer is under way
            assert writer.poll() is None
        watch.close()
        for _ in range(80):
            Store.open(home).close()  # each runs the quick check: every write changes the fingerprint
    finally:
        writer.kill()
        writer.wait()
