"""Education topics as plain data: course order, search, topic lookup and the topic of the day.

Pure: no I/O, no YAML, no Rich. The loader lives in the content layer; the store in services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from backcare.valueclass import frozen

RED_FLAGS = "red-flags"
FLARE_UP = "flare-up-plan"


@frozen
class Topic:
    id: str
    title: str
    summary: str
    minutes: int
    body: str  # Markdown
    key_points: tuple[str, ...]
    try_this: str
    related_exercises: tuple[str, ...]
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "minutes": self.minutes,
            "body": self.body,
            "key_points": list(self.key_points),
            "try_this": self.try_this,
            "related_exercises": list(self.related_exercises),
            "sources": list(self.sources),
        }


@frozen
class TopicSummary:
    """One line of the course (and the dashboard's topic of the day): a topic without its body, and whether the
    person has read it."""

    id: str
    title: str
    summary: str
    minutes: int
    read: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary, "minutes": self.minutes, "read": self.read}


@frozen
class OpenedTopic:
    """A topic in full, its reading record, and whether this opening was the first."""

    topic: Topic
    first_read: date | None
    first_time: bool

    def as_dict(self) -> dict[str, Any]:
        first = self.first_read
        return {**self.topic.as_dict(), "read": first is not None, "first_read": first.isoformat() if first else None}


@frozen
class Listing:
    """Every topic in course order with its read mark, the next unread one (None when all are read)."""

    topics: tuple[TopicSummary, ...]
    next: str | None
    read_count: int

    def as_dict(self) -> dict[str, Any]:
        return {"topics": [t.as_dict() for t in self.topics], "next": self.next, "read_count": self.read_count}


@frozen
class SearchHit:
    topic: TopicSummary
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {**self.topic.as_dict(), "score": self.score}


@frozen
class RelatedTopic:
    """The topic to read more about an exercise (shown on its card in a guided session)."""

    id: str
    title: str


# --------------------------------------------------------------------------- course order


PAIN_LIMIT = "{pain_limit}"  # in a topic's text: the acceptable pain of the person's routine, filled when shown


def uses_pain_limit(topic: Topic) -> bool:
    """Whether the topic's text has {pain_limit} to fill in (only a few do)."""
    texts = (topic.summary, topic.body, topic.try_this, *topic.key_points)
    return any(PAIN_LIMIT in text for text in texts)


def with_pain_limit(topic: Topic, limit: int) -> Topic:
    """The topic with {pain_limit} filled in by the routine's acceptable pain during exercise."""
    from dataclasses import replace

    def fill(text: str) -> str:
        return text.replace(PAIN_LIMIT, str(limit))

    return replace(
        topic,
        summary=fill(topic.summary),
        body=fill(topic.body),
        key_points=tuple(fill(k) for k in topic.key_points),
        try_this=fill(topic.try_this),
    )


def ordered(topics: Sequence[Topic], first: Iterable[str] = ()) -> list[Topic]:
    """The topics to read, in order: the `first` ids (known ones, once each) then the course order."""
    by_id = {t.id: t for t in topics}
    out: list[Topic] = []
    seen: set[str] = set()
    for tid in first:
        if tid in by_id and tid not in seen:
            out.append(by_id[tid])
            seen.add(tid)
    out.extend(t for t in topics if t.id not in seen)
    return out


def next_unread(topics: Sequence[Topic], read: Mapping[str, date], first: Iterable[str] = ()) -> Topic | None:
    """The first topic not read yet (`first` ids before the course order); None when all are read."""
    return next((t for t in ordered(topics, first) if t.id not in read), None)


def topic_of_the_day(
    topics: Sequence[Topic],
    read: Mapping[str, date],
    today: date,
    *,
    first: tuple[str, ...] = (),
    flare: bool = False,
    red_flag: bool = False,
) -> Topic | None:
    """The one topic to suggest today.

    A red flag always gives the red-flags topic, and a flare-up the flare-up plan (read or not).
    Otherwise at most one NEW topic a day: a topic first read today stays the topic of the day
    until tomorrow; failing that, the next unread one (`first` ids, e.g. a physio routine's
    topics, before the course order). None when every topic has been read.
    """
    by_id = {t.id: t for t in topics}
    if red_flag and RED_FLAGS in by_id:
        return by_id[RED_FLAGS]
    if flare and FLARE_UP in by_id:
        return by_id[FLARE_UP]
    order = ordered(topics, first)
    read_today = [t for t in order if read.get(t.id) == today]
    if read_today:
        return read_today[0]
    return next((t for t in order if t.id not in read), None)


# --------------------------------------------------------------------------- search

STOP_WORDS = frozenset(
    """a an and are as at be but by can do does for from how i if in into is it its me my no not
    of on or so than that the their them then there these they this to too up was we what when
    where which who why will with you your""".split()
)
_WORD = re.compile(r"[a-z0-9]+")

# How much a query word found in each part of a topic counts.
WEIGHTS = {"title": 6.0, "key_points": 3.0, "summary": 2.0, "try_this": 1.0, "body": 1.0}
BODY_CAP = 6  # body occurrences beyond this add nothing: at most 1 + 5 * 0.25 = 2.25 < a key point's 3
PARTIAL = 0.5  # another form of the word ("stretching" for "stretch") counts half


def stem(word: str) -> str:
    """A very light stem: lowercase, drop a plural trailing 's' (not 'ss', 'us', 'is', nor in short words)."""
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lowercased, lightly stemmed words of a text (Markdown marks and punctuation dropped)."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("'s", ""))]


def query_terms(query: str) -> list[str]:
    """The distinct words of a search query, stop words ("the", "how", ...) removed."""
    return list(dict.fromkeys(w for w in tokens(query) if w not in STOP_WORDS))


def _fields(topic: Topic) -> dict[str, list[str]]:
    return {
        "title": tokens(topic.title) + tokens(topic.id.replace("-", " ")),
        "key_points": tokens(" ".join(topic.key_points)),
        "summary": tokens(topic.summary),
        "try_this": tokens(topic.try_this),
        "body": tokens(topic.body),
    }


_SUFFIXES = frozenset("e ing ed er ers ly ness ful al ation ion ive".split())  # "e": stretche(s)


def variant(a: str, b: str) -> bool:
    """True when two different words share a stem up to a common ending: stretch/stretching, sit/sitting."""
    if a == b:
        return False
    short, long = sorted((a, b), key=len)
    if len(short) < 3:
        return False
    for base in {short, short[:-1] if short.endswith("e") and len(short) > 3 else short}:
        if long.startswith(base):
            rest = long[len(base) :]
            if rest[:1] == base[-1:] and rest[1:] in _SUFFIXES:  # a doubled consonant: sit -> sitting
                return True
            if rest in _SUFFIXES:
                return True
    return False


def _hits(term: str, words: list[str]) -> float:
    exact = sum(1 for w in words if w == term)
    if exact:
        return float(exact)
    return PARTIAL * sum(1 for w in words if variant(term, w))


def score(topic: Topic, terms: Sequence[str]) -> float:
    """Relevance of a topic to query terms: title and key points weigh more than the body."""
    fields = _fields(topic)
    total = 0.0
    matched = 0
    for term in terms:
        term_score = 0.0
        for name, words in fields.items():
            hits = _hits(term, words)
            # The first hit counts in full and a few more add a little, so no amount of repetition
            # in the body outweighs one hit in the key points or the title.
            extra = min(hits, BODY_CAP if name == "body" else 3.0) - 1
            term_score += WEIGHTS[name] * (min(hits, 1.0) + 0.25 * max(0.0, extra))
        if term_score:
            matched += 1
        total += term_score
    if matched and len(terms) > 1:
        total *= matched / len(terms)  # topics matching every word come first
    return round(total, 2)


def search(topics: Sequence[Topic], query: str) -> list[tuple[Topic, float]]:
    """Topics matching the query, best first (ties in course order); empty when nothing matches."""
    terms = query_terms(query)
    if not terms:
        return []
    scored = [(t, score(t, terms)) for t in topics]
    hits = [(i, t, s) for i, (t, s) in enumerate(scored) if s > 0]
    hits.sort(key=lambda item: (-item[2], item[0]))
    return [(t, s) for _, t, s in hits]


# --------------------------------------------------------------------------- lookup

FUZZY_CUTOFF = 0.6  # difflib ratio needed to open a topic from a misspelt title
SUGGEST_CUTOFF = 0.35  # ... and to suggest one


@frozen
class Lookup:
    """The topic a person meant (or None), and the closest topics to suggest when it is None."""

    topic: Topic | None
    suggestions: tuple[Topic, ...] = ()
    ambiguous: bool = False  # several topics fit equally well (e.g. a shared id prefix)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _similarity(query: str, topic: Topic) -> float:
    q = _norm(query)
    title = _norm(topic.title)
    ident = _norm(topic.id.replace("-", " "))
    import difflib  # only on a lookup miss or a typo; it costs ~7 ms to import

    best = max(difflib.SequenceMatcher(None, q, title).ratio(), difflib.SequenceMatcher(None, q, ident).ratio())
    if q and (f" {q} " in f" {title} " or f" {q} " in f" {ident} "):
        best = max(best, 0.9)  # whole words of the title, e.g. "fascia" for "What is fascia?"
    return best


def find(topics: Sequence[Topic], query: str, *, limit: int = 3) -> Lookup:
    """Resolve what a person typed: an id, a unique id prefix, a title, or a close match to a title.

    An ambiguous prefix or an unclear fuzzy match finds nothing, and suggests the candidates.
    """
    raw = query.strip().lower()
    if not raw:
        return Lookup(None, tuple(topics[:limit]))
    for t in topics:
        if t.id == raw:
            return Lookup(t)
    prefixed = [t for t in topics if t.id.startswith(raw)]
    if len(prefixed) == 1:
        return Lookup(prefixed[0])
    for t in topics:
        if _norm(t.title) == _norm(raw) and _norm(raw):
            return Lookup(t)
    if len(prefixed) > 1:
        return Lookup(None, tuple(prefixed[:limit]), ambiguous=True)
    ranked = sorted(((_similarity(raw, t), i, t) for i, t in enumerate(topics)), key=lambda x: (-x[0], x[1]))
    if ranked and ranked[0][0] >= FUZZY_CUTOFF:
        if len(ranked) == 1 or ranked[0][0] > ranked[1][0]:
            return Lookup(ranked[0][2])
        tied = [t for s, _, t in ranked if s == ranked[0][0]]
        return Lookup(None, tuple(tied[:limit]), ambiguous=True)
    # Topics about the words typed come first ("mattress" -> sleep), then titles spelt alike.
    about = [t for t, _ in search(topics, query)]
    alike = [t for s, _, t in ranked if s >= SUGGEST_CUTOFF]
    close = list(dict.fromkeys(about[:limit] + alike))[:limit]
    return Lookup(None, tuple(close))


def related_topic(topics: Sequence[Topic], exercise_id: str) -> Topic | None:
    """The first topic in course order that lists the exercise among its related exercises."""
    return next((t for t in topics if exercise_id in t.related_exercises), None)
