"""Education topics with the person's reading record: listing, opening, searching, the topic of the day.

Returns typed values (frozen dataclasses); `as_dict()` gives the plain data the renderers and --json use.
The topics themselves load once per process.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from backcare.domain import education as edu
from backcare.domain.education import Listing, OpenedTopic, RelatedTopic, SearchHit, TopicSummary
from backcare.errors import BackcareError, InvalidInput

if TYPE_CHECKING:
    from backcare.store import Store


class NoMatch(BackcareError):
    """A search found nothing: exit code 1."""


def topics() -> tuple[edu.Topic, ...]:
    """All topics in course order (loaded and checked once per process)."""
    from backcare.content import topics as load

    return load()


def summary(topic: edu.Topic, read: dict[str, date]) -> TopicSummary:
    return TopicSummary(topic.id, topic.title, topic.summary, topic.minutes, topic.id in read)


def listing(store: "Store") -> Listing:
    """Every topic in course order with its read mark, plus the id of the next unread one (or None)."""
    all_topics = topics()
    read = store.topics_read()
    nxt = edu.next_unread(all_topics, read)
    return Listing(
        tuple(summary(t, read) for t in all_topics),
        nxt.id if nxt else None,
        sum(1 for t in all_topics if t.id in read),
    )


def _shown(query: str) -> str:
    """What the person typed, safe to echo: one line, printable characters, at most 40 of them."""
    text = "".join(ch for ch in " ".join(query.split()) if ch.isprintable())
    return text if len(text) <= 40 else text[:37] + "..."


def resolve(query: str) -> edu.Topic:
    """The topic a person meant; InvalidInput (exit 2) naming the closest topics when it is unclear."""
    all_topics = topics()
    found = edu.find(all_topics, query)
    if found.topic is not None:
        return found.topic
    shown = _shown(query)
    if found.suggestions:
        names = ", ".join(f"{t.id} ({t.title})" for t in found.suggestions)
        lead = f'"{shown}" matches more than one topic' if found.ambiguous else f'There is no topic called "{shown}"'
        raise InvalidInput(f"{lead}; did you mean: {names}?")
    raise InvalidInput(f'There is no topic called "{shown}"; run "backcare learn" to list them all.')


def open_topic(store: "Store", query: str, today: date) -> OpenedTopic:
    """Find a topic and mark it read today (the first-read date is kept); whether this was its first reading."""
    return _open(store, resolve(query), today)


def open_next(store: "Store", today: date) -> OpenedTopic | None:
    """Open the next unread topic in course order, as open_topic; None when every topic has been read."""
    topic = edu.next_unread(topics(), store.topics_read())
    return None if topic is None else _open(store, topic, today)


def _open(store: "Store", topic: edu.Topic, today: date) -> OpenedTopic:
    first_time = topic.id not in store.topics_read()
    store.mark_read(topic.id, today)
    if edu.uses_pain_limit(topic):  # most topics do not: then the routine need not be read (start-up time)
        topic = edu.with_pain_limit(topic, pain_limit(store))
    return OpenedTopic(topic, store.topics_read().get(topic.id), first_time)


def pain_limit(store: "Store") -> int:
    """The acceptable pain during exercise where the person is in their routine (5 when it cannot be told)."""
    from backcare.services.routines import current_pain_limit

    return current_pain_limit(store)


def search(store: "Store", query: str) -> list[SearchHit]:
    """Topics ranked by relevance to the words (best first), each with its score and read mark.

    NoMatch (exit 1) when nothing matches.
    """
    hits = edu.search(topics(), query)
    if not hits:
        shown = _shown(query)
        raise NoMatch(f'No topic mentions "{shown}"; try other words, or run "backcare learn" to list them all.')
    read = store.topics_read()
    return [SearchHit(summary(t, read), s) for t, s in hits]


def topic_for_today(
    store: "Store",
    today: date,
    *,
    first: tuple[str, ...] = (),
    flare: bool = False,
    red_flag: bool = False,
) -> TopicSummary | None:
    """The dashboard's topic of the day, or None when all are read.

    red_flag -> red-flags; flare -> flare-up-plan; else `first` ids (a routine's topics) then the
    course order, at most one new topic a day. `read` is True when it was already opened (e.g. today).
    """
    read = store.topics_read()
    topic = edu.topic_of_the_day(topics(), read, today, first=tuple(first), flare=flare, red_flag=red_flag)
    return None if topic is None else summary(topic, read)


def related_topic(exercise_id: str) -> RelatedTopic | None:
    """The first topic in course order that lists the exercise; None when none does."""
    topic = edu.related_topic(topics(), exercise_id)
    return RelatedTopic(topic.id, topic.title) if topic else None
