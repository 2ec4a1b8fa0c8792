"""Measure files (format backcare-measure/1): check them, locate every problem in one pass, build a Measure.

A measure file is a questionnaire: its items (ratings with a label at each end, yes/no, or choices), how it is
scored (sum or mean, subscales, reverse-scored items, bands), the change that matters, and the copyright or
licence notice shown with it. The built-in ones are data/measures/*.yaml; clinics import the instruments they
hold licences for (`backcare measure import FILE`).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from backcare.content.checks import Checker, got
from backcare.content.problems import Problem, show, summarize
from backcare.content.yamlsafe import BAD, YNode
from backcare.domain.measures import FORMAT, KINDS, METHODS, Band, Item, Measure, Named, Subscale, number
from backcare.valueclass import frozen

SCHEMA_FILE = "measure.schema.json"
TOP_KEYS = ("format", "id", "title", "instructions", "notice", "every_days", "loinc", "items", "named_items", "scoring")
TOP_REQUIRED = ("format", "id", "title", "instructions", "notice", "scoring")
ITEM_KEYS = ("id", "text", "type", "min", "max", "anchors", "choices", "reverse", "loinc")
ANCHOR_KEYS = ("min", "max")
CHOICE_KEYS = ("value", "label")
NAMED_KEYS = ("prompt", "most", "min", "max", "anchors")
SCORING_KEYS = ("method", "subscales", "bands", "important_change", "better", "loinc")
SCORING_REQUIRED = ("method", "important_change", "better")
SUBSCALE_KEYS = ("id", "title", "items", "method")
BAND_KEYS = ("from", "to", "label")
BETTER = ("higher", "lower")

# Limits, kept equal to data/measure.schema.json (built from them).
TITLE_MAX = 120
TEXT_MAX = 500
INSTRUCTIONS_MAX = 2000
NOTICE_MAX = 2000
LABEL_MAX = 80
ITEMS = (1, 100)
NAMED_MOST = (1, 10)
CHOICES = (2, 20)
SUBSCALES = (0, 20)
BANDS = (0, 20)
EVERY_DAYS = (1, 365)
VALUE = (-1000, 1000)
LOINC_PATTERN = "^[0-9]{1,7}-[0-9]$"
_LOINC_RE = re.compile(LOINC_PATTERN)


@frozen
class CheckedMeasure:
    measure: Measure | None
    problems: list[Problem]


def check_measure_text(text: str, source: str = "<measure>") -> CheckedMeasure:
    """Check a measure file's text: (Measure, []) when it is valid, else (None, every problem, sorted).
    Never raises for any text."""
    from backcare.content.yamlsafe import parse

    root, problems = parse(text, source)
    if root is None:
        return CheckedMeasure(None, problems or [Problem(source, 1, 1, "the file is empty: it needs a measure")])
    checker = Checker(source, problems)
    measure = _Reader(checker).measure(root)
    found = checker.sorted_problems()
    return CheckedMeasure(measure if not found else None, found)


def check_measure_file(path: str | os.PathLike[str]) -> CheckedMeasure:
    """Like check_measure_text, reading the file as bytes (UTF-8, at most 2 MB)."""
    from backcare.content.yamlsafe import decode

    source = str(path)
    data, problem = _read(Path(path), source)
    if problem is not None:
        return CheckedMeasure(None, [problem])
    text, problems = decode(data, source)  # type: ignore[arg-type]
    if text is None:
        return CheckedMeasure(None, problems)
    return check_measure_text(text, source)


def load_measure_text(text: str, source: str = "<measure>") -> Measure:
    """The Measure in text; raises ContentError with the first problem (and how many more)."""
    checked = check_measure_text(text, source)
    if checked.measure is None:
        from backcare.errors import ContentError

        raise ContentError(summarize(checked.problems))
    return checked.measure


def read_measure_file(path: Path) -> tuple[str | None, CheckedMeasure]:
    """The text of a measure file (to store it as written) and what checking it found."""
    from backcare.content.yamlsafe import decode

    source = str(path)
    data, problem = _read(path, source)
    if problem is not None:
        return None, CheckedMeasure(None, [problem])
    text, problems = decode(data, source)  # type: ignore[arg-type]
    if text is None:
        return None, CheckedMeasure(None, problems)
    return text, check_measure_text(text, source)


def bundled_measure_ids() -> list[str]:
    from backcare.content.data import data_file

    folder = data_file("measures")
    if not folder.is_dir():
        return []
    return sorted(item.name[: -len(".yaml")] for item in folder.iterdir() if item.name.endswith(".yaml"))


@cache
def bundled_measures() -> tuple[Measure, ...]:
    """The built-in measures, checked once per run (a broken one is a packaging bug: ContentError)."""
    from backcare.content.data import data_file, data_label

    return tuple(
        load_measure_text(
            data_file("measures", f"{name}.yaml").read_bytes().decode("utf-8-sig"),
            data_label("measures", f"{name}.yaml"),
        )
        for name in bundled_measure_ids()
    )


def _read(path: Path, source: str) -> tuple[bytes | None, Problem | None]:
    from backcare.content.routines import _read as read_content_file

    return read_content_file(path, source, "measure file")


class _Reader:
    def __init__(self, c: Checker):
        self.c = c

    def number(self, node: YNode, name: str) -> float | None:
        value = node.value
        if value is BAD:
            return None
        if node.kind != "scalar" or isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            self.c.add(node, f"{name} must be a number (got {got(node)})")
            return None
        if not VALUE[0] <= value <= VALUE[1]:
            self.c.add(node, f"{name} must be from {VALUE[0]} to {VALUE[1]} (got {show(value)})")
            return None
        return float(value)

    def flag(self, node: YNode, name: str) -> bool | None:
        if node.value is BAD:
            return None
        if node.kind == "scalar" and isinstance(node.value, bool):
            return node.value
        self.c.add(node, f"{name} must be true or false (got {got(node)})")
        return None

    def loinc(self, node: YNode, name: str) -> str | None:
        text = self.c.text(node, name, 10)
        if text is not None and not _LOINC_RE.match(text):
            self.c.add(node, f'{name} must be a LOINC code like "72514-3" (got {got(node)})')
            return None
        return text

    def measure(self, root: YNode) -> Measure | None:
        c = self.c
        top = c.mapping(root, "the measure file", TOP_KEYS, TOP_REQUIRED)
        if top is None:
            return None
        if "format" in top:
            fmt = top["format"]
            if fmt.value != FORMAT:
                c.add(fmt, f'format must be "{FORMAT}" (got {got(fmt)})')
        ident = c.ident(top["id"], "id") if "id" in top else None
        title = c.text(top["title"], "title", TITLE_MAX) if "title" in top else None
        instructions = c.text(top["instructions"], "instructions", INSTRUCTIONS_MAX) if "instructions" in top else None
        notice = c.text(top["notice"], "notice", NOTICE_MAX) if "notice" in top else None
        every = c.integer(top["every_days"], "every_days", *EVERY_DAYS) if "every_days" in top else 14
        loinc = self.loinc(top["loinc"], "loinc") if "loinc" in top else None
        items: tuple[Item, ...] = ()
        named = None
        if "items" in top and "named_items" in top:
            c.add(top["named_items"], "give either items or named_items, not both")
        elif "items" in top:
            items = self.items(top["items"]) or ()
        elif "named_items" in top:
            named = self.named(top["named_items"])
        else:
            c.add(root, "the measure file is missing 'items' (or 'named_items' for activities the person names)")
        scoring = self.scoring(top["scoring"], items, named is not None) if "scoring" in top else None
        if c.problems or None in (ident, title, instructions, notice, every, scoring):
            return None
        method, subscales, bands, important, higher, score_loinc = scoring  # type: ignore[misc]
        return Measure(
            id=ident,  # type: ignore[arg-type]
            title=title,  # type: ignore[arg-type]
            instructions=instructions,  # type: ignore[arg-type]
            notice=notice,  # type: ignore[arg-type]
            items=items,
            named=named,
            method=method,
            subscales=subscales,
            bands=bands,
            important_change=important,
            higher_is_better=higher,
            every_days=every,  # type: ignore[arg-type]
            loinc=loinc,
            score_loinc=score_loinc,
        )

    def anchors(self, node: YNode | None, owner: YNode, what: str) -> tuple[str, str] | None:
        c = self.c
        if node is None:
            c.add(
                owner,
                f"{what} has no anchors: say what its lowest and highest values mean (anchors: {{min: ..., max: ...}})",
            )
            return None
        keys = c.mapping(node, "anchors", ANCHOR_KEYS, ANCHOR_KEYS)
        if keys is None:
            return None
        low = c.text(keys["min"], "anchors.min", LABEL_MAX) if "min" in keys else None
        high = c.text(keys["max"], "anchors.max", LABEL_MAX) if "max" in keys else None
        return (low, high) if low is not None and high is not None else None

    def scale(self, keys: dict[str, YNode], owner: YNode, what: str) -> tuple[int, int, str, str] | None:
        c = self.c
        low = c.integer(keys["min"], "min", *VALUE) if "min" in keys else 0
        high = c.integer(keys["max"], "max", *VALUE) if "max" in keys else 10
        if low is not None and high is not None and low >= high:
            c.add(keys.get("max", owner), f"max must be more than min (got min {low}, max {high})")
            return None
        labels = self.anchors(keys.get("anchors"), owner, what)
        if low is None or high is None or labels is None:
            return None
        return low, high, labels[0], labels[1]

    def items(self, node: YNode) -> tuple[Item, ...] | None:
        c = self.c
        nodes = c.seq(node, "items", *ITEMS)
        if nodes is None:
            return None
        out: list[Item] = []
        seen: dict[str, YNode] = {}
        for position, item_node in enumerate(nodes, start=1):
            item = self.item(item_node, position)
            if item is None:
                continue
            first = seen.get(item.id)
            if first is not None:
                c.add(
                    item_node.value["id"],
                    f"duplicate item id {show(item.id)} (first given at line {first.line}): ids must differ",
                )
                continue
            seen[item.id] = item_node
            out.append(item)
        return tuple(out) if len(out) == len(nodes) else None

    def item(self, node: YNode, number: int) -> Item | None:
        c = self.c
        what = f"item {number}"
        keys = c.mapping(node, what, ITEM_KEYS, ("id", "text"))
        if keys is None:
            return None
        ident = c.ident(keys["id"], f"{what} id") if "id" in keys else None
        text = c.text(keys["text"], f"{what} text", TEXT_MAX) if "text" in keys else None
        kind = c.choice(keys["type"], f"{what} type", KINDS) if "type" in keys else "rating"
        reverse = self.flag(keys["reverse"], "reverse") if "reverse" in keys else False
        loinc = self.loinc(keys["loinc"], "loinc") if "loinc" in keys else None
        label = f"item {show(ident)}" if ident else what
        if kind == "rating":
            for key in ("choices",):
                if key in keys:
                    c.add(node.keys[key], f"{key} is for a choice item; this one is a rating (type: choice?)")
            scale = self.scale(keys, node, label)
            if scale is None or None in (ident, text, reverse):
                return None
            low, high, min_label, max_label = scale
            return Item(ident, text, kind, low, high, min_label, max_label, (), bool(reverse), loinc)  # type: ignore[arg-type]
        for key in ("min", "max", "anchors"):
            if key in keys and kind is not None:
                c.add(node.keys[key], f"{key} is for a rating item; this one is {kind}")
        choices: tuple[tuple[int, str], ...] = ()
        if kind == "choice":
            if "choices" not in keys:
                c.add(
                    node, f"{label} is a choice item without choices: list them (choices: [{{value: 0, label: ...}}])"
                )
                return None
            choices = self.choices(keys["choices"]) or ()
            if not choices:
                return None
        elif "choices" in keys and kind is not None:
            c.add(node.keys["choices"], "choices are for a choice item; this one is yes/no")
        if None in (ident, text, kind, reverse):
            return None
        return Item(ident, text, kind, 0, 1, "no", "yes", choices, bool(reverse), loinc)  # type: ignore[arg-type]

    def choices(self, node: YNode) -> tuple[tuple[int, str], ...] | None:
        c = self.c
        nodes = c.seq(node, "choices", *CHOICES, item="choice")
        if nodes is None:
            return None
        out: list[tuple[int, str]] = []
        seen: set[int] = set()
        for each in nodes:
            keys = c.mapping(each, "a choice", CHOICE_KEYS, CHOICE_KEYS)
            if keys is None or "value" not in keys or "label" not in keys:
                continue
            value = c.integer(keys["value"], "value", *VALUE)
            label = c.text(keys["label"], "label", LABEL_MAX)
            if value is not None and value in seen:
                c.add(keys["value"], f"value {value} is given to two choices: each choice needs its own value")
                continue
            if value is not None and label is not None:
                seen.add(value)
                out.append((value, label))
        return tuple(out) if len(out) == len(nodes) else None

    def named(self, node: YNode) -> Named | None:
        c = self.c
        keys = c.mapping(node, "named_items", NAMED_KEYS, ("prompt", "most"))
        if keys is None:
            return None
        prompt = c.text(keys["prompt"], "named_items.prompt", TEXT_MAX) if "prompt" in keys else None
        most = c.integer(keys["most"], "named_items.most", *NAMED_MOST) if "most" in keys else None
        scale = self.scale(keys, node, "named_items")
        if prompt is None or most is None or scale is None:
            return None
        low, high, min_label, max_label = scale
        return Named(prompt, most, Item("activity", prompt, "rating", low, high, min_label, max_label))

    def scoring(
        self, node: YNode, items: tuple[Item, ...], named: bool
    ) -> tuple[str, tuple[Subscale, ...], tuple[Band, ...], float, bool, str | None] | None:
        c = self.c
        keys = c.mapping(node, "scoring", SCORING_KEYS, SCORING_REQUIRED)
        if keys is None:
            return None
        method = c.choice(keys["method"], "scoring.method", METHODS) if "method" in keys else None
        important = self.number(keys["important_change"], "important_change") if "important_change" in keys else None
        if important is not None and important <= 0:
            c.add(keys["important_change"], f"important_change must be more than 0 (got {number(important)})")
            important = None
        better = c.choice(keys["better"], "better", BETTER) if "better" in keys else None
        loinc = self.loinc(keys["loinc"], "scoring.loinc") if "loinc" in keys else None
        subscales = self.subscales(keys["subscales"], items, named) if "subscales" in keys else ()
        bands = self.bands(keys["bands"]) if "bands" in keys else ()
        if None in (method, important, better, subscales, bands):
            return None
        return method, subscales, bands, important, better == "higher", loinc  # type: ignore[return-value]

    def subscales(self, node: YNode, items: tuple[Item, ...], named: bool) -> tuple[Subscale, ...] | None:
        c = self.c
        nodes = c.seq(node, "subscales", *SUBSCALES, item="subscale")
        if nodes is None:
            return None
        known = {item.id for item in items}
        out: list[Subscale] = []
        seen: set[str] = set()
        for each in nodes:
            keys = c.mapping(each, "a subscale", SUBSCALE_KEYS, ("id", "title", "items"))
            if keys is None:
                continue
            ident = c.ident(keys["id"], "subscale id") if "id" in keys else None
            title = c.text(keys["title"], "subscale title", TITLE_MAX) if "title" in keys else None
            method = c.choice(keys["method"], "subscale method", METHODS) if "method" in keys else "sum"
            if ident is not None and ident in seen:
                c.add(keys["id"], f"duplicate subscale id {show(ident)}: ids must differ")
                ident = None
            if ident is not None:
                seen.add(ident)
            names: list[str] = []
            if "items" in keys:
                if named:
                    c.add(keys["items"], "subscales need fixed items: this measure's items are named by the person")
                    continue
                for ref in c.seq(keys["items"], "subscale items", 1, ITEMS[1]) or []:
                    name = c.ident(ref, "a subscale item")
                    if name is None:
                        continue
                    if known and name not in known:
                        c.add(ref, f"the subscale names item {show(name)}, which the measure does not have")
                        continue
                    names.append(name)
            if ident is not None and title is not None and method is not None and names:
                out.append(Subscale(ident, title, tuple(names), method))
        return tuple(out) if len(out) == len(nodes) else None

    def bands(self, node: YNode) -> tuple[Band, ...] | None:
        c = self.c
        nodes = c.seq(node, "bands", *BANDS, item="band")
        if nodes is None:
            return None
        out: list[tuple[Band, YNode]] = []
        for each in nodes:
            keys = c.mapping(each, "a band", BAND_KEYS, BAND_KEYS)
            if keys is None or any(k not in keys for k in BAND_KEYS):
                continue
            low = self.number(keys["from"], "from")
            high = self.number(keys["to"], "to")
            label = c.text(keys["label"], "label", LABEL_MAX)
            if low is None or high is None or label is None:
                continue
            if low > high:
                c.add(keys["to"], f"a band must end at or after its start (from {number(low)} to {number(high)})")
                continue
            band = Band(low, high, label)
            clash = next((b for b, where in out if band.low <= b.high and b.low <= band.high), None)
            if clash is not None:
                c.add(
                    each,
                    f"the band {show(label)} ({number(low)} to {number(high)}) overlaps the band {show(clash.label)} "
                    f"({number(clash.low)} to {number(clash.high)}): a score must fall in one band only",
                )
                continue
            out.append((band, each))
        return tuple(b for b, _ in out) if len(out) == len(nodes) else None
