"""The exercise library (data/exercises.yaml) and the rules every exercise follows, bundled or custom."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from functools import cache

from backcare.content.cache import disk_cached
from backcare.content.checks import Checker, did_you_mean
from backcare.content.problems import show, summarize
from backcare.content.yamlsafe import YNode
from backcare.domain.routine import CATEGORIES, FLARE_DOSES, MAX_DURATION, MAX_REST, POSITIONS, SIDES, Dose, Exercise
from backcare.valueclass import frozen, mutable

EXERCISE_KEYS = (
    "id",
    "name",
    "category",
    "summary",
    "steps",
    "cues",
    "mistakes",
    "dose",
    "easier",
    "harder",
    "equipment",
    "cautions",
    "position",
    "tags",
    "flare_dose",
)
EXERCISE_REQUIRED = ("id", "name", "category", "steps")
DOSE_KEYS = ("sets", "reps", "hold", "duration", "side", "rest", "rpe", "tempo", "load")

# Ranges, shared with the routine format and kept equal to data/routine.schema.json (a test compares them).
SETS = (1, 10)
REPS = (1, 100)
HOLD = (1, 600)  # seconds
DURATION = (1, MAX_DURATION)  # seconds: a timed activity, up to an hour
REST = (0, MAX_REST)  # seconds
RPE = (0, 10)
REPS_RANGE_PATTERN = "^([1-9][0-9]?|100)-([1-9][0-9]?|100)$"
TEMPO_MAX = 20
LOAD_MAX = 60
NOTES_MAX = 300
NAME_MAX = 80
SUMMARY_MAX = 200  # one line
LINE_MAX = 300  # one step, cue, mistake or caution
STEPS = (1, 20)
CUES = (1, 10)
MISTAKES = (1, 10)
CAUTIONS = (1, 10)
EQUIPMENT = (0, 10)
EQUIPMENT_MAX = 80

# Tags a card can carry. `flexion`: the exercise bends the spine forward (rounding, curling up, hugging the
# knees); `desk`: it can be done at or beside a desk; `pregnancy`: it is an option during pregnancy.
TAGS = ("flexion", "desk", "pregnancy")

# The cautions rule: a card in the `release` category, or tagged `flexion`, must have cautions, and they must
# name each of these risks (any one of the listed spellings, case-insensitive). Release (pressure from a ball,
# roller or heat) is not for someone on blood thinners, on broken skin or over a recent injury; forward bending
# needs care with osteoporosis or a past spinal fracture. The same rule holds for the bundled library and for
# exercises a physio writes into a routine file.
CAUTION_RULES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "release": (
        ("blood thinners", ("blood thinner", "blood-thinning", "anticoagulant")),
        ("broken skin", ("broken skin", "open wound")),
        ("a recent injury", ("recent injury", "recently injured", "new injury")),
    ),
    "flexion": (
        ("osteoporosis", ("osteoporosis",)),
        ("a past spinal fracture", ("spinal fracture", "fracture in your spine", "broken bone in your spine")),
    ),
}


def caution_rules(category: str | None, tags: tuple[str, ...] | None) -> list[str]:
    """The rules (keys of CAUTION_RULES) that apply to a card of this category and these tags."""
    return [rule for rule in CAUTION_RULES if rule == category or rule in (tags or ())]


def missing_cautions(category: str | None, tags: tuple[str, ...] | None, cautions: tuple[str, ...]) -> list[str]:
    """The risks a card's cautions must name but do not (empty when the card follows the cautions rule)."""
    text = " ".join(cautions).lower()
    missing: list[str] = []
    for rule in caution_rules(category, tags):
        for risk, spellings in CAUTION_RULES[rule]:
            if not any(s in text for s in spellings) and risk not in missing:
                missing.append(risk)
    return missing


@frozen
class Limits:
    """How much an exercise may say, and which fields it must have."""

    summary_max: int
    steps: tuple[int, int]
    cues: tuple[int, int]
    mistakes: tuple[int, int]
    cautions: tuple[int, int]
    required: tuple[str, ...]


