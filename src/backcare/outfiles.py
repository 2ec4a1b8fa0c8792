"""Files backcare writes where the person asks (reports, exports, routine files, backups), and the folders it makes.

One rule for every such file:
- `-` means standard output; an existing FIFO or character device (a pipe, /dev/null, a terminal) is written to
  as a stream, never replaced by a regular file.
- An existing regular file is replaced only with `--force`; anything else (a folder, a socket, a block device,
  a link pointing nowhere) is refused.
- The live database, its journal, WAL and shared-memory files and its `.bak` backups are refused, however they
  are reached (another name, a symbolic link, a hard link): files are compared by device and inode.
- A new file is created 0600 with O_CREAT | O_EXCL | O_NOFOLLOW, written whole in the destination folder, flushed
  to disk and then moved into place, so a reader never sees half a file and a failure leaves nothing behind.

Standard library only: the store uses it too, and it is imported on the paths that write files.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, Union

from backcare.errors import BackcareError, InvalidInput

if TYPE_CHECKING:
    from typing import TypeAlias

SIDECARS = ("-journal", "-wal", "-shm")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}
STDOUT = "stdout"
STREAM = "stream"
FILE = "file"
# What can be written: text, bytes, an iterable of either, or a function that streams text into an open file.
Content: TypeAlias = Union[str, bytes, Iterable[Union[str, bytes]], Callable[[TextIO], None]]


class Target:
    """Where an output goes: standard output, an existing stream (FIFO, device), or a regular file."""

    __slots__ = ("kind", "path", "replace")

    def __init__(self, kind: str, path: Path | None, replace: bool = False):
        self.kind = kind
        self.path = path
        self.replace = replace

    def __str__(self) -> str:
        return "standard output" if self.path is None else str(self.path)


# -- creating files and folders ------------------------------------------------------------------


def create_private(path: str | os.PathLike[str]) -> int:
    """Open a new file for writing, mode 0600 whatever the umask. Never follows a link or reuses a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask can only remove bits; this also undoes an umask of 0777
    except OSError:
        os.close(fd)
        raise
    return fd


def make_private_dirs(path: Path) -> list[Path]:
    """Create `path` and every missing parent, each 0700 whatever the umask. Returns the folders created here.

    Folders that already exist are left as they are (they may be shared, like ~/.cache): only folders
    created by this call have their mode set, through a descriptor opened without following links.
    """
    missing: list[Path] = []
    current = Path(os.path.abspath(path))
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    created = []
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue  # made by someone else meanwhile: not ours to change
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)
        created.append(folder)
    return created


def tighten_if_ours(path: Path, mode: int = 0o600, *, accept: Callable[[bytes], bool] | None = None) -> bool:
    """Set `mode` on an existing file only if it is a regular file owned by this user (and, when `accept` is
    given, empty or with a first 100 bytes it accepts). Never follows a link, never opens a device.
    True when the mode was changed."""
    try:
        before = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(before.st_mode) or before.st_uid != os.getuid() or before.st_mode & 0o777 == mode:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino) or not stat.S_ISREG(now.st_mode):
            return False  # replaced between the look and the open
        if accept is not None and now.st_size and not accept(os.pread(fd, 100, 0)):
            return False  # not the kind of file backcare makes: leave it untouched
        os.fchmod(fd, mode)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


# -- deciding where an output goes ---------------------------------------------------------------


def _companions(database: Path) -> tuple[set[tuple[int, int]], tuple[int, int] | None]:
    """(device, inode) of the database, its companions and backups that exist, and of its folder."""
    folder = database.parent
    ids: set[tuple[int, int]] = set()
    try:
        fst = os.stat(folder)
        names = [p.name for p in folder.glob(f"{database.name}*")]
    except OSError:
        return ids, None
    for name in names:
        if name == database.name or name[len(database.name) :] in SIDECARS or name.endswith(".bak"):
            try:
                st = os.stat(folder / name)
            except OSError:
                continue
            ids.add((st.st_dev, st.st_ino))
    return ids, (fst.st_dev, fst.st_ino)


def is_protected(path: Path, database: Path) -> bool:
    """True when writing `path` would write the live database, one of its journal, WAL or shared-memory files
    (existing or not yet) or one of its `.bak` backups, by any name: files and folders compared by device and
    inode. When the database is reached through a link, the linked-to file's companions count too."""
    try:
        st: os.stat_result | None = os.stat(path)
    except OSError:
        st = None
    try:
        real = Path(os.path.realpath(path))
        pst: os.stat_result | None = os.stat(real.parent)
    except OSError:
        pst = None
    for db in {database, Path(os.path.realpath(database))}:
        ids, folder_id = _companions(db)
        if st is not None and (st.st_dev, st.st_ino) in ids:
            return True
        if pst is not None and folder_id == (pst.st_dev, pst.st_ino) and real.name.startswith(db.name):
            rest = real.name[len(db.name) :]
            if rest == "" or rest in SIDECARS or rest.endswith(".bak"):
                return True
    return False


