"""A small Flesch-Kincaid grade level helper for the content tests.

Flesch-Kincaid grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

Syllables are estimated with a vowel-group heuristic (a, e, i, o, u, y), with
a silent final "e" and a silent "-ed" ending removed. This is an estimate, close
enough to flag text that is too hard to read; it is not a linguistic tool.

Markdown is stripped first. Each bullet or numbered list item counts as its own
sentence even without a full stop, as a reader takes it in as one unit.
"""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)")


def strip_markdown(text: str) -> str:
    """Remove Markdown syntax, keeping the words a reader sees.

    The result has one reading unit per block, blocks separated by a blank
    line: a paragraph (its wrapped lines joined), a heading, or a list item.
    A heading or list item with no end punctuation gets a full stop, so it
    counts as one sentence.
    """
    units: list[str] = []
    current: list[str] = []
    current_is_item = False

    def flush() -> None:
        nonlocal current, current_is_item
        if current:
            unit = " ".join(current).strip()
            if current_is_item and unit and not re.search(r"[.!?:;]$", unit):
                unit += "."
            if unit:
                units.append(unit)
        current = []
        current_is_item = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        starts_item = bool(_LIST_ITEM_RE.match(line))
        is_heading = line.startswith("#")
        if starts_item or is_heading:
            flush()
            current_is_item = True
        line = _LIST_ITEM_RE.sub("", line)
        line = line.lstrip("#").strip()
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links and images
        line = re.sub(r"[*_`>]+", "", line)  # emphasis, code, quotes
        current.append(line.strip())
        if is_heading:
            flush()
    flush()
    return "\n\n".join(units)


def words(text: str) -> list[str]:
    """Words in plain (already stripped) text. Hyphens and slashes split words."""
    return _WORD_RE.findall(text)


def word_count(markdown: str) -> int:
    """Number of words in a Markdown body after stripping the Markdown symbols."""
    return len(words(strip_markdown(markdown)))


def count_syllables(word: str) -> int:
    """Estimate the syllables in one word (at least 1)."""
    w = word.lower().replace("\u2019", "'")
    w = re.sub(r"'s$", "", w)
    w = re.sub(r"[^a-z]", "", w)
    if not w:
        return 1  # a number such as "5" or "30"
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUP_RE.findall(w))
    # Silent final "e" (make, time), but not "-le" after a consonant (table, gentle)
    # and not "-ee" (free).
    if w.endswith("e") and not w.endswith("ee"):
        if not (w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy"):
            count -= 1
    # Silent "-ed" (walked, moved), but not after t or d (started, needed).
    elif w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and w[-3] not in "aeiouy":
        count -= 1
    # Silent "-es" after most consonants (makes, times is handled above).
    elif w.endswith("es") and len(w) > 3 and w[-3] not in "aeiouyscxzgh":
        count -= 1
    return max(1, count)


def sentence_count(plain: str) -> int:
    """Sentences in plain text: runs of . ! ? followed by space/end, or a final fragment."""
    count = 0
    for block in re.split(r"\n\s*\n", plain):
        block = block.strip()
        if not block:
            continue
        ends = _SENTENCE_END_RE.findall(block)
        count += len(ends)
        tail = _SENTENCE_END_RE.split(block)[-1]
        if words(tail):
            count += 1  # a fragment with no end punctuation still reads as a unit
    return max(1, count)


def fk_grade(markdown: str) -> float:
    """Flesch-Kincaid grade level of a Markdown text."""
    plain = strip_markdown(markdown)
    ws = words(plain)
    if not ws:
        raise ValueError("no words to score")
    syllables = sum(count_syllables(w) for w in ws)
    sentences = sentence_count(plain)
    return 0.39 * (len(ws) / sentences) + 11.8 * (syllables / len(ws)) - 15.59
