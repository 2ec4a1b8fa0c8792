"""Routine files (format backcare-routine/1): check them, locate every problem, and build a Routine."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from backcare.content.cache import disk_cached
from backcare.content.checks import Checker, did_you_mean, got
from backcare.content.exercises import (
    DOSE_KEYS,
    NAME_MAX,
    ExerciseDraft,
    check_dose,
    check_links,
    key_advice,
    library,
    read_dose_fields,
    read_exercise,
    topic_ids,
)
from backcare.content.problems import Problem, show, summarize
from backcare.content.yamlsafe import BAD, MAX_BYTES, YNode
from backcare.domain.routine import FORMAT, Advance, Dose, Exercise, Prescription, Routine, Settings, Stage
from backcare.valueclass import frozen

TOP_KEYS = (
    "format",
    "name",
    "author",
    "description",
    "review_date",  # printed on the hand-out (routine print)
    "per_week",
    "topics",
    "progression",
    "exercises",
    "stages",
    "images",  # pictures for the hand-out
    "measures",  # outcome measures to take, and how often
    "leg_symptoms",  # ask about leg pain at every check-in
)
TOP_REQUIRED = ("format", "name", "stages")
STAGE_KEYS = ("id", "name", "exercises", "advance", "progression")
ITEM_KEYS = ("id", *DOSE_KEYS, "notes")
ADVANCE_KEYS = ("sessions", "days", "max_pain_during")
ADVANCE_MANUAL = "manual"
# Progression settings (routine level, or a stage's own): key -> (low, high). min_session_share is "N/M".
PROGRESSION_RANGES = {
    "pain_limit": (0, 10),
    "flare_above_usual": (1, 10),
    "flare_days": (1, 7),
    "flare_pain": (1, 10),
    "break_days": (1, 90),
    "reentry_sessions": (0, 10),
}
PROGRESSION_KEYS = (
    "pain_limit",
    "flare_above_usual",
    "flare_days",
    "flare_pain",
    "min_session_share",
    "break_days",
    "reentry_sessions",
)
SHARE_PATTERN = "^[1-9][0-9]?/[1-9][0-9]?$"
MODEL_PAIN_LIMIT = 5  # the pain-monitoring model's acceptable pain during exercise; above it is a warning

# Limits, kept equal to data/routine.schema.json (tests compare them).
AUTHOR_MAX = 80
DESCRIPTION_MAX = 2000
PER_WEEK = (1, 14)
TOPICS = (0, 30)
CUSTOM_EXERCISES = (0, 50)
STAGES = (1, 10)
STAGE_EXERCISES = (1, 20)
SESSIONS = (1, 100)
DAYS = (1, 365)
MAX_PAIN_DURING = (0, 10)
MEASURES = (0, 10)
MEASURE_KEYS = ("id", "every_days")
EVERY_DAYS = (1, 365)

__all__ = [
    "Checked",
    "lint_routine_text",
    "lint_routine_file",
    "check_routine_text",
    "check_routine_file",
    "load_routine_text",
    "load_routine_file",
    "bundled_routine_names",
    "bundled_routine_text",
    "bundled_routine",
]


@frozen
class Checked:
    """What checking a routine file found: the Routine (None if there is any problem), the problems, and the
    warnings (things that are allowed but probably not meant; each message starts with 'warning: ')."""

    routine: Routine | None
    problems: list[Problem]
    warnings: list[Problem]


def lint_routine_text(
    text: str, source: str = "<routine>", *, strict: bool = True, base: Path | None = None
) -> Checked:
    """Check a routine file's text, with warnings. Never raises for any text (see check_routine_text).

    strict=False accepts a non-final stage without `advance` (as files imported by older versions of backcare
    may have; the engine then waits for the physio at that stage)."""
    from backcare.content.yamlsafe import parse

    root, problems = parse(text, source)
    if root is None and problems:
        return Checked(None, problems, [])
    return _check(root, source, problems, strict, base)


def lint_routine_file(path: str | os.PathLike[str]) -> Checked:
    """Like lint_routine_text, reading the file as bytes (UTF-8, at most 2 MB). A file that cannot be read is
    one Problem at 1:1."""
    from backcare.content.yamlsafe import decode

    source = str(path)
    data, problem = _read(Path(path), source)
    if problem is not None:
        return Checked(None, [problem], [])
    text, problems = decode(data, source)  # type: ignore[arg-type]
    if text is None:
        return Checked(None, problems, [])
    return lint_routine_text(text, source, base=Path(path).parent)


def check_routine_text(text: str, source: str = "<routine>") -> tuple[Routine | None, list[Problem]]:
    """Check a routine file's text. Returns (Routine, []) when it is valid, else (None, problems) sorted by place.

    Never raises for any text: every problem, including a YAML one, is a Problem. (The one exception is
    ContentError when backcare's own bundled exercise library is broken: a packaging bug, not the file's.)
    """
    checked = lint_routine_text(text, source)
    return checked.routine, checked.problems


def check_routine_file(path: str | os.PathLike[str]) -> tuple[Routine | None, list[Problem]]:
    """Like check_routine_text, reading the file as bytes (UTF-8, at most 2 MB). A file that cannot be read is
    one Problem at 1:1."""
    checked = lint_routine_file(path)
    return checked.routine, checked.problems


def load_routine_text(text: str, source: str = "<routine>", *, strict: bool = True) -> Routine:
    """The Routine in text; raises ContentError with the first problem (and how many more) when it is not valid."""
    checked = lint_routine_text(text, source, strict=strict)
    return _or_raise(checked.routine, checked.problems)


def load_routine_file(path: str | os.PathLike[str]) -> Routine:
    routine, problems = check_routine_file(path)
    return _or_raise(routine, problems)


def bundled_routine_names() -> list[str]:
    """Names of the built-in routines (data/routines/NAME.yaml), sorted."""
    from backcare.content.data import data_file

    folder = data_file("routines")
    if not folder.is_dir():
        return []
    return sorted(item.name[: -len(".yaml")] for item in folder.iterdir() if item.name.endswith(".yaml"))


def bundled_routine_text(name: str = "default") -> str:
    """The text of a built-in routine. Raises ContentError for an unknown name."""
    from backcare.content.data import data_file
    from backcare.errors import ContentError

    names = bundled_routine_names()
    if name not in names:
        hint = did_you_mean(name, names) or f" (built-in routines: {', '.join(names) or 'none'})"
        raise ContentError(f"There is no built-in routine {show(name)}{hint}.")
    return data_file("routines", f"{name}.yaml").read_bytes().decode("utf-8-sig")


@cache
@disk_cached("routine", home="backcare.domain.routine")
def bundled_routine(name: str = "default") -> Routine:
    """A built-in routine, checked. Raises ContentError if it is unknown or (a packaging bug) not valid."""
    from backcare.content.data import data_label

    return load_routine_text(bundled_routine_text(name), data_label("routines", f"{name}.yaml"))


# ----------------------------------------------------------------------------------------- internals


def _or_raise(routine: Routine | None, problems: list[Problem]) -> Routine:
    if routine is None:
        from backcare.errors import ContentError

        raise ContentError(summarize(problems))
    return routine


def _read(path: Path, source: str, what: str = "routine file") -> tuple[bytes | None, Problem | None]:
    """The bytes of a content file (at most MAX_BYTES), or the one problem that stops it being read."""

    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(source, 1, 1, message)

    try:
        if path.is_dir():
            return problem(f"this is a folder, not a {what}")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                return problem(
                    f"the file is too large ({size / 1024 / 1024:.1f} MB; the limit is "
                    f"{MAX_BYTES // 1024 // 1024} MB): a {what} is a few kilobytes"
                )
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return problem("no such file")
    except PermissionError:
        return problem("cannot read the file: permission denied")
    except IsADirectoryError:
        return problem(f"this is a folder, not a {what}")
    except OSError as exc:
        return problem(f"cannot read the file: {exc.strerror or type(exc).__name__}")
    return data, None


class _RoutineChecker(Checker):
    def __init__(self, source: str, problems: list[Problem], strict: bool = True, base: Path | None = None):
        super().__init__(source, problems)
        self.base = base  # the routine file's folder, where its images are (None: a stored copy)
        self.custom_ids: set[str] = set()
        self.strict = strict
        self.warnings: list[Problem] = []
        self.overrides: dict[str, dict] = {}  # stage id -> its own progression settings

    def warn(self, node: YNode, message: str) -> None:
        self.warnings.append(Problem(self.source, node.line, node.column, f"warning: {message}"))

    def routine(self, root: YNode | None) -> Routine | None:
        if root is None:
            self.add(
                None,
                "the file is empty: a routine needs at least format, name and stages "
                "(run 'backcare routine new FILE' for a starter file)",
            )
            return None
        if root.kind != "map":
            self.add(root, f"the top level must be a mapping with format, name and stages (got {got(root)})")
            return None
        top = self.mapping(
            root, "the routine", TOP_KEYS, TOP_REQUIRED, hints={"format": f": add 'format: {FORMAT}' as the first line"}
        )
        assert top is not None
        fields: dict = {}
        if "format" in top:
            self.format(top["format"])
        if "name" in top:
            fields["name"] = self.text(top["name"], "name", NAME_MAX)
        if "author" in top:
            fields["author"] = self.text(top["author"], "author", AUTHOR_MAX)
        if "description" in top:
            fields["description"] = self.text(top["description"], "description", DESCRIPTION_MAX)
        if "review_date" in top:
            fields["review_date"] = self.review_date(top["review_date"])
        if "per_week" in top:
            fields["per_week"] = self.integer(top["per_week"], "per_week", *PER_WEEK)
        if "topics" in top:
            fields["topics"] = self.topics(top["topics"])
        if "leg_symptoms" in top:
            fields["leg_symptoms"] = self.flag(top["leg_symptoms"], "leg_symptoms")
        settings = Settings()
        if "progression" in top:
            given = self.progression(top["progression"], "progression")
            settings = replace(settings, **given) if given is not None else settings
        fields["settings"] = settings
        self.base_settings = settings  # what a stage's own progression settings are checked against
        lib = library()
        custom = self.custom_exercises(top["exercises"], lib) if "exercises" in top else {}
        fields["exercises"] = tuple(custom.values())
        if "stages" in top:
            fields["stages"] = self.stages(top["stages"], lib, custom)
        if "images" in top:
            fields["images"] = self.images(top["images"], set(lib) | self.custom_ids)
        if "measures" in top:
            fields["measures"] = self.measures(top["measures"])
        if self.problems:
            return None
        stages = tuple(
            replace(stage, settings=replace(settings, **self.overrides[stage.id]))
            if stage.id in self.overrides
            else stage
            for stage in fields["stages"]
        )
        return Routine(**{**fields, "stages": stages})

    def measures(self, node: YNode) -> tuple[tuple[str, int | None], ...] | None:
        """`measures: [{id: psfs, every_days: 14}]`: outcome measures to take (every_days: how often, else
        the measure file's own)."""
        items = self.seq(node, "measures", *MEASURES, item="measure")
        if items is None:
            return None
        out: list[tuple[str, int | None]] = []
        seen: dict[str, YNode] = {}
        for item in items:
            keys = self.mapping(item, "a measure", MEASURE_KEYS, ("id",))
            if keys is None or "id" not in keys:
                continue
            ident = self.ident(keys["id"], "measure id")
            every = self.integer(keys["every_days"], "every_days", *EVERY_DAYS) if "every_days" in keys else None
            if ident is not None and ident in seen:
                self.add(keys["id"], f"measure {show(ident)} is listed twice (first at line {seen[ident].line})")
                continue
            if ident is not None:
                seen[ident] = keys["id"]
                out.append((ident, every))
        return tuple(out)

    def images(self, node: YNode, known: set[str]) -> tuple[tuple[str, str], ...] | None:
        """`images: {exercise-id: picture.png}`: each id known, each path relative; with the routine file's
        folder at hand, each picture exists and is a PNG, JPEG or SVG of at most 2 MB (by its content)."""
        from backcare.content.images import path_problem, read_image

        if node.kind != "map":
            if node.value is not BAD:
                self.add(node, f"images must be a mapping of exercise id to picture file (got {got(node)})")
            return None
        fields: dict[str, YNode] = {}
        for key, value in node.value.items():
            if isinstance(key, str) and key in known:
                fields[key] = value
                continue
            hint = did_you_mean(str(key), known) or ": give the id of an exercise in the library or under 'exercises:'"
            self.add(node.keys[key], f"images names an unknown exercise {show(str(key))}{hint}")
        out: list[tuple[str, str]] = []
        for exercise_id, value in fields.items():
            path = self.text(value, f"the image of {exercise_id}", 1000)
            if path is None:
                continue
            why = path_problem(path)
            if why is None and self.base is not None:
                found = read_image(self.base, path)
                why = found if isinstance(found, str) else None
            if why is not None:
                self.add(value, why)
                continue
            out.append((exercise_id, path))
        return tuple(out)

    def flag(self, node: YNode, name: str) -> bool | None:
        """true or false (YAML 1.2: not yes/no, not quoted)."""
        if node.value is BAD:
            return None
        if node.kind != "scalar" or not isinstance(node.value, bool):
            self.add(node, f"{name} must be true or false (got {got(node)})")
            return None
        return node.value

    def review_date(self, node: YNode) -> date | None:
        """The day the physio wants to see the person again (YYYY-MM-DD), shown on the printed hand-out."""
        text = self.text(node, "review_date", len("YYYY-MM-DD"))
        if text is None:
            return None
        try:
            if len(text) != len("YYYY-MM-DD"):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.add(node, f"review_date must be a date written YYYY-MM-DD, like 2026-03-01 (got {show(text)})")
            return None

    def progression(self, node: YNode, what: str) -> dict | None:
        """The progression settings given in a `progression:` mapping (routine or stage), each checked."""
        fields = self.mapping(node, what, PROGRESSION_KEYS)
        if fields is None:
            return None
        out: dict = {}
        for key, value in fields.items():
            if key == "min_session_share":
                out[key] = self.share(value)
            else:
                out[key] = self.integer(value, key, *PROGRESSION_RANGES[key])
        if any(value is None for value in out.values()):
            return None
        if out.get("pain_limit", 0) > MODEL_PAIN_LIMIT:
            self.warn(fields["pain_limit"], _above_model(out["pain_limit"]))
        self.flare_settings(node, fields, replace(getattr(self, "base_settings", Settings()), **out))
        return out

    def flare_settings(self, node: YNode, fields: dict, settings: Settings) -> None:
        """Warnings for flare-up settings that contradict each other or can hardly ever be met."""
        where = fields.get("flare_pain") or fields.get("pain_limit")
        if where is not None and settings.flare_pain < settings.pain_limit:
            self.warn(
                where,
                f"flare_pain {settings.flare_pain} is below the pain limit of {settings.pain_limit}/10: a day at a "
                "pain the person may exercise into would already count towards a flare-up (set flare_pain to "
                f"{settings.pain_limit} or more)",
            )
        if "flare_above_usual" in fields and settings.flare_above_usual > MODEL_PAIN_LIMIT:
            n = settings.flare_above_usual
            self.warn(
                fields["flare_above_usual"],
                f"flare_above_usual {n} means pain must rise {n} points above the usual level: from a usual level "
                f"above {10 - n}/10 a flare-up could never be seen (the default is 2)",
            )

    def share(self, node: YNode) -> tuple[int, int] | None:
        import re

        value = node.value
        if node.kind == "scalar" and isinstance(value, str) and re.fullmatch(SHARE_PATTERN[1:-1], value):
            num, den = (int(part) for part in value.split("/"))
            if num <= den:
                return num, den
            self.add(node, f"min_session_share must be at most 1 (got {show(value)}): for example 2/3")
            return None
        self.add(node, f"min_session_share must be a fraction of a session's exercises, like 2/3 (got {got(node)})")
        return None

    def format(self, node: YNode) -> None:
        value = node.value
        if node.kind == "scalar" and value == FORMAT:
            return
        if node.kind == "scalar" and isinstance(value, str) and value:
            hint = did_you_mean(value, [FORMAT]) or f" (this backcare reads {FORMAT})"
            self.add(node, f"unknown format {show(value)}{hint}")
        else:
            self.add(node, f"format must be {FORMAT} (got {got(node)})")

    def topics(self, node: YNode) -> tuple[str, ...] | None:
        items = self.seq(node, "topics", *TOPICS, "topic")
        if items is None:
            return None
        known = topic_ids()
        out: list[str] = []
        first: dict[str, int] = {}
        for item in items:
            topic = self.ident(item, "a topic")
            if topic is None:
                continue
            if topic in first:
                self.add(item, f"topic {show(topic)} is listed twice (first at line {first[topic]})")
            elif known is not None and topic not in known:
                hint = did_you_mean(topic, known) or " (it is not one of backcare's education topics)"
                self.add(item, f"unknown topic {show(topic)}{hint}")
            else:
                first[topic] = item.line
                out.append(topic)
        return tuple(out)

    def custom_exercises(self, node: YNode, lib: dict[str, Exercise]) -> dict[str, Exercise]:
        items = self.seq(node, "exercises", *CUSTOM_EXERCISES, "exercise")
        drafts: list[ExerciseDraft] = [read_exercise(self, item, index) for index, item in enumerate(items or (), 1)]
        ids: dict[str, YNode] = {}
        for draft in drafts:
            if draft.id is None:
                continue
            if draft.id in lib:
                self.add(
                    draft.id_node,
                    f"id {show(draft.id)} is already an exercise in the library: "
                    "use the library one in your stages, or choose another id",
                )
                draft.ok = False
            elif draft.id in ids:
                self.add(draft.id_node, f"duplicate exercise id {show(draft.id)} (first at line {ids[draft.id].line})")
                draft.ok = False
            else:
                ids[draft.id] = draft.id_node  # type: ignore[assignment]
        check_links(self, drafts, set(lib) | set(ids))
        # Every custom id that reads as an id is known to the stages (so a mistake inside an exercise is not
        # also reported as an unknown exercise), even if the exercise itself has problems.
        self.custom_ids = set(ids)
        return {draft.id: draft.build() for draft in drafts if draft.ok and draft.id in ids}

    def stages(self, node: YNode, lib: dict[str, Exercise], custom: dict[str, Exercise]) -> tuple[Stage, ...] | None:
        items = self.seq(node, "stages", *STAGES, "stage")
        if items is None:
            return None
        known = set(lib) | self.custom_ids
        out: list[Stage | None] = []
        first: dict[str, int] = {}
        for index, item in enumerate(items, start=1):
            stage_id, stage = self.stage(item, index, lib, custom, known, last=index == len(items))
            if stage_id is not None:
                if stage_id in first:
                    idnode = item.value["id"]
                    self.add(idnode, f"duplicate stage id {show(stage_id)} (first at line {first[stage_id]})")
                    stage = None
                else:
                    first[stage_id] = item.value["id"].line
            out.append(stage)
        if any(stage is None for stage in out):
            return None
        return tuple(out)  # type: ignore[arg-type]

    def stage(
        self, node: YNode, index: int, lib: dict, custom: dict, known: set[str], last: bool = False
    ) -> tuple[str | None, Stage | None]:
        """(the stage id if it reads as one, the Stage if everything in it is valid)."""
        label = f"stage {index}"
        if node.kind == "map" and "id" in node.value and isinstance(node.value["id"].value, str):
            label = f"stage {show(node.value['id'].value)}"
        before = len(self.problems)
        fields = self.mapping(node, label, STAGE_KEYS, ("id", "name", "exercises"))
        if fields is None:
            return None, None
        stage_id = self.ident(fields["id"], "stage id") if "id" in fields else None
        name = self.text(fields["name"], "name", NAME_MAX) if "name" in fields else None
        prescriptions: list[Prescription] = []
        if "exercises" in fields:
            items = self.seq(fields["exercises"], "exercises", *STAGE_EXERCISES, "exercise") or []
            seen: dict[str, int] = {}
            for item in items:
                exercise_id, p = self.prescription(item, lib, custom, known)
                if exercise_id is not None and exercise_id in seen:
                    self.add(
                        item.value["id"],
                        f"{exercise_id} is already in this stage (line {seen[exercise_id]}): list each exercise once",
                    )
                    continue
                if exercise_id is not None:
                    seen[exercise_id] = item.line
                if p is not None:
                    prescriptions.append(p)
        advance = self.advance(fields["advance"]) if "advance" in fields else None
        if "advance" in fields and last:
            self.warn(fields["advance"], f"{label} is the last stage, so its advance rule is never used")
        elif "advance" not in fields and not last and self.strict:
            self.add(
                node,
                f"{label} is not the last stage but has no advance rule: add one (for example "
                "advance: {sessions: 6, days: 10}), or 'advance: manual' if only a clinician moves the person on",
            )
        own = self.progression(fields["progression"], f"{label}'s progression") if "progression" in fields else {}
        if advance is not None and advance.max_pain_during is not None and own and "pain_limit" in own:
            if advance.max_pain_during > own["pain_limit"]:
                self.add(
                    fields["advance"].value["max_pain_during"],
                    f"max_pain_during {advance.max_pain_during} is above this stage's pain limit of "
                    f"{own['pain_limit']}/10: every session above {own['pain_limit']}/10 is already too painful, so "
                    f"set max_pain_during to {own['pain_limit']} or less (or remove it), or raise the stage's "
                    "pain_limit",
                )
        if advance is not None and advance.max_pain_during is not None and own is not None:
            # The physio's pain limit for advancing is the stage's pain limit, unless the stage sets one itself.
            own = {"pain_limit": advance.max_pain_during, **own}
            if advance.max_pain_during > MODEL_PAIN_LIMIT:
                self.warn(fields["advance"].value["max_pain_during"], _above_model(advance.max_pain_during))
        if len(self.problems) != before or stage_id is None or name is None:
            return stage_id, None
        if own:
            self.overrides[stage_id] = own
        return stage_id, Stage(id=stage_id, name=name, exercises=tuple(prescriptions), advance=advance)

    def prescription(
        self, node: YNode, lib: dict, custom: dict, known: set[str]
    ) -> tuple[str | None, Prescription | None]:
        """(the exercise id if it is a known one, the Prescription if its dose is valid too)."""
        if node.kind != "map":
            self.add(
                node,
                "each exercise in a stage must be a mapping like {id: cat-camel, sets: 2, reps: 10} "
                f"(got {got(node)})",
            )
            return None, None
        before = len(self.problems)
        fields = self.mapping(node, "this exercise", ITEM_KEYS, ("id",), unknown=key_advice(ITEM_KEYS))
        assert fields is not None
        exercise_id = None
        if "id" in fields:
            exercise_id = self.ident(fields["id"], "id")
            if exercise_id is not None and exercise_id not in known:
                hint = (
                    did_you_mean(exercise_id, known)
                    or ": use an id from the exercise library, or define the exercise under 'exercises:'"
                )
                self.add(fields["id"], f"unknown exercise {show(exercise_id)}{hint}")
                exercise_id = None
        given = read_dose_fields(self, fields)
        base = (lib.get(exercise_id) or custom.get(exercise_id)) if exercise_id is not None else None
        if (
            given is not None
            and base is not None
            and not check_dose(self, fields, given, base.dose, base.name, warn=self.warn)
        ):
            given = None
        if len(self.problems) != before or given is None or base is None or exercise_id is None:
            # base is None also for a custom exercise with problems of its own (already reported)
            return exercise_id, None
        if given.get("side") == "both" and base.dose.side == "each":
            self.warn(
                fields["side"],
                f"{base.name} is done one side at a time: with side: both the person would do one side only "
                "(use side: each, or left/right for one side)",
            )
        return exercise_id, Prescription(exercise=exercise_id, dose=prescribed_dose(base.dose, given))

    def advance(self, node: YNode) -> Advance | None:
        if (node.kind == "scalar" and node.value is None) or (node.kind == "map" and not node.value):
            self.add(
                node,
                f"advance is empty: remove it, or give at least one of {', '.join(ADVANCE_KEYS)} "
                f"(or '{ADVANCE_MANUAL}')",
            )
            return None
        if node.kind == "scalar" and node.value == ADVANCE_MANUAL:
            return Advance(manual=True)
        if node.kind == "scalar" and node.value is not BAD:
            self.add(
                node,
                f"advance must be a mapping of {', '.join(ADVANCE_KEYS)}, or '{ADVANCE_MANUAL}' (got {got(node)})",
            )
            return None
        fields = self.mapping(node, "advance", ADVANCE_KEYS)
        if fields is None:
            return None
        out: dict[str, int | None] = {}
        for key, (low, high) in (("sessions", SESSIONS), ("days", DAYS), ("max_pain_during", MAX_PAIN_DURING)):
            if key in fields:
                out[key] = self.integer(fields[key], key, low, high)
        if any(value is None for value in out.values()) or not out:
            return None
        return Advance(out.get("sessions"), out.get("days"), out.get("max_pain_during"))


def prescribed_dose(base: Dose, given: dict) -> Dose:
    """The exercise's own dose with what the routine gives on top. A duration makes it a timed activity (no
    reps or hold). On a timed activity, older files wrote one bout as one long hold (reps 1): that hold is its
    duration; several reps of it stay several holds, as they always were."""
    given = dict(given)
    if "duration_seconds" in given:
        given |= {"reps": 1, "reps_max": None, "hold_seconds": None}
    elif base.duration_seconds and ("hold_seconds" in given or "reps" in given):
        if given.get("reps", 1) == 1 and not given.get("reps_max"):
            given["duration_seconds"] = given.pop("hold_seconds", base.duration_seconds)
        else:
            given.setdefault("hold_seconds", base.duration_seconds)
            given["duration_seconds"] = None
    return replace(base, **given)


def _above_model(limit: int) -> str:
    return (
        f"a pain limit of {limit}/10 is above the {MODEL_PAIN_LIMIT}/10 of the pain-monitoring model "
        "(Silbernagel 2007): make sure this person is meant to exercise into more pain"
    )


def _check(
    root: YNode | None, source: str, problems: list[Problem], strict: bool = True, base: Path | None = None
) -> Checked:
    ck = _RoutineChecker(source, problems, strict, base)
    routine = ck.routine(root)
    if ck.problems:
        return Checked(None, ck.sorted_problems(), [])
    return Checked(routine, [], sorted(set(ck.warnings)))
