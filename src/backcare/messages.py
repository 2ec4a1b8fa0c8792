"""User-facing text that more than one place shows, kept together."""

URGENT_EMERGENCY = (
    "URGENT: some of your answers can be signs of pressure on the nerves at the base of the spine "
    "(cauda equina syndrome). Go to an emergency department now, or call your local emergency number. "
    "Do not wait to see if it settles."
)
URGENT_SOON = (
    "URGENT: some of your answers can be signs of a serious problem that needs a doctor. "
    "Contact your doctor or an urgent care service today."
)
NOT_FOR_PROGRESSION = (
    "backcare will not offer exercise progressions until a later safety screen is all 'no' (run: backcare safety)."
)
SAFETY_REMINDER = "You have not answered the safety questions yet. Run: backcare safety"
SAFETY_INTRO = (
    "A few yes/no questions about signs that need a doctor rather than self-care. Answer for how you are now."
)
NOT_A_DIAGNOSIS = "backcare informs and guides; it does not diagnose. If you are worried, see a health professional."
CHECKIN_HINT = "Not checked in yet today. Run: backcare checkin"
CANCELLED = "Cancelled: nothing was saved."

# How a progression decision is named to the person (the clinician report words it for physios).
DECISION_LABELS = {
    "advance": "Moving on",
    "hold": "Keep going",
    "step_back": "Easing off",
    "stop": "Stopped: see a doctor",
    "start": "Started",
    "manual": "Set by hand",
}
