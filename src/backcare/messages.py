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
    "No exercises are offered until a later safety screen is all 'no' (run: backcare safety when things change)."
)
EMERGENCY_NOT_SEEN = (
    "On {day} you answered 'yes' to a sign that needs the emergency department, and you have not told backcare "
    "that a doctor has seen you about it."
)
SEEN_DOCTOR_QUESTION = (
    "On {day} you answered 'yes' to a sign that needs the emergency department. "
    "Has a doctor seen you about it since then?"
)
UNTIL_SEEN = (
    "No exercises are offered until a later safety screen records that a doctor has seen you about it "
    "(run: backcare safety)."
)
HISTORY_CHECK = (
    "Some of your answers are about your history. Before exercising, make sure your GP or physiotherapist "
    "knows about them and has checked that this exercise programme suits you."
)
NEEDS_CLEARANCE = (
    "Exercises are paused until a clinician's clearance is recorded "
    '(run: backcare safety clear --by "NAME OF YOUR GP OR PHYSIO").'
)
NOT_SCREENED = (
    "Answer the safety questions before your first exercise session (run: backcare safety); "
    "until then no exercises are offered."
)
TITLE_URGENT = "SEEK URGENT CARE"
TITLE_CLEARANCE = "CHECK WITH YOUR GP OR PHYSIO FIRST"
TITLE_NOT_SCREENED = "SAFETY QUESTIONS FIRST"
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
