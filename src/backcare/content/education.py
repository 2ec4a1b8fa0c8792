"""The bundled education topics (data/education.yaml), read with the strict YAML reader into domain Topics.

Loaded and checked once per process. A broken file gives one ContentError naming FILE:LINE:COLUMN and what is
wrong (plus how many more problems there are), never a traceback.
"""

from __future__ import annotations

from functools import cache

from backcare.content.cache import disk_cached
from backcare.content.checks import Checker
from backcare.content.problems import show, summarize
from backcare.content.yamlsafe import YNode, parse_bytes
from backcare.domain.education import Topic
from backcare.errors import ContentError

FILE_NAME = "education.yaml"
TOPIC_KEYS = ("id", "title", "summary", "minutes", "body", "key_points", "try_this", "related_exercises", "sources")
# The limits of a topic (the tests of data/education.yaml use these, and add editorial checks of their own:
# length in words, reading grade, one-sentence summaries, no claims of cures).
MINUTES = (1, 5)  # a topic is a short read
TITLE_MAX = 60
TEXT_MAX = 600  # a summary, key point, "try this" or source
BODY_MAX = 10_000
KEY_POINTS = (2, 4)
SOURCES = (1, 20)
SOURCE_MIN = 20  # characters: enough to find the source again (author, title, year)
RELATED = (0, 50)


@cache
@disk_cached("topics", home="backcare.domain.education")
def topics() -> tuple[Topic, ...]:
    """All topics in course order (the file's order). Raises ContentError if the bundled file is broken."""
    from backcare.content.data import data_file, data_label

    source = data_label(FILE_NAME)
    try:
        raw = data_file(FILE_NAME).read_bytes()
    except OSError as exc:
        raise ContentError(f"The education topics cannot be read ({source}: {exc.strerror or exc}).") from None
    return parse(raw, source)


def parse(raw: bytes | str, source: str = FILE_NAME) -> tuple[Topic, ...]:
    """Topics from the file's bytes (or text); ContentError listing the first problem if anything is wrong."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    root, problems = parse_bytes(data, source)
    ck = Checker(source, problems)
    out: list[Topic] = []
    if root is not None and not problems:
        top = ck.mapping(root, "the education file", ("topics",), ("topics",))
        items = ck.seq(top["topics"], "topics", 1, 1000, "topic") if top and "topics" in top else None
        seen: dict[str, YNode] = {}
        for index, node in enumerate(items or (), start=1):
            topic = _topic(ck, node, index)
            if topic is None:
                continue
            if topic.id in seen:
                ck.add(node.value["id"], f"duplicate topic id {show(topic.id)} (first at line {seen[topic.id].line})")
                continue
            seen[topic.id] = node.value["id"]
            out.append(topic)
    elif root is None and not problems:
        ck.add(None, "the education file is empty")
    if ck.problems:
        raise ContentError(f"The education topics are not valid: {summarize(ck.sorted_problems())}")
    return tuple(out)


def _topic(ck: Checker, node: YNode, index: int) -> Topic | None:
    label = f"topic {index}"
    if node.kind == "map" and "id" in node.value and isinstance(node.value["id"].value, str):
        label = f"topic {show(node.value['id'].value)}"
    fields = ck.mapping(node, label, TOPIC_KEYS, TOPIC_KEYS)
    if fields is None or len(fields) != len(TOPIC_KEYS):
        return None
    # every field is checked (one pass reports every problem), then the topic is built only if all are valid
    topic_id = ck.ident(fields["id"], "id")
    title = ck.text(fields["title"], "title", TITLE_MAX)
    summary = ck.text(fields["summary"], "summary", TEXT_MAX)
    minutes = ck.integer(fields["minutes"], "minutes", *MINUTES)
    body = ck.text(fields["body"], "body", BODY_MAX)
    key_points = ck.texts(fields["key_points"], "key_points", *KEY_POINTS, TEXT_MAX)
    try_this = ck.text(fields["try_this"], "try_this", TEXT_MAX)
    related = _ids(ck, fields["related_exercises"])
    sources = ck.texts(fields["sources"], "sources", *SOURCES, TEXT_MAX)
    if sources is not None:
        for item, text in zip(fields["sources"].value, sources):
            if len(text.strip()) < SOURCE_MIN:
                ck.add(
                    item, f"each source needs at least {SOURCE_MIN} characters, to be found again (author, title, year)"
                )
                sources = None
    if (
        topic_id is None
        or title is None
        or summary is None
        or minutes is None
        or body is None
        or key_points is None
        or try_this is None
        or related is None
        or sources is None
    ):
        return None
    return Topic(
        id=topic_id,
        title=title.strip(),
        summary=summary.strip(),
        minutes=minutes,
        body=body.strip(),
        key_points=tuple(k.strip() for k in key_points),
        try_this=try_this.strip(),
        related_exercises=related,
        sources=tuple(s.strip() for s in sources),
    )


def _ids(ck: Checker, node: YNode) -> tuple[str, ...] | None:
    items = ck.seq(node, "related_exercises", *RELATED, "exercise id")
    if items is None:
        return None
    ids = [ck.ident(item, "each item of related_exercises") for item in items]
    known = [i for i in ids if i is not None]
    return tuple(known) if len(known) == len(ids) else None