# Generous for physios' own exercises in a routine file (a two-step custom exercise is fine).
CUSTOM = Limits(SUMMARY_MAX, STEPS, CUES, MISTAKES, CAUTIONS, EXERCISE_REQUIRED)
# The bundled library is held to a house style: a summary that fits one short line, 3-7 steps, a few cues,
# mistakes and cautions; every card complete (check_bundled_card: every key of BUNDLED_REQUIRED written out).
BUNDLED = Limits(99, (3, 7), (1, 4), (1, 4), (1, 3), EXERCISE_REQUIRED)


@mutable
class ExerciseDraft:
    """An exercise read from a file, before its easier/harder links are checked against all known ids."""

    node: YNode
    id: str | None
    id_node: YNode | None
    fields: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)  # 'easier'/'harder' -> (YNode, id or None)
    ok: bool = True

    def build(self) -> Exercise:
        return Exercise(id=self.id, **self.fields)  # type: ignore[arg-type]


# Clinical words people write for a dose, and the field that says it. A key in this table is never offered a
# did-you-mean (so 'rest' could never become 'reps').
_ADVICE = {
    "sets": "sets are 'sets' (1-10)",
    "reps": "repetitions are 'reps': a number, or a range like 8-12",
    "hold": "seconds each repetition is held are 'hold' (like 20 or \"1m\")",
    "duration": "a walk or other timed activity takes 'duration' (like \"20 min\"); seconds per repetition are 'hold'",
    "side": "which side is 'side' (both, each, left or right)",
    "rest": "rest between holds and sets is 'rest' (seconds like 60, or \"1m30s\")",
    "rpe": "target effort is 'rpe', 0-10 (shown as effort N/10)",
    "tempo": "the speed of each repetition is 'tempo', as text like \"3-1-1\"",
    "load": "weight or resistance is 'load', as text like \"2 x 16 kg\"",
    "notes": "your instruction for this exercise is 'notes' (text)",
    "per_week": "how often is the routine's 'per_week' at the top of the file (sessions a week)",
}
CLINICAL_WORDS = {
    **dict.fromkeys(("set", "rounds", "circuits"), "sets"),
    **dict.fromkeys(("rep", "repetitions", "repeats", "count", "times"), "reps"),
    **dict.fromkeys(("holds", "hold_time", "hold_seconds", "isometric"), "hold"),
    **dict.fromkeys(("time", "minutes", "mins", "min", "seconds", "secs", "length", "distance"), "duration"),
    **dict.fromkeys(("sides", "laterality", "limb", "leg", "arm"), "side"),
    **dict.fromkeys(("pause", "recovery", "break", "interval", "rest_time", "rest_between", "wait"), "rest"),
    **dict.fromkeys(("intensity", "effort", "exertion", "borg", "difficulty"), "rpe"),
    **dict.fromkeys(("weight", "kg", "kgs", "lbs", "resistance", "band", "dumbbell", "kettlebell"), "load"),
    **dict.fromkeys(("speed", "pace", "cadence", "rhythm"), "tempo"),
    **dict.fromkeys(("comment", "comments", "note", "instruction", "instructions", "cue", "remarks"), "notes"),
    **dict.fromkeys(("frequency", "per_day", "times_per_day", "daily", "weekly"), "per_week"),
}
KEY_MATCH_FLOOR = 0.75  # how alike a misspelt key must be to an allowed one for a did-you-mean


def key_advice(allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    """The message for an unknown key in a dose: the right field for a clinical word, a did-you-mean above a
    similarity floor, else the allowed keys."""

    def advise(key: str) -> str | None:
        word = key.strip().lower()
        target = word if word in _ADVICE and word not in allowed else CLINICAL_WORDS.get(word)
        import difflib

        if target is not None:
            if target in allowed and difflib.SequenceMatcher(None, word, target).ratio() >= KEY_MATCH_FLOOR:
                return f"unknown key {show(key)} (did you mean {show(target)}?)"  # a plain typo: "set", "note"
            if target in allowed or target == "per_week":
                return f"unknown key {show(key)}: {_ADVICE[target]}"
            return f"unknown key {show(key)} (allowed here: {', '.join(allowed)})"
        close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=KEY_MATCH_FLOOR)
        if close:
            return f"unknown key {show(key)} (did you mean {show(close[0])}?)"
        return f"unknown key {show(key)} (allowed here: {', '.join(allowed)})"

    return advise