def plan(name: str | os.PathLike[str], *, force: bool, protect: Path | None = None, what: str = "file") -> Target:
    """Where output named `name` goes, or a BackcareError saying why nothing will be written there."""
    text = os.fspath(name)
    if text == "-":
        return Target(STDOUT, None)
    if not text.strip():
        raise InvalidInput(f"The {what} name is blank; give a file name, or '-' for standard output.")
    if text.endswith(("/", os.sep)) and not os.path.isdir(os.path.expanduser(text)):
        raise BackcareError(
            f"{text} names a folder that does not exist; give a file name to write to (nothing was written)."
        )
    path = Path(text).expanduser()
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    except OSError as exc:
        raise BackcareError(f"backcare cannot use {path} ({exc.strerror or exc}); nothing was written.") from None
    st = link
    if link is not None and stat.S_ISLNK(link.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            raise BackcareError(
                f"{path} is a link to a file that does not exist; backcare does not follow it. "
                "Choose another name (nothing was written)."
            ) from None
        path = Path(os.path.realpath(path))
    if protect is not None and is_protected(path, protect):
        raise BackcareError(
            f"{path} is backcare's own database (or one of its journal or backup files); "
            "choose another file (nothing was written)."
        )
    if st is None:
        folder = path.parent
        if not folder.is_dir():
            raise BackcareError(f"The folder {folder} does not exist, so nothing was written.")
        return Target(FILE, path)
    if stat.S_ISDIR(st.st_mode):
        raise BackcareError(f"{path} is a folder; give a file name to write to (nothing was written).")
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return Target(STREAM, path)
    if not stat.S_ISREG(st.st_mode):
        raise BackcareError(f"{path} is not a regular file; backcare does not replace it (nothing was written).")
    if not force:
        raise BackcareError(f"{path} already exists: pass --force to overwrite it (nothing was written).")
    return Target(FILE, path, replace=True)


# -- writing -------------------------------------------------------------------------------------


def full_disk_message(path: Path) -> str:
    return (
        f"The disk holding {path.parent} is full, so {path} was not written. Free some space or choose another place."
    )


def _failure(path: Path, exc: OSError) -> BackcareError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return BackcareError(full_disk_message(path))
    return BackcareError(f"backcare cannot write {path} ({exc.strerror or exc}); nothing was written.")


def discard(tmp: Path) -> None:
    """Remove a temporary file and any SQLite companion files left beside it."""
    for suffix in ("", *SIDECARS):
        try:
            os.unlink(f"{tmp}{suffix}")
        except OSError:
            pass


def _temp_name(path: Path) -> Path:
    # shortened so that a long (but valid) file name still leaves room for the temporary one's additions
    return path.with_name(f".{path.name[:200]}.{os.getpid()}-{os.urandom(4).hex()}.tmp")


def sync_folder(folder: Path) -> None:
    """Make a new or renamed entry in `folder` durable (best effort: some file systems cannot)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit(tmp: Path, path: Path, *, replace: bool) -> None:
    """Move a finished temporary file into place; without `replace`, never over a file that appeared meanwhile."""
    if replace:
        os.replace(tmp, path)
    else:
        try:
            os.link(tmp, path, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if os.path.lexists(path):  # a file system without hard links: check, then rename
                raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
            os.rename(tmp, path)
        else:
            os.unlink(tmp)
    sync_folder(path.parent)


@contextmanager
def _exit_cleanly_on_termination() -> Iterator[None]:
    """While a named temporary file exists, SIGTERM and SIGHUP end backcare through its clean-up code (exit
    status 128 + the signal) instead of at once; SIGKILL cannot be caught, which is why files are written
    unnamed when the file system allows it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, stop)
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def atomic_path(path: Path, *, replace: bool = False) -> Iterator[Path]:
    """A private temporary file beside `path` for a writer that needs a name (SQLite); moved into place when
    the block succeeds, removed (with any journal SQLite left beside it) when it fails or is terminated."""
    with _exit_cleanly_on_termination():
        with _atomic_path(path, replace=replace) as tmp:
            yield tmp


