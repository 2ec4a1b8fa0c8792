"""A commented starter routine file, for `backcare routine new`."""

from __future__ import annotations

import json
import re

_TEMPLATE = """\
# yaml-language-server: $schema={schema_ref}
#
# A backcare routine. Edit it, then check it with:  backcare routine check {file_name}
# With the YAML extension in VS Code (or any editor using yaml-language-server), the schema named on the first
# line gives completion and shows mistakes as you type.
#
# Exercise ids come from backcare's exercise library (cat-camel, glute-bridge, bird-dog, ...) or from the
# 'exercises:' list below. Dose: sets 1-10, reps 1-100, hold in seconds (20) or as "45s" / "1m" / "1m30s",
# side: both | each | left | right. A dose field you leave out comes from the exercise's usual dose.

format: backcare-routine/1
name: {name}
author: Your name
description: |
  What this routine is for, how long a session takes, and how much pain during the
  exercises is fine (for example: up to 5/10 if it settles by the next morning).
per_week: 5                 # sessions a week to aim for, 1-14
topics: [staying-active, hurt-vs-harm]   # education topics to suggest

# How backcare progresses the person (optional; these are the defaults). A stage can have its own
# 'progression:' with any of these keys, overriding them for that stage.
progression:
  pain_limit: 5             # acceptable pain during exercise, 0-10 (above 5 gets a warning)
  flare_above_usual: 2      # a flare-up: pain this many points above the person's usual level ...
  flare_days: 2             # ... on this many days running,
  flare_pain: 8             # ... or one day at this level that is also above usual by flare_above_usual
  min_session_share: 2/3    # share of a session's exercises that must be done for it to count
  break_days: 7             # days without a session that make a break ...
  reentry_sessions: 2       # ... after which this many sessions come before moving on

# Custom exercises (optional): the same fields as the library. Delete this list if you do not need one.
exercises:
  - id: wall-sit-short
    name: Short wall sit
    category: strength
    summary: Lean on a wall with your knees a little bent to build leg endurance.
    steps:
      - Stand with your back against a wall and your feet a step away from it.
      - Slide down a little until your knees are slightly bent.
      - Hold while you breathe normally, then slide back up.
    dose: {{sets: 2, reps: 3, hold: 20}}
    equipment: [wall]

stages:
  - id: mobility
    name: Ease into movement
    exercises:
      - {{id: cat-camel, sets: 2, reps: 10}}
      - {{id: pelvic-tilt, sets: 2, reps: 10}}
      - {{id: knee-to-chest, reps: 3, hold: 20, side: each}}
    advance:                # move on when all of these are met (every stage but the last needs
      sessions: 6           # an advance rule, or 'advance: manual' when only you move them on)
      days: 10              # days spent in this stage
      max_pain_during: 5    # pain during recent sessions at most 5/10

  - id: strength
    name: Get stronger
    exercises:
      - {{id: glute-bridge, sets: 2, reps: 10}}
      - {{id: bird-dog, sets: 2, reps: 6, hold: 5s, side: each}}
      - {{id: wall-sit-short}}
      - {{id: walk-brisk, reps: 1, hold: 10m}}
    # The last stage has no 'advance'.
"""


def starter_name(file_stem: str) -> str:
    """'desk-worker' -> 'Desk worker'; something plain when the file name gives nothing usable."""
    words = re.sub(r"[-_.]+", " ", file_stem).strip()
    words = "".join(ch for ch in words if ch.isprintable())[:80].strip()
    return (words[:1].upper() + words[1:]) if words else "My routine"


def starter_routine_text(
    name: str = "My routine", schema_ref: str = "routine.schema.json", file_name: str = "FILE"
) -> str:
    """The starter file's text. name is written as a YAML double-quoted string, so any text is safe."""
    return _TEMPLATE.format(
        schema_ref=schema_ref,
        name=json.dumps(name[:80] or "My routine", ensure_ascii=False),
        file_name=_safe_comment(file_name),
    )


def _safe_comment(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable()) or "FILE"