def read_dose(ck: Checker, node: YNode, what: str) -> dict | None:
    """The dose fields of a mapping (see read_dose_fields); only the keys given. None when something is wrong."""
    fields = ck.mapping(node, what, DOSE_KEYS, unknown=key_advice(DOSE_KEYS))
    if fields is None:
        return None
    out = read_dose_fields(ck, fields, start_ok=len(fields) == len(node.value))
    if out is not None and not check_dose(ck, fields, out, Dose()):
        return None
    return out


def read_dose_fields(ck: Checker, fields: dict[str, YNode], start_ok: bool = True) -> dict | None:
    """The Dose fields given (sets, reps and reps_max, hold_seconds, duration_seconds, side, rest_seconds, rpe,
    tempo, load, notes), each checked on its own. None when something is wrong."""
    ok = start_ok
    out: dict = {}
    if "sets" in fields:
        out["sets"] = ck.integer(fields["sets"], "sets", *SETS)
    if "reps" in fields:
        reps = read_reps(ck, fields["reps"])
        if reps is None:
            ok = False
        else:
            out["reps"], out["reps_max"] = reps
    if "hold" in fields:
        out["hold_seconds"] = ck.hold(
            fields["hold"],
            "hold",
            *HOLD,
            fix=": for a walk or other timed activity use duration (up to 60 minutes)",
        )
    if "duration" in fields:
        out["duration_seconds"] = ck.hold(
            fields["duration"],
            "duration",
            *DURATION,
            fix=": for longer, split it into bouts (sets: 2, duration: 45 min)",
        )
    if "side" in fields:
        out["side"] = ck.choice(fields["side"], "side", SIDES)
    if "rest" in fields:
        out["rest_seconds"] = ck.hold(
            fields["rest"], "rest", *REST, fix=": rest between sets is usually 30 seconds to 3 minutes"
        )
    if "rpe" in fields:
        node = fields["rpe"]
        value = node.value
        if node.kind == "scalar" and isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 10:
            ck.add(node, f"rpe must be from 0 to 10 (got {value}): it is effort on a 0-10 scale, 10 the hardest")
            out["rpe"] = None
        else:
            out["rpe"] = ck.integer(node, "rpe", *RPE)
    for key, limit in (("tempo", TEMPO_MAX), ("load", LOAD_MAX), ("notes", NOTES_MAX)):
        if key in fields:
            out[key] = ck.text(fields[key], key, limit)
    if any(value is None for key, value in out.items() if key != "reps_max"):
        ok = False
    return out if ok else None


def read_reps(ck: Checker, node: YNode) -> tuple[int, int | None] | None:
    """reps: a whole number, or a range like 8-12 (aim for the range). (low, high or None)."""
    import re

    value = node.value
    if node.kind == "scalar" and isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]{1,6})\s*-\s*([0-9]{1,6})\s*", value)
        if m:
            low, high = int(m.group(1)), int(m.group(2))
            if not (REPS[0] <= low <= REPS[1] and REPS[0] <= high <= REPS[1]):
                ck.add(node, f"reps must be from {REPS[0]} to {REPS[1]} (got {show(value)})")
                return None
            if low > high:
                ck.add(node, f"the reps range {show(value)} is written backwards: write {high}-{low}")
                return None
            if low == high:
                ck.add(node, f"the reps range {show(value)} has the same number twice: write reps: {low}")
                return None
            if not re.fullmatch(REPS_RANGE_PATTERN[1:-1], value):
                ck.add(node, f"write the reps range as two numbers and a hyphen, like 8-12 (got {show(value)})")
                return None
            return low, high
    reps = ck.integer(node, "reps", *REPS)
    return None if reps is None else (reps, None)


