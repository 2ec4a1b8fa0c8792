"""The backcare command line: thin Typer commands that parse, call a service, and render."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Console entry point: never lets a traceback reach the person unless they asked for it."""
    if "due" in sys.argv[1:] or "--version" in sys.argv[1:]:  # answered before Typer is imported (start-up time)
        from backcare.cli.fast import answer_early

        answer_early(sys.argv[1:])
    from backcare.cli import app as application

    # Completion needs every command; otherwise build only the one being run (start-up time).
    wanted = None if any(k.endswith("_COMPLETE") for k in os.environ) else application.command_in(sys.argv[1:])
    app = application.build(wanted)
    debug = "--debug" in sys.argv[1:] or os.environ.get("BACKCARE_DEBUG") == "1"
    try:
        app(prog_name="backcare")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        from backcare.messages import CANCELLED

        print(CANCELLED, file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one sentence, not a traceback
        if debug:
            raise
        print(
            f"backcare hit an unexpected problem ({type(exc).__name__}: {exc}). {_what_was_stored()} "
            "Run again with --debug for details to report.",
            file=sys.stderr,
        )
        sys.exit(1)


def _what_was_stored() -> str:
    """True words about the stored data: the store records whether this process committed a write."""
    store = sys.modules.get("backcare.store")
    if store is not None and store.Store.committed:
        return "What this command had already saved is kept whole (each save is all or nothing)."
    return "Your stored data was not changed by it."
