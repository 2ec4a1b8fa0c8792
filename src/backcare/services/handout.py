"""The routine as a patient hand-out: plain data for the HTML and Markdown renderers, and where it is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from backcare.domain.handout import Handout, HandoutCard, HandoutStage, plain_dose
from backcare.domain.routine import Exercise, Routine
from backcare.errors import InvalidInput
from backcare.services.documents import choose_format as choose_format  # the rule every document follows
from backcare.store import Store


def build(
    store: Store, today: date, name: str | None = None, stage_id: str | None = None, all_stages: bool = False
) -> Handout:
    """The hand-out of routine `name` (default: the active one) for its current stage, one stage or all."""
    from backcare.domain.progression import pain_limit, stage_pain_limit
    from backcare.services import routines
    from backcare.services.profile import who_line

    if stage_id is not None and all_stages:
        raise InvalidInput("Give either --stage or --all, not both.")
    active = routines.active_routine(store)
    key = name if name is not None else active.name
    routine, _builtin = routines.load(store, key)
    is_active = key == active.name or (active.builtin and _builtin)
    current = _current_stage(store, today, routine, key, is_active)
    if all_stages:
        stages = list(routine.stages)
    elif stage_id is not None:
        stage = routine.stage(stage_id)
        if stage is None:
            ids = ", ".join(s.id for s in routine.stages)
            raise InvalidInput(f"{routine.name!r} has no stage {stage_id!r}. Its stages: {ids}.")
        stages = [stage]
    else:
        stages = [routine.stage(current) or routine.stages[0]]
    lib = _exercises(routine)
    pictures = {} if _builtin else store.routine_images(key)
    limit = pain_limit(routine)
    title, stop = _safety_stop(store, today)
    return Handout(
        safety_title=title,
        safety=stop,
        title=routine.name,
        author=routine.author,
        description=routine.description,
        review_date=routine.review_date.isoformat() if routine.review_date else None,
        per_week=routine.per_week,
        pain_limit=limit,
        who=who_line(store.profile()),
        generated=today.isoformat(),
        stage_count=len(routine.stages),
        stages=[
            HandoutStage(
                id=stage.id,
                name=stage.name,
                number=routine.stage_index(stage.id) + 1,
                current=stage.id == current,
                pain_limit=stage_pain_limit(routine, stage.id),
                exercises=[_card(item, lib[item.exercise], pictures.get(item.exercise)) for item in stage.exercises],
            )
            for stage in stages
        ],
    )


def write(output: str | None, fmt: str, text: str | bytes, today: date, *, protect: Path, force: bool) -> Path | None:
    """Write the hand-out to `output` ('-': standard output, then None); never over an existing file without
    `force`, never over the database (the rule every output file follows)."""
    from backcare.services.files import write_private

    name = output or f"backcare-routine-{today.isoformat()}.{fmt}"
    return write_private(name, text, force=force, protect=protect, what="hand-out").path


def _safety_stop(store: Store, today: date) -> tuple[str, list[str]]:
    """The safety notice for the box at the top of the hand-out while a red flag or an uncleared history answer
    stands (no exercises are offered then); nothing when the person may exercise or has not been screened."""
    from backcare.domain.safety import notice, notice_title
    from backcare.services import safety

    state = safety.current(store, today)
    if not state.screened or not (state.stop or state.needs_clearance):
        return "", []
    return notice_title(state), notice(state)


def _current_stage(store: Store, today: date, routine: Routine, key: str, is_active: bool) -> str:
    """Where the person is in the routine: today's engine position for the active routine (nothing is
    recorded), else the last stage the history names."""
    if is_active:
        from backcare.services import routines

        return routines.progress(store, today, record=False).decision.stage
    known = {s.id for s in routine.stages}
    history = [e.stage for e in store.stage_history(key) if e.stage in known]
    return history[-1] if history else routine.stages[0].id


def _exercises(routine: Routine) -> dict[str, Exercise]:
    from backcare.content import library

    return {**library(), **{e.id: e for e in routine.exercises}}


def _card(item, ex: Exercise, picture: tuple[str, bytes] | None = None) -> HandoutCard:
    from backcare.content.images import data_uri

    note = getattr(item, "notes", None) or getattr(item.dose, "notes", None)
    return HandoutCard(
        id=ex.id,
        name=ex.name,
        dose=plain_dose(item.dose, ex.category, ex.name),
        summary=ex.summary,
        steps=list(ex.steps),
        cues=list(ex.cues),
        cautions=list(ex.cautions),
        equipment=list(ex.equipment),
        note=note if isinstance(note, str) and note.strip() else None,
        image=data_uri(*picture) if picture else None,
    )