def check_dose(
    ck: Checker,
    fields: dict[str, YNode],
    given: dict,
    base: Dose,
    name: str = "",
    warn: Callable[[YNode, str], None] | None = None,
) -> bool:
    """Whether the dose given (on top of the exercise's own `base`) makes sense as a prescription; reports
    each thing that does not, at the field that causes it. `warn` gets what is allowed but probably not meant."""
    ok = True
    what = f"{name} is a timed activity" if name else "a timed activity"
    several = "reps" in fields and (given.get("reps", 1) != 1 or given.get("reps_max"))
    if "duration_seconds" in given and "hold" in fields:
        ck.add(fields["hold"], "give a duration or a hold, not both: duration is for a walk or other timed activity")
        ok = False
    if "duration_seconds" in given and several:
        ck.add(fields["reps"], f"{what} with a duration, not reps: remove reps (use sets for repeated bouts)")
        ok = False
    elif base.duration_seconds and several and "hold" not in fields and warn is not None:
        warn(
            fields["reps"],
            f"{what}: reps here means that many bouts of its full length; to set its length, use duration "
            "(and sets for repeated bouts)",
        )
    return ok


def read_exercise(ck: Checker, node: YNode, index: int, limits: Limits = CUSTOM) -> ExerciseDraft:
    """Check one exercise entry (the library's or a routine's custom one), except its easier/harder links."""
    label = f"exercise {index}"
    if node.kind == "map":
        raw_id = node.value.get("id")
        if raw_id is not None and isinstance(raw_id.value, str) and raw_id.value:
            label = f"exercise {show(raw_id.value)}"
    draft = ExerciseDraft(node, None, None)
    before = len(ck.problems)
    fields = ck.mapping(node, label, EXERCISE_KEYS, limits.required)
    if fields is None:
        draft.ok = False
        return draft
    if "id" in fields:
        draft.id_node = fields["id"]
        draft.id = ck.ident(fields["id"], "id")
    out: dict = {}
    if "name" in fields:
        out["name"] = ck.text(fields["name"], "name", NAME_MAX)
    if "category" in fields:
        out["category"] = ck.choice(fields["category"], "category", CATEGORIES)
    if "summary" in fields:
        out["summary"] = ck.text(fields["summary"], "summary", limits.summary_max)
    for key, (low, high) in (
        ("steps", limits.steps),
        ("cues", limits.cues),
        ("mistakes", limits.mistakes),
        ("cautions", limits.cautions),
    ):
        if key in fields:
            out[key] = ck.texts(fields[key], key, low, high, LINE_MAX)
    if "equipment" in fields:
        out["equipment"] = ck.texts(fields["equipment"], "equipment", *EQUIPMENT, EQUIPMENT_MAX)
    if "position" in fields:
        out["position"] = ck.choice(fields["position"], "position", POSITIONS)
    if "tags" in fields:
        items = ck.seq(fields["tags"], "tags", 0, len(TAGS))
        tags = [ck.choice(item, "each tag", TAGS) for item in items or ()]
        out["tags"] = tuple(tags) if items is not None and None not in tags else None
    if "flare_dose" in fields:
        out["flare_dose"] = ck.choice(fields["flare_dose"], "flare_dose", FLARE_DOSES)
    _check_cautions(ck, node, fields, out)
    if "dose" in fields:
        dose = read_dose(ck, fields["dose"], "dose")
        out["dose"] = Dose(**dose) if dose is not None else None
    for key in ("easier", "harder"):
        if key in fields:
            target = fields[key]
            if target.kind == "scalar" and target.value is None:
                draft.links[key] = (target, None)
                out[key] = None
            else:
                draft.links[key] = (target, ck.ident(target, key))
    draft.fields = out
    draft.ok = len(ck.problems) == before and draft.id is not None
    return draft