@contextmanager
def _atomic_path(path: Path, *, replace: bool) -> Iterator[Path]:
    tmp = _temp_name(path)
    os.close(create_private(tmp))
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        commit(tmp, path, replace=replace)
    except BaseException:
        discard(tmp)
        raise


def _stream_to_stdout(write: Callable[[TextIO], None]) -> None:
    """Streamed output is UTF-8 whatever the terminal's encoding (PYTHONIOENCODING=ascii, LANG=C): the bytes go
    to stdout as they would to a file."""
    import io
    import sys

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        write(out)
        out.flush()
    finally:
        out.detach()  # leave stdout itself open


def _chunks(content: str | bytes | Iterable[str | bytes]) -> Iterator[bytes]:
    if isinstance(content, (str, bytes)):
        content = (content,)
    for chunk in content:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _write_all(fd: int, content: Content) -> None:
    if callable(content):  # a writer that streams text (a large export): give it the file, buffered, as UTF-8
        import io

        raw = io.FileIO(fd, "w", closefd=False)
        text = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", newline="")
        try:
            content(text)
            text.flush()
        finally:
            text.detach()
        return
    for data in _chunks(content):
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]


def _write_file(target: Target, content: Content) -> None:
    path = target.path
    assert path is not None
    with _exit_cleanly_on_termination():
        _write_unnamed_or_named(path, target.replace, content)


def _write_unnamed_or_named(path: Path, replace: bool, content: Content) -> None:
    tmp: Path | None = None
    try:
        fd = _unnamed(path.parent)
        if fd < 0:
            tmp = _temp_name(path)
            fd = create_private(tmp)
        try:
            _write_all(fd, content)
            os.fsync(fd)
            if tmp is None:  # unnamed: link it in under its final name (or a temporary one, to replace a file)
                name = _temp_name(path) if replace else path
                if _link_fd(fd, name):
                    tmp = name
                else:
                    tmp = _temp_name(path)
                    _copy_to_new(fd, tmp)
                if tmp == path:
                    tmp = None
                    sync_folder(path.parent)
                    return
            commit(tmp, path, replace=replace)
            tmp = None
        finally:
            os.close(fd)
    except FileExistsError:
        raise BackcareError(f"{path} appeared while backcare was writing it; it was left as it is.") from None
    except OSError as exc:
        raise _failure(path, exc) from None
    finally:
        if tmp is not None:
            discard(tmp)


def _unnamed(folder: Path) -> int:
    """A file with no name yet in `folder` (O_TMPFILE): if backcare is killed, nothing is left behind.
    -1 when the system or file system cannot make one (then a named temporary file is used)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return -1
    try:
        fd = os.open(folder, flag | os.O_RDWR | _CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS):
            raise
        return -1
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return fd


def _link_fd(fd: int, path: Path) -> bool:
    """Give the unnamed file open as `fd` the name `path` (FileExistsError if taken); False if unsupported."""
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    try:
        # dir fds make CPython use linkat(AT_SYMLINK_FOLLOW), which links the open file, not the /proc link
        os.link(f"/proc/self/fd/{fd}", path.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=True)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOSPC, errno.EDQUOT):
            raise
        return False
    finally:
        os.close(folder)
    return True


def _copy_to_new(fd: int, tmp: Path) -> None:
    out = create_private(tmp)
    try:
        size, offset = os.fstat(fd).st_size, 0
        while offset < size:
            sent = os.sendfile(out, fd, offset, size - offset)
            if not sent:
                break
            offset += sent
        os.fsync(out)
    finally:
        os.close(out)


def write_output(target: Target, content: Content) -> None:
    """Write `content` (text, bytes, an iterable of either, or a function that writes to a text file) to a
    planned target."""
    if target.kind == STDOUT:
        import sys

        if callable(content):
            _stream_to_stdout(content)
            return
        for chunk in (content,) if isinstance(content, (str, bytes)) else content:
            if isinstance(chunk, str):
                sys.stdout.write(chunk)
            else:
                sys.stdout.flush()
                sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    if target.kind == STREAM:
        assert target.path is not None
        try:
            fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY | _CLOEXEC)
        except OSError as exc:
            raise _failure(target.path, exc) from None
        try:
            _write_all(fd, content)
        except OSError as exc:
            raise _failure(target.path, exc) from None
        finally:
            os.close(fd)
        return
    _write_file(target, content)


def write_private(
    name: str | os.PathLike[str],
    content: Content,
    *,
    force: bool = False,
    protect: Path | None = None,
    what: str = "file",
) -> Target:
    """Plan and write in one step; returns where it went."""
    target = plan(name, force=force, protect=protect, what=what)
    write_output(target, content)
    return target
