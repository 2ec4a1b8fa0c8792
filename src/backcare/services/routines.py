"""The person's routines: which one is active, where they are in it, and applying today's decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.domain.progress import StageEvent
from backcare.domain.routine import DEFAULT_SETTINGS, Dose, Exercise, Routine, Settings, lighter
from backcare.errors import BackcareError, ContentError, InvalidInput, StoreError
from backcare.store import Store
from backcare.valueclass import frozen

if TYPE_CHECKING:
    # Imported where they are made: a daily command that needs only the active routine or today's plan
    # (`learn` for the pain limit, `session --done`) leaves out the dashboard's and the listings' classes.
    from backcare.domain.dashboard import Stage
    from backcare.domain.exercise_entry import LibraryExercise, TodaysExercise
    from backcare.domain.progress_view import ProgressView
    from backcare.domain.progression import Decision
    from backcare.domain.routine_rows import RoutineRow, RoutineVersion

ACTIVE_KEY = "active_routine"
BUILTIN = "default"
SESSIONS_CONSIDERED = 200


@frozen
class ActiveRoutine:
    name: str
    routine: Routine
    builtin: bool
    started: date | None
    missing: str | None = None  # the routine the setting names when it is not stored (the built-in one is shown)

    @property
    def note(self) -> str | None:
        """What to tell the person when their routine could not be found (None when it was)."""
        if self.missing is None:
            return None
        return (
            f"Your routine {self.missing!r} could not be found; showing the built-in routine. "
            "Import it again with backcare routine import FILE."
        )


def _builtin() -> Routine:
    from backcare.content import bundled_routine

    return bundled_routine(BUILTIN)


def builtin_name() -> str:
    return _builtin().name


def load(store: Store, name: str) -> tuple[Routine, bool]:
    """The routine called `name` (an imported copy, or the built-in one) and whether it is built in."""
    source = store.routine_source(name)
    if source is None:
        builtin = _builtin()
        if name in (BUILTIN, builtin.name):
            return builtin, True
        known = [builtin.name] + [r["name"] for r in store.routines()]
        from difflib import get_close_matches

        close = get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else " See 'backcare routine list'."
        raise InvalidInput(f"There is no routine called {name!r}.{hint}")
    from backcare.content.stored import load_stored_routine

    # strict=False: a copy imported by an older backcare may have a non-final stage without `advance`.
    return load_stored_routine(source, f"stored routine {name!r}"), False


def active_routine(store: Store) -> ActiveRoutine:
    return _active(store)[0]


def _active(store: Store) -> tuple[ActiveRoutine, list[StageEvent]]:
    """The active routine and its stage history (read once: the day's decision needs both)."""
    name = store.get_setting(ACTIVE_KEY)
    missing = None
    if name is not None and not is_known(store, name):
        missing, name = name, None  # e.g. a recovered database that lost its routines: never a dead end
    if name is None:
        routine, builtin = _builtin(), True
    else:
        routine, builtin = load(store, name)
    key = routine.name if builtin else name
    history = store.stage_history(key)
    started = history[0].day if history else None
    return ActiveRoutine(key, routine, builtin, started, missing), history  # type: ignore[arg-type]


def current_settings(store: Store) -> Settings:
    """The physio's progression settings where the person is in their active routine (the defaults when the
    stored routine cannot be read)."""
    from backcare.domain.progression import position

    try:
        active = active_routine(store)
    except ContentError:
        return DEFAULT_SETTINGS
    stage = position(active.routine, store.stage_history(active.name)).stage
    return active.routine.settings_for(stage)


def current_pain_limit(store: Store) -> int:
    """The acceptable pain during exercise in the stage the person is at in their active routine."""
    return current_settings(store).pain_limit


def list_routines(store: Store) -> list[RoutineRow]:
    from backcare.domain.routine_rows import RoutineRow

    active = active_routine(store).name
    builtin = builtin_name()
    rows = [RoutineRow(builtin, True, None, None, builtin == active)]
    rows += [RoutineRow(r["name"], False, r["origin"], r["imported_at"], r["name"] == active) for r in store.routines()]
    return rows


@frozen
class StageGone:
    """The person's stage is not in the new version of their routine: which one should they be at?"""

    old_id: str
    old_name: str
    old_position: int  # 0-based, in the version they were following
    routine: Routine  # the new version
    suggested: int  # 0-based: the stage in the same position, clamped to the last stage


@frozen
class Imported:
    name: str
    routine: Routine
    version: int
    previous: int | None  # the version it replaced; None for a routine new to this home
    stage: str | None  # the person's stage in the new version; None when they have not started it
    moved: str | None  # one sentence when their stage was gone and they were moved, else None

    @property
    def unchanged(self) -> bool:
        return self.previous == self.version


def import_routine(
    store: Store,
    path: Path,
    name: str | None,
    today: date | None = None,
    pick: Callable[[StageGone], str] | None = None,
) -> Imported:
    """Validate a physio's file, keep it as the routine's newest version (earlier versions stay), make it active.

    The person keeps their stage by its id. When the new version has no stage with that id, `pick` chooses one
    (a terminal asks the person); without `pick` they stay at the stage in the same position (the last stage if
    the new version is shorter). That move is recorded in the stage history with its reason."""
    from backcare.content import check_routine_file

    routine, problems = check_routine_file(path)
    if problems or routine is None:
        more = (
            f" (and {len(problems) - 1} more problems; run 'backcare routine check {path}')"
            if len(problems) > 1
            else ""
        )
        raise BackcareError(f"{problems[0]}{more}" if problems else f"{path} is not a valid routine.")
    key = check_name(name or routine.name)
    text = path.read_bytes().decode("utf-8-sig")
    images = _read_images(path, routine)
    day = today or date.today()
    stage, event, moved = _stage_after_import(store, key, text, routine, day, pick)
    version, previous = store.save_routine_version(key, text, str(path.resolve()), event)
    store.save_routine_images(key, images)
    store.set_setting(ACTIVE_KEY, key)
    return Imported(key, routine, version, previous, stage, moved)


def _stage_after_import(
    store: Store, key: str, text: str, routine: Routine, day: date, pick: Callable[[StageGone], str] | None
) -> tuple[str | None, StageEvent | None, str | None]:
    """(the person's stage in the new version, the stage event to record, the sentence saying why)."""
    history = store.stage_history(key)
    old_text = store.routine_source(key)
    if not history or old_text is None:
        return None, None, None
    old_id, old_name, old_index = _stage_in_stored(store, key, old_text, history)
    if routine.stage(old_id) is not None:
        return old_id, None, None
    suggested = min(old_index, len(routine.stages) - 1)
    gone = StageGone(old_id, old_name, old_index, routine, suggested)
    chosen = pick(gone) if pick is not None else routine.stages[suggested].id
    target = routine.stage(chosen)
    if target is None:
        raise InvalidInput(f"The new version has no stage {chosen!r}.")
    number = len(store.routine_versions(key)) + 1
    if pick is not None:
        how = "chosen when importing"
    else:
        how = f"the stage in the same position ({suggested + 1} of {len(routine.stages)})"
        if old_index > suggested:
            how = f"the last stage (the new version has {len(routine.stages)}; you were at stage {old_index + 1})"
    moved = (
        f"Your stage {old_name!r} ({old_id}) is not in version {number} of {key!r}: "
        f"you are now at {target.name!r} ({target.id}), {how}."
    )
    event = StageEvent(key, day, target.id, "manual", (f"Routine updated to version {number}. {moved}",), manual=True)
    return target.id, event, moved


def _stage_in_stored(store: Store, key: str, text: str, history: list[StageEvent]) -> tuple[str, str, int]:
    """(id, name, 0-based position) of the person's stage in the stored version of routine `key`."""
    from backcare.errors import ContentError

    try:
        old, _builtin = load(store, key)  # read as the daily commands read it
    except ContentError:
        old = None
    if old is not None:
        from backcare.domain import progression

        stage_id = progression.position(old, history).stage
        index = old.stage_index(stage_id)
        return stage_id, old.stages[index].name, index
    # A copy that today's checks no longer accept: follow the history over its stage ids.
    stages = _stages_of(text)
    ids = [s.id for s in stages]
    current = ids[0] if ids else history[-1].stage
    for event in history:
        if event.decision not in ("hold", "stop") and event.stage in ids:
            current = event.stage
    index = ids.index(current) if current in ids else 0
    return current, stages[index].name if current in ids else current, index


def _stages_of(text: str) -> list[Stage]:
    """The stages (id and name) of a stored routine text, even one that today's checks no longer accept."""
    from backcare.content import check_routine_text
    from backcare.domain.dashboard import Stage

    routine, _problems = check_routine_text(text, "stored routine")
    if routine is not None:
        return [Stage(s.id, s.name) for s in routine.stages]
    from backcare.content import load_yaml

    data, _problems = load_yaml(text, "stored routine")
    raw = data.get("stages") if isinstance(data, dict) else None
    return [
        Stage(str(s.get("id")), str(s.get("name", s.get("id"))))
        for s in (raw if isinstance(raw, list) else [])
        if isinstance(s, dict)
    ]


def versions(store: Store, name: str) -> list[RoutineVersion]:
    """The kept versions of a routine, oldest first, each with its stages (the built-in one has one)."""
    from backcare.domain.dashboard import Stage
    from backcare.domain.routine_rows import RoutineVersion

    routine, builtin = load(store, name)
    if builtin:
        return [RoutineVersion(1, True, None, None, True, [Stage(s.id, s.name) for s in routine.stages])]
    return [
        RoutineVersion(
            row["version"], row["current"], row["imported_at"], row["origin"], False, _stages_of(row["source"])
        )
        for row in store.routine_versions(name)
    ]


def _read_images(path: Path, routine: Routine) -> list[tuple[str, str, str, bytes]]:
    """The routine's pictures, read now (already checked): kept in the database, since the folder may go."""
    from backcare.content.images import read_image

    out = []
    for exercise, relative in routine.images:
        found = read_image(path.parent, relative)
        if isinstance(found, str):
            raise BackcareError(f"{path}: {found}; nothing was imported.")
        out.append((exercise, relative, *found))
    return out


def check_name(name: str, hint: str = "; choose another with --name") -> str:
    """The name a stored routine may have: 1-80 characters, not the built-in routine's."""
    key = name.strip()
    if not key or len(key) > 80:
        raise InvalidInput("A routine name must be 1-80 characters.")
    if key == builtin_name() or key == BUILTIN:
        raise InvalidInput(f"{key!r} is the built-in routine's name{hint}.")
    return key


def is_known(store: Store, name: str) -> bool:
    """Whether `name` is a routine backcare can load (the built-in one, or one stored in this home)."""
    return name in (BUILTIN, builtin_name()) or store.routine_source(name) is not None


def use(store: Store, name: str) -> ActiveRoutine:
    routine, builtin = load(store, name)
    key = routine.name if builtin else name
    store.set_setting(ACTIVE_KEY, key)
    return active_routine(store)


def export_text(store: Store, name: str, version: int | None = None) -> str:
    routine, builtin = load(store, name)
    if version is not None:
        kept = [1] if builtin else [row["version"] for row in store.routine_versions(name)]
        if version not in kept:
            have = f"only version {kept[0]}" if len(kept) == 1 else f"versions {kept[0]}-{kept[-1]}"
            raise BackcareError(f"{name!r} has {have}; there is no version {version}. See 'backcare routine versions'.")
    if builtin:
        from backcare.content import bundled_routine_text

        return bundled_routine_text(BUILTIN)
    if version is not None:
        return next(row["source"] for row in store.routine_versions(name) if row["version"] == version)
    return store.routine_source(name) or ""


# -- progression ------------------------------------------------------------------------------
@frozen
class Progress:
    active: ActiveRoutine
    decision: Decision
    exercises: list[TodaysExercise]
    history: list[StageEvent]

    def view(self) -> ProgressView:
        """What `routine show` and `routine why` give (the JSON shape through its `as_dict`)."""
        from backcare.domain.dashboard import Stage
        from backcare.domain.progress_view import ProgressView

        stage = self.active.routine.stage(self.decision.stage)
        return ProgressView(
            routine=self.active.name,
            decision=self.decision.decision,
            stage=Stage(stage.id, stage.name) if stage else None,
            from_stage=self.decision.from_stage,
            easier=self.decision.easier,
            flare=self.decision.flare,
            reasons=list(self.decision.reasons),
            pain_limit=self.active.routine.settings_for(self.decision.stage).pain_limit,
            exercises=self.exercises,
            routine_note=self.active.note,
        )

    def as_dict(self) -> dict[str, Any]:
        return self.view().as_dict()


CHECKIN_DAYS_CONSIDERED = 84  # the usual pain level looks back 28 days, from a level that has settled itself


def progress(store: Store, today: date, *, record: bool = True) -> Progress:
    """Decide for today and, when asked, keep the decision as the day's entry in the stage history.

    The decision depends only on the data up to today and on the stage history before today, so reading the
    day again gives the same decision; a check-in or session logged later that day can change it, and the
    day's entry is then replaced (one engine decision per day). See docs/architecture-notes.md for why a
    read records it at all.
    """
    day = decide_day(store, today, record=record)
    return Progress(day.active, day.decision, todays_for(day.active.routine, day.decision), day.history)


@frozen
class Day:
    """The day's decision for the active routine (`progress` without today's exercises)."""

    active: ActiveRoutine
    decision: Decision
    history: list[StageEvent]


def decide_day(store: Store, today: date, *, record: bool = True) -> Day:
    """`progress` without building today's exercises: what `session --done` needs (it records their ids and
    doses, which the routine gives without the exercise library; see `todays_doses`)."""
    # Imported here: `trend` and `report` need the active routine but not the engine.
    from backcare.domain import progression
    from backcare.services import safety

    active, history = _active(store)
    routine = active.routine
    if not history and record:
        event = StageEvent(active.name, today, routine.stages[0].id, "start", ("Started the routine.",))
        if _record(store, event):
            history = [event]
    checkins = store.checkins(since=today - timedelta(days=CHECKIN_DAYS_CONSIDERED), until=today)
    # Stage criteria look at no more than the last 100 sessions; a long stage need not load years of them.
    # The engine counts the ids done and skipped and reads the day, stage and scores: no session is built.
    sessions = store.session_tallies(active.name, SESSIONS_CONSIDERED)
    decision = progression.decide(routine, history, checkins, sessions, safety.gate(store, today), today)
    if record and history:
        history = _keep_day_decision(store, active.name, history, decision, today) or history
    return Day(active, decision, history)


def refresh_day(store: Store, today: date) -> None:
    """Decide today again when a decision for today is already kept: a safety answer or a clearance given
    after the dashboard may set or lift a stop, and the kept entry (which the report shows) must follow it.
    A routine that cannot be read leaves the entry for the next dashboard, which will say why."""
    from backcare.domain.progression import is_engine_event

    try:
        active = active_routine(store)
        if any(e.day == today and is_engine_event(e) for e in store.stage_history(active.name)):
            progress(store, today)
    except BackcareError:
        return


def _keep_day_decision(
    store: Store, name: str, history: list[StageEvent], decision: Decision, today: date
) -> list[StageEvent] | None:
    """Record today's decision when it changes where the person is (replacing today's earlier one); the new
    history, or None when nothing needed writing or the home cannot be written."""
    from backcare.domain.progression import day_event, is_engine_event

    kept = [e for e in history if e.day == today and is_engine_event(e)]
    event = day_event(name, history, decision, today)
    wanted = [(event.stage, event.decision, event.reasons)] if event else []
    if [(e.stage, e.decision, e.reasons) for e in kept] == wanted:
        return None
    try:
        store.set_day_decision(name, today, event)
    except StoreError:
        return None
    return [e for e in history if not (e.day == today and is_engine_event(e))] + ([event] if event else [])


def _record(store: Store, event: StageEvent) -> bool:
    """Record a decision; a home that cannot be written (read-only, full) still gets today's advice."""
    try:
        store.add_stage_event(event)
    except StoreError:
        return False
    return True


def todays_for(routine: Routine, decision: Decision) -> list[TodaysExercise]:
    """Today's exercises after the day's decision (none when it stops them)."""
    from backcare.domain.progression import STOP

    if decision.decision == STOP:
        return []
    return todays_exercises(routine, decision.stage, decision.easier)


def todays_exercises(routine: Routine, stage_id: str, easier: bool) -> list[TodaysExercise]:
    from backcare.domain.exercise_entry import TodaysExercise

    return [
        TodaysExercise(**_entry_fields(ex, dose, swapped_from), lighter=eased)
        for ex, dose, swapped_from, eased in _todays(routine, stage_id, easier)
    ]


def todays_doses(routine: Routine, stage_id: str, easier: bool) -> list[tuple[str, Dose]]:
    """Today's exercises as (id, dose), as `todays_exercises` gives them. The routine holds every dose; the
    exercise library is read only for the easier versions after a flare-up."""
    if easier:
        return [(ex.id, dose) for ex, dose, _swapped, _eased in _todays(routine, stage_id, easier)]
    stage = routine.stage(stage_id) or routine.stages[0]
    return [(item.exercise, item.dose) for item in stage.exercises]


def _todays(routine: Routine, stage_id: str, easier: bool) -> list[tuple[Exercise, Dose, str | None, bool]]:
    """(exercise, dose, the exercise it is the easier version of, whether the dose was made lighter) for each
    of today's exercises."""
    from backcare.content import library

    lib: dict[str, Exercise] = {**library(), **{e.id: e for e in routine.exercises}}
    stage = routine.stage(stage_id) or routine.stages[0]
    out = []
    for item in stage.exercises:
        ex, dose, swapped_from, eased = lib[item.exercise], item.dose, None, False
        if easier and ex.easier and ex.easier in lib:
            swapped_from, ex = ex.id, lib[ex.easier]
            dose = ex.dose
        elif easier:  # no easier variant in the library: the same exercise with a lighter dose
            dose = lighter(dose, ex)
            eased = dose != item.dose
        out.append((ex, dose, swapped_from, eased))
    return out


def exercise_ids(routine: Routine) -> frozenset[str]:
    from backcare.content import library

    return frozenset(library()) | {e.id for e in routine.exercises}


def _entry_fields(ex: Exercise, dose: Dose, easier_than: str | None = None) -> dict[str, Any]:
    """The fields an ExerciseEntry shares: the exercise's description with this dose."""
    return {
        "id": ex.id,
        "name": ex.name,
        "category": ex.category,
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_seconds": dose.hold_seconds,
        "side": dose.side,
        "reps_max": dose.reps_max,
        "duration_seconds": dose.duration_seconds,
        "rest_seconds": dose.rest_seconds,
        "rpe": dose.rpe,
        "tempo": dose.tempo,
        "load": dose.load,
        "notes": dose.notes,
        "dose": dose.describe(),
        "summary": ex.summary,
        "steps": list(ex.steps),
        "cues": list(ex.cues),
        "mistakes": list(ex.mistakes),
        "cautions": list(ex.cautions),
        "equipment": list(ex.equipment),
        "position": ex.position,
        "easier_version_of": easier_than,
    }


def exercise_rows(category: str | None = None) -> list[LibraryExercise]:
    """The bundled exercise library, in file order, optionally one category."""
    from backcare.content import library
    from backcare.domain.exercise_entry import LibraryExercise
    from backcare.domain.routine import CATEGORIES

    if category is not None and category not in CATEGORIES:
        raise InvalidInput(f"Categories are {', '.join(CATEGORIES)}, not {category!r}.")
    rows = []
    for ex in library().values():
        if category is None or ex.category == category:
            rows.append(LibraryExercise(**_entry_fields(ex, ex.dose), easier=ex.easier, harder=ex.harder))
    return rows


def set_stage(store: Store, stage_id: str, reason: str, today: date) -> tuple[str, str]:
    """A physio's or the person's manual override, recorded with its reason."""
    active = active_routine(store)
    stage = active.routine.stage(stage_id)
    if stage is None:
        from difflib import get_close_matches

        ids = [s.id for s in active.routine.stages]
        close = get_close_matches(stage_id, ids, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Stages: {', '.join(ids)}."
        raise InvalidInput(f"{active.name!r} has no stage {stage_id!r}.{hint}")
    note = reason.strip() or "No reason given."
    store.add_stage_event(StageEvent(active.name, today, stage.id, "manual", (f"Set by hand: {note}",), manual=True))
    return active.name, stage.name