def _check_cautions(ck: Checker, node: YNode, fields: dict[str, YNode], out: dict) -> None:
    """The cautions rule (see CAUTION_RULES), once the category, tags and cautions have been read."""
    category, tags, cautions = out.get("category"), out.get("tags"), out.get("cautions")
    rules = caution_rules(category, tags)
    if not rules or ("cautions" in fields and cautions is None):
        return  # nothing required, or the cautions already have a problem of their own
    what = " and ".join("release" if r == "release" else "forward-bending (flexion)" for r in rules)
    missing = missing_cautions(category, tags, cautions or ())
    if missing:
        where = fields.get("cautions", node)
        ck.add(where, f"a {what} exercise needs cautions that mention {_and(missing)}: add a line for each")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def check_links(ck: Checker, drafts: list[ExerciseDraft], known: set[str] | dict) -> None:
    """easier/harder must name a known exercise, and not the exercise itself. Fills the fields in."""
    for draft in drafts:
        for key, (node, target) in draft.links.items():
            if target is None:
                if node.value is not None:
                    draft.ok = False
                continue
            if target == draft.id:
                ck.add(node, f"{key} cannot be the exercise itself")
                draft.ok = False
            elif target not in known:
                ck.add(node, f"{key}: unknown exercise {show(target)}{did_you_mean(target, known)}")
                draft.ok = False
            else:
                draft.fields[key] = target


# A bundled card gives every field but tags and flare_dose (a physio's own exercise needs only the basics).
BUNDLED_REQUIRED = tuple(key for key in EXERCISE_KEYS if key not in ("tags", "flare_dose"))


def check_bundled_card(ck: Checker, node: YNode) -> None:
    """The bundled library's cards are complete: every key of BUNDLED_REQUIRED is there."""
    if node.kind != "map":
        return
    raw_id = node.value.get("id")
    name = show(raw_id.value) if raw_id is not None and isinstance(raw_id.value, str) else "an exercise"
    for key in BUNDLED_REQUIRED:
        if key not in node.value and key not in EXERCISE_REQUIRED:
            ck.add(node, f"exercise {name} is missing '{key}'")


@cache
@disk_cached("library", home="backcare.domain.routine")
def _library() -> dict[str, Exercise]:
    from backcare.content.data import data_file, data_label
    from backcare.errors import ContentError

    source = data_label("exercises.yaml")
    try:
        raw = data_file("exercises.yaml").read_bytes()
    except OSError as exc:
        raise ContentError(f"The exercise library cannot be read ({source}: {exc.strerror or exc}).") from None
    return parse(raw, source)


def parse(raw: bytes | str, source: str = "exercises.yaml", limits: Limits = BUNDLED) -> dict[str, Exercise]:
    """An exercise library from the file's bytes (or text); ContentError naming the first problem if any."""
    from backcare.content.yamlsafe import parse_bytes
    from backcare.errors import ContentError

    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    root, problems = parse_bytes(data, source)
    ck = Checker(source, problems)
    drafts: list[ExerciseDraft] = []
    if root is not None and not problems:
        top = ck.mapping(root, "the exercise library", ("exercises",), ("exercises",))
        items = ck.seq(top["exercises"], "exercises", 1, 10_000, "exercise") if top and "exercises" in top else None
        for index, node in enumerate(items or (), start=1):
            drafts.append(read_exercise(ck, node, index, limits))
            if limits is BUNDLED:
                check_bundled_card(ck, node)
        seen: dict[str, YNode] = {}
        for draft in drafts:
            if draft.id is None:
                continue
            if draft.id in seen:
                ck.add(draft.id_node, f"duplicate exercise id {show(draft.id)} (first at line {seen[draft.id].line})")
            else:
                seen[draft.id] = draft.id_node  # type: ignore[assignment]
        check_links(ck, drafts, set(seen))
    elif root is None and not problems:
        ck.add(None, "the exercise library is empty")
    if ck.problems:
        raise ContentError(f"The bundled exercise library is not valid: {summarize(ck.sorted_problems())}")
    return {draft.id: draft.build() for draft in drafts}  # type: ignore[misc]


def library() -> dict[str, Exercise]:
    """The bundled exercise library by id (read and checked once per process). Raises ContentError if broken."""
    return dict(_library())


@cache
def topic_ids() -> frozenset[str] | None:
    """Ids of the education topics (data/education.yaml); None when that file cannot be read or is broken,
    in which case routines are not checked against it. Shares the once-per-process load of the topics."""
    from backcare.content.education import topics
    from backcare.errors import ContentError

    try:
        return frozenset(t.id for t in topics())
    except ContentError:
        return None
