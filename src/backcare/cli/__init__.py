"""The backcare command line: thin Typer commands that parse, call a service, and render."""

from __future__ import annotations

import os
import sys


def _stdout_to_devnull() -> None:
    """The reader of standard output has gone (`backcare ... | head -1`): send what is left nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _guard_stdout() -> None:
    """Make a closed standard output harmless: once the reader has gone, output is dropped and the command runs
    on to its own exit status (a check-in piped into `true` is saved and exits 0; a failing check still exits 1)."""
    import io

    out = sys.stdout
    try:
        fd = out.fileno()
    except (AttributeError, ValueError, OSError):
        return  # not a real file (tests capture it): the exit points below still catch a broken pipe

    class PipeSafe(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def fileno(self) -> int:
            return fd

        def isatty(self) -> bool:
            return os.isatty(fd)

        def write(self, data) -> int:
            try:
                return os.write(fd, data)
            except BrokenPipeError:
                _stdout_to_devnull()
                return len(data)

    out.flush()
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(PipeSafe()),
        encoding=out.encoding,
        errors=_errors_for(out.encoding, out.errors),
        line_buffering=bool(out.line_buffering),
    )
    err = sys.stderr
    if isinstance(err, io.TextIOWrapper):
        err.reconfigure(errors=_errors_for(err.encoding, err.errors))


# Plain-ASCII stand-ins for the few symbols backcare prints, for a terminal or pipe that cannot show them
# (PYTHONIOENCODING=ascii, LANG=C): the urgent-care message and the dashboard must always come out whole.
_PLAIN = {
    "\u00b7": "-", "\u2013": "-", "\u2014": "-", "\u2192": "->", "\u2190": "<-", "\u2026": "...",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00d7": "x", "\u2265": ">=",
    "\u2264": "<=", "\u2022": "*", "\u2713": "v", "\u2191": "^", "\u2193": "v", "\u00b0": " degrees",
}  # fmt: skip


def _plain(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(_PLAIN.get(ch, "?") for ch in text), exc.end


def _errors_for(encoding: str | None, errors: str | None) -> str:
    """The error handler for a text stream: the stream's own, or plain-ASCII stand-ins where the encoding
    cannot show every character (never a crash half-way through a message)."""
    import codecs

    try:
        name = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        name = ""
    if name.startswith("utf-") or (errors or "strict") != "strict":
        return errors or "strict"
    codecs.register_error("backcare-plain", _plain)
    return "backcare-plain"


def main() -> None:
    """Console entry point: never lets a traceback reach the person unless they asked for it."""
    if "due" in sys.argv[1:] or "--version" in sys.argv[1:]:  # answered before Typer is imported (start-up time)
        from backcare.cli.fast import answer_early

        answer_early(sys.argv[1:])
    import gc

    collecting = gc.isenabled()
    gc.disable()  # see _lasting: what the next lines make lives as long as the process
    try:
        from backcare.cli import app as application

        _guard_stdout()

        # Completion needs every command; otherwise build only the one being run (start-up time).
        wanted = None if any(k.endswith("_COMPLETE") for k in os.environ) else application.command_in(sys.argv[1:])
        app = application.build(wanted)
    finally:
        _lasting(gc, collecting)
    debug = "--debug" in sys.argv[1:] or os.environ.get("BACKCARE_DEBUG") == "1"
    try:
        try:
            app(prog_name="backcare")
        finally:
            gc.unfreeze()  # (for a caller that goes on after main, such as a test; the exit freezes again)
            sys.stdout.flush()  # here, where a closed pipe is handled, not at interpreter exit
    except SystemExit:
        raise
    except BrokenPipeError:  # standard output closed by its reader after the work was done: not a failure
        _stdout_to_devnull()
        sys.exit(0)
    except KeyboardInterrupt:
        from backcare.messages import CANCELLED

        print(CANCELLED, file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one sentence, not a traceback
        if debug:
            raise
        from backcare.textsafe import inert

        print(
            f"backcare hit an unexpected problem ({type(exc).__name__}: {inert(str(exc))}). {_what_was_stored()} "
            "Run again with --debug for details to report.",
            file=sys.stderr,
        )
        sys.exit(1)


def _lasting(gc, collecting: bool) -> None:  # the gc module, imported by main; whether it was collecting before
    """The garbage collector, told what lives as long as the process. Importing Typer and the command makes about
    26,000 objects (modules, classes, functions) that last until exit: collecting while they are made (about 30
    passes, 4 ms here) frees nothing, so main turns collection off for that and then freezes them, so
    that the passes during the command walk only what the command makes. At exit, whatever is left is frozen too
    (an atexit hook, run before the interpreter's last pass): the process is ending and takes its memory with it,
    so that pass (about 5 ms) need not walk everything once more. Finalizers still run as before for everything
    freed by reference counting, atexit hooks and the flush of open files run, and nothing is written or printed
    differently; only objects in reference cycles are left to the end of the process instead of a last pass."""
    import atexit

    gc.freeze()
    if collecting:
        gc.enable()
    if not getattr(_lasting, "registered", False):
        atexit.register(gc.freeze)
        _lasting.registered = True  # type: ignore[attr-defined]


def _what_was_stored() -> str:
    """True words about the stored data: the store records whether this process committed a write."""
    store = sys.modules.get("backcare.store")
    if store is not None and store.Store.committed:
        return "What this command had already saved is kept whole (each save is all or nothing)."
    return "Your stored data was not changed by it."
