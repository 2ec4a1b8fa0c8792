"""User-facing text that more than one place shows, kept together."""

from typing import TYPE_CHECKING

# The safety notice's texts live with the screen (domain/safety.py): one source for each message. They are
# looked up there when first asked for, so that a command printing none of them does not load the screen's rules.
if TYPE_CHECKING:
    from backcare.domain.safety import (  # noqa: F401
        EMERGENCY_NOT_SEEN,
        HISTORY_CHECK,
        NEEDS_CLEARANCE,
        NOT_FOR_PROGRESSION,
        NOT_SCREENED,
        SEEN_DOCTOR_QUESTION,
        TITLE_CLEARANCE,
        TITLE_NOT_SCREENED,
        TITLE_URGENT,
        UNTIL_SEEN,
        URGENT_EMERGENCY,
        URGENT_SOON,
    )

_FROM_SAFETY = frozenset(
    {
        "EMERGENCY_NOT_SEEN",
        "HISTORY_CHECK",
        "NEEDS_CLEARANCE",
        "NOT_FOR_PROGRESSION",
        "NOT_SCREENED",
        "SEEN_DOCTOR_QUESTION",
        "TITLE_CLEARANCE",
        "TITLE_NOT_SCREENED",
        "TITLE_URGENT",
        "UNTIL_SEEN",
        "URGENT_EMERGENCY",
        "URGENT_SOON",
    }
)


def __getattr__(name: str) -> str:
    if name in _FROM_SAFETY:
        from backcare.domain import safety

        value: str = getattr(safety, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


RECHECK_DUE = "Safety re-check due ({why}): your next check-in will ask, or run: backcare safety"
RECHECK_NEXT = "Next safety re-check: {day}."
PAIN_DURING_CONTACT = (
    "Pain during this session reached {pain}/10. Contact your physiotherapist (or GP) and tell them before your "
    "next session; until you have spoken to them, do only what stays comfortable."
)
SAFETY_INTRO = (
    "A few yes/no questions about signs that need a doctor rather than self-care. Answer for how you are now; "
    "the last two ask about your past."
)
RECHECK_INTRO = "The yes/no questions about signs that need a doctor, again. Answer for how you are now."
NOT_A_DIAGNOSIS = "backcare informs and guides; it does not diagnose. If you are worried, see a health professional."
CHECKIN_HINT = "Not checked in yet today. Run: backcare checkin"
CANCELLED = "Cancelled: nothing was saved."

# How a progression decision is named to the person (the clinician report words it for physios).
DECISION_LABELS = {
    "advance": "Moving on",
    "hold": "Keep going",
    "step_back": "Easing off",
    "stop": "Exercises paused for safety",
    "start": "Started",
    "manual": "Set by hand",
}
