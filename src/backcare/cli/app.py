"""The Typer application: global options and the list of commands."""

import importlib
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from backcare import __version__
from backcare.cli.state import state


class BackcareGroup(TyperGroup):
    """Turns BackcareError into one sentence on stderr plus its exit code, for every command."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        for arg in args:
            if any("\udc80" <= ch <= "\udcff" for ch in arg):
                # Undecodable bytes in argv arrive as lone surrogates, which no file or database can store.
                raise typer.BadParameter(f"{arg.encode('utf-8', 'replace').decode()!r} is not valid UTF-8 text.")
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        from backcare.errors import BackcareError

        try:
            return super().invoke(ctx)
        except BackcareError as exc:
            from backcare.textsafe import inert

            typer.echo(f"Error: {inert(exc.message)}", err=True)  # it may quote a name from a file or an import
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:  # standard output closed by its reader: the command's work is done
            from backcare.cli import _stdout_to_devnull

            _stdout_to_devnull()
            raise typer.Exit(0) from None
        except OSError as exc:  # a file the person named cannot be used (too long a name, no such folder, ...)
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"Error: {where}{exc.strerror or exc}.", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            from backcare.messages import CANCELLED

            typer.echo(f"\n{CANCELLED}", err=True)
            raise typer.Exit(130) from None


# (name, module in backcare.cli, function, help): the order is the order of `backcare --help`.
# The command modules do not use `from __future__ import annotations`: Typer reads every option's annotation on
# every run, and a string annotation is compiled and evaluated there each time (3-4 ms for `checkin`'s options).
COMMANDS: list[tuple[str, str, str, str]] = [
    (
        "today",
        "today",
        "today",
        "Today's dashboard. Check-in status, the last 7 days, streak, today's exercises and topic of the day.",
    ),
    (
        "checkin",
        "checkin",
        "checkin",
        "Record today's pain and stiffness (0-10). Sleep, stress, leg pain, medicines, tags and a note are "
        "optional; --date backfills.",
    ),
    ("session", "session", "session", "Do today's exercises, one by one. Or log them in one line with --done."),
    (
        "sessions",
        "sessions",
        "sessions_app",
        "Your logged sessions, newest first, and which counted towards moving on. 'sessions delete ID' removes one.",
    ),
    (
        "routine",
        "routine",
        "routine_app",
        "Your exercise routine. Show it, check or import a physio's routine file, override the stage.",
    ),
    ("learn", "learn", "learn", "Short, sourced topics about back pain: one a day."),
    (
        "due",
        "due",
        "due",
        "Is today's check-in done? Exit 0 yes, 1 no, 3 no safety screen yet. Fast enough for a shell prompt hook.",
    ),
    (
        "remind",
        "remind",
        "remind_app",
        "A daily reminder when the check-in is not done: on --at HH:MM, off, status, or a shell hook.",
    ),
    (
        "config",
        "config",
        "config_app",
        "Your settings, kept with your data. get KEY, set KEY VALUE, unset KEY, list (e.g. day-starts).",
    ),
    ("history", "history", "history", "Past check-ins, newest first."),
    ("trend", "trend", "trend", "Pain and stiffness over time. A chart, baseline vs now, weeks, sessions and tags."),
    ("report", "report", "report", "A one-page report for your physio or doctor. HTML (default) or Markdown."),
    (
        "profile",
        "profile",
        "profile",
        "Who the data belongs to. Name, clinic id and clinician, for hand-outs and reports.",
    ),
    (
        "measure",
        "measure",
        "measure_app",
        "Outcome measures: take a questionnaire (PSFS, confidence), see the change, import a clinic's own.",
    ),
    (
        "safety",
        "safety",
        "safety_app",
        "The red-flag safety questions. Signs that need a doctor rather than self-care.",
    ),
    ("delete", "checkin", "delete", "Delete one day's check-in. A copy stays in the edit history."),
    ("export", "transfer", "export", "Export your data. json (everything), csv or fhir (FHIR R4)."),
    ("import", "transfer", "import_", "Import a JSON export. Restores it, or merges it without duplicating days."),
    ("backup", "transfer", "backup", "Back up the database. A consistent copy, safe while backcare runs."),
    ("sync", "sync", "sync", "Send your data to your clinic's FHIR server. Only what changed; only when you run it."),
    (
        "clinic",
        "clinic",
        "clinic_app",
        "For physios: every patient's figures from the clinic's FHIR server ('clinic panel', 'clinic patient ID').",
    ),
    ("where", "where", "where", "Where your data lives. Schema version, counts and an integrity check."),
    ("doctor", "where", "where", "Same as 'where'. Data location, schema version, counts, integrity check."),
    (
        "recover",
        "recover",
        "recover",
        "Save what can be read from a damaged database. Into a new file; the damaged one is left as it is.",
    ),
]
GLOBAL_FLAGS = {"--debug", "--version", "-h", "--help"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backcare {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    home: Annotated[
        Optional[str],
        typer.Option(
            "--home", metavar="PATH", help="Data folder to use (overrides BACKCARE_HOME).", show_default=False
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full error details (for bug reports).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    s = state(ctx)
    s.home_option = home
    s.debug = debug or s.debug
    from backcare import clock

    clock.use_day_starts(s.day_starts)  # "today" follows this data folder's day-rollover hour
    ctx.call_on_close(lambda: clock.use_day_starts(None))  # and only for this run (tests run many in one process)
    ctx.call_on_close(s.close)  # the database is closed when the command ends, not left to the collector
    if ctx.invoked_subcommand is None:
        from backcare.cli.today import today

        today(ctx, json_output=False)


def build(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with just `only` (Typer inspects each command's signature at
    start-up, so a normal run registers only the command it will execute)."""
    app = typer.Typer(
        name="backcare",
        cls=BackcareGroup,
        help="A private, local self-care companion for lower back pain. Run with no command for today's dashboard.",
        no_args_is_help=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(invoke_without_command=True)(root)
    for name, module, attr, help_text in COMMANDS:
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"backcare.cli.{module}"), attr)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name, help=help_text)
        else:
            app.command(name, help=help_text)(target)
    return app


def command_in(argv: list[str]) -> str | None:
    """The one command argv will run, or None when the full app is needed (help, an unknown command)."""
    names = {c[0] for c in COMMANDS}
    args = iter(argv)
    for arg in args:
        if arg == "--home":
            next(args, None)
        elif arg.startswith("--home="):
            continue
        elif arg in GLOBAL_FLAGS - {"-h", "--help"}:
            continue
        elif arg in names:
            return arg
        else:
            return None
    return "today"  # `backcare` alone shows the dashboard


def __getattr__(name: str) -> typer.Typer:
    # `from backcare.cli.app import app` (tests, tools) gets the full app, built on first use.
    if name == "app":
        globals()["app"] = full = build()
        return full
    raise AttributeError(name)
