"""The red-flag screen for serious causes of back pain, and what its answers mean for exercising.

The questions are in two groups:

- current symptoms (signs of cauda equina syndrome, new weakness in both legs, fever or feeling very unwell,
  unexplained weight loss, severe constant night pain): a "yes" stops self-care exercise until a later screen is
  all "no"; after a cauda-equina sign that later screen also needs the person to say a doctor has seen them;
- history (a past cancer; pain that began with a significant fall or accident): a "yes" asks the person to make
  sure their GP or physiotherapist knows; exercises are paused until a clinician's clearance is recorded.

`assess` turns the stored screens and clearances into a `SafetyState`; the engine, the dashboard, `session`,
`routine`, the report and `safety` all show the same lines from `notice`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from backcare.valueclass import frozen

# The safety notice's texts: one source for each message, shown by every command through `notice`.
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

CURRENT, HISTORY = "current", "history"
RECHECK_DAYS = 28  # the current-symptom questions are asked again this often (and after a flare-up)
# Pain during a session at or above this, or this far above the routine's limit, means: contact your physio.
CONTACT_PAIN_DURING = 8
CONTACT_ABOVE_LIMIT = 3


@frozen
class Question:
    id: str
    text: str
    emergency: bool  # cauda equina signs: go to an emergency department now
    kind: str = CURRENT  # CURRENT symptom or HISTORY item


QUESTIONS: tuple[Question, ...] = (
    Question(
        "bladder-bowel",
        "Since this back pain began, have you had new trouble passing urine, "
        "controlling your bladder, or controlling your bowels?",
        True,
    ),
    Question(
        "saddle-numbness",
        "Do you have numbness or tingling in the 'saddle' area: between your legs, "
        "around your buttocks or genitals (for example, toilet paper feels different)?",
        True,
    ),
    Question(
        "leg-weakness",
        "Do you have new weakness or numbness in both legs, or weakness in one leg that is getting worse?",
        True,
    ),
    Question("sexual-function", "Have you noticed a new change in sexual function, such as loss of feeling?", True),
    Question("fever-unwell", "Do you have a fever, or feel very unwell, along with the back pain?", False),
    Question("weight-loss", "Have you lost weight recently without trying?", False),
    Question("night-pain", "Is the pain severe and constant, worse at night, and not eased by any position?", False),
    Question("past-cancer", "Have you ever had cancer?", False, HISTORY),
    Question("trauma", "Did this back pain begin with a significant fall or accident?", False, HISTORY),
)
CURRENT_QUESTIONS = tuple(q for q in QUESTIONS if q.kind == CURRENT)
HISTORY_QUESTIONS = tuple(q for q in QUESTIONS if q.kind == HISTORY)
# Questions earlier versions asked. The old combined weight-loss-or-cancer question is read as a current
# symptom: a "yes" may have meant weight loss, which needs a doctor now.
LEGACY: dict[str, Question] = {
    "cancer-weight": Question(
        "cancer-weight", "Have you lost weight without trying, or have you ever had cancer? (earlier question)", False
    ),
}
BY_ID = {q.id: q for q in (*QUESTIONS, *LEGACY.values())}


def question_text(qid: str) -> str:
    q = BY_ID.get(qid)
    return q.text if q else qid


def kind_of(qid: str) -> str:
    """HISTORY only for the known history questions; anything else (old or unknown ids) counts as current."""
    q = BY_ID.get(qid)
    return q.kind if q else CURRENT


@frozen
class Screen:
    day: date
    answers: dict[str, bool]
    # Asked when this screen followed an answer that needed the emergency department: has a doctor seen them?
    seen_doctor: bool | None = None

    @property
    def flagged(self) -> list[str]:
        return [qid for qid, yes in self.answers.items() if yes]

    @property
    def any_yes(self) -> bool:
        return any(self.answers.values())

    @property
    def current_flags(self) -> list[str]:
        return [qid for qid in self.flagged if kind_of(qid) == CURRENT]

    @property
    def history_flags(self) -> list[str]:
        return [qid for qid in self.flagged if kind_of(qid) == HISTORY]

    @property
    def emergency(self) -> bool:
        return any(BY_ID[qid].emergency for qid in self.flagged if qid in BY_ID)


@frozen
class Clearance:
    """A clinician's clearance of the history answers that stood when it was recorded (`covers`)."""

    day: date
    by: str
    note: str | None
    covers: tuple[str, ...]


@frozen
class SafetyState:
    screened: bool
    current: tuple[str, ...] = ()  # current-symptom answers that stand (stop)
    history: tuple[str, ...] = ()  # history answers that stand
    uncleared: tuple[str, ...] = ()  # of those, the ones no clearance covers
    emergency: bool = False  # a cauda-equina sign stands, or one has not yet been seen by a doctor
    unseen_since: date | None = None  # the day of an emergency answer a doctor has not seen yet
    last_screen: date | None = None
    clearance: Clearance | None = None  # the clearance covering the standing history answers
    next_recheck: date | None = None
    recheck_due: bool = False
    recheck_reason: str | None = None

    @property
    def stop(self) -> bool:
        """A current symptom (or an emergency answer nobody has seen) stands: stop, see a doctor."""
        return bool(self.current) or self.unseen_since is not None

    @property
    def emergency_now(self) -> bool:
        """One of today's standing answers is itself a sign for the emergency department."""
        return any(BY_ID[q].emergency for q in self.current if q in BY_ID)

    @property
    def needs_clearance(self) -> bool:
        return bool(self.uncleared)

    @property
    def blocked(self) -> bool:
        """No exercises and no progression today."""
        return not self.screened or self.stop or self.needs_clearance

    @property
    def status(self) -> str:
        if not self.screened:
            return "not-screened"
        if self.stop:
            return "red-flag"
        if self.needs_clearance:
            return "needs-clearance"
        return "clear"

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(notice(self))


def _standing_history(screens: Sequence[Screen]) -> dict[str, int]:
    """History question id -> index of the screen where its current unbroken run of 'yes' answers began."""
    runs: dict[str, int] = {}
    for i, s in enumerate(screens):
        for qid, yes in s.answers.items():
            if kind_of(qid) != HISTORY:
                continue
            if not yes:
                runs.pop(qid, None)
            elif qid not in runs:
                runs[qid] = i
    return runs


def unseen_since(screens: Sequence[Screen]) -> date | None:
    """The day of an emergency answer that no later screen (in the order recorded) says a doctor has seen."""
    unseen: date | None = None
    for s in screens:
        if s.emergency:
            unseen = s.day
        elif unseen is not None and s.seen_doctor:
            unseen = None
    return unseen


def assess(
    screens: Sequence[Screen],
    clearances: Sequence[Clearance] = (),
    today: date | None = None,
    *,
    last_step_back: date | None = None,
) -> SafetyState:
    """What the screens (in the order recorded) and clearances mean today.

    - Current symptoms: those answered 'yes' in the latest screen (every screen asks them all).
    - An emergency answer stays open until a later screen records that a doctor has seen the person.
    - History: the latest answer to each history question stands. A clearance covers a history answer when it
      was recorded while that answer was 'yes' and the answer has stayed 'yes' in every screen since
      (a clearance recorded before the 'yes', or before a 'no' then 'yes' again, does not cover it).
    """
    if not screens:
        return SafetyState(screened=False)
    latest = screens[-1]
    unseen = unseen_since(screens)
    runs = _standing_history(screens)
    history = tuple(q.id for q in HISTORY_QUESTIONS if q.id in runs)
    cover: Clearance | None = None
    uncleared = []
    for qid in history:
        began = screens[runs[qid]].day
        covering = [c for c in clearances if qid in c.covers and c.day >= began]
        if covering:
            cover = covering[-1]
        else:
            uncleared.append(qid)
    next_recheck = latest.day + timedelta(days=RECHECK_DAYS)
    due, why = False, None
    if today is not None and today >= next_recheck:
        due, why = True, f"the last safety questions were answered on {latest.day.isoformat()}"
    elif last_step_back is not None and last_step_back > latest.day:
        due, why = True, f"backcare eased off after a flare-up on {last_step_back.isoformat()}"
    return SafetyState(
        screened=True,
        current=tuple(latest.current_flags),
        history=history,
        uncleared=tuple(uncleared),
        emergency=latest.emergency or unseen is not None,
        unseen_since=unseen,
        last_screen=latest.day,
        clearance=None if uncleared else cover,
        next_recheck=next_recheck,
        recheck_due=due,
        recheck_reason=why,
    )


def notice(state: SafetyState) -> list[str]:
    """The lines every place shows for this safety state (empty when nothing stands in the way).

    One source for each message: the dashboard, `session`, `routine show/why`, the report and `safety`
    all show these lines, so the urgent advice is the same wherever it is read.
    """
    if not state.screened:
        return [NOT_SCREENED]
    lines: list[str] = []
    if state.stop:
        lines.append(URGENT_EMERGENCY if state.emergency else URGENT_SOON)
        lines += [f"You answered 'yes' to: {question_text(q)}" for q in state.current]
        if state.unseen_since is not None and not state.emergency_now:
            lines.append(EMERGENCY_NOT_SEEN.format(day=state.unseen_since.isoformat()))
        lines.append(NOT_FOR_PROGRESSION if state.current else UNTIL_SEEN)
    if state.needs_clearance:
        lines.append(HISTORY_CHECK)
        lines += [f"You answered 'yes' to: {question_text(q)}" for q in state.uncleared]
        lines.append(NEEDS_CLEARANCE)
    return lines


def clinician_notice(state: SafetyState) -> list[str]:
    """`notice` as the clinician reads it in the report: the same facts about the person, in the third person,
    with what backcare told them to do (empty when nothing stands in the way)."""
    if not state.screened:
        return ["Not screened yet: backcare offers no exercises until the person answers the safety questions."]
    lines: list[str] = []
    if state.stop:
        lines.append(
            "URGENT: possible cauda equina syndrome; backcare told the person to go to an emergency department now."
            if state.emergency
            else "URGENT: possible serious problem; backcare told the person to contact a doctor or urgent care today."
        )
        lines += [f"Answered 'yes' to: {question_text(q)}" for q in state.current]
        if state.unseen_since is not None and not state.emergency_now:
            lines.append(
                f"On {state.unseen_since.isoformat()} the person answered 'yes' to a sign that needs the emergency "
                "department, and has not recorded that a doctor has seen them about it."
            )
        lines.append(
            "Exercises are paused until a later safety screen is all 'no'."
            if state.current
            else "Exercises are paused until a later safety screen records that a doctor has seen them."
        )
    if state.needs_clearance:
        lines.append("History answers that need a clinician's check before exercise:")
        lines += [f"Answered 'yes' to: {question_text(q)}" for q in state.uncleared]
        lines.append('Exercises are paused until a clearance is recorded (backcare safety clear --by "NAME").')
    if state.recheck_due:  # the answers above (or their all-clear) may be out of date
        lines.append(
            f"Safety re-check due ({state.recheck_reason}): the answers here may be out of date; backcare asks "
            "the questions again at the person's next check-in."
        )
    return lines


def notice_title(state: SafetyState) -> str:
    """The heading over `notice`."""
    if not state.screened:
        return TITLE_NOT_SCREENED
    return TITLE_URGENT if state.stop else TITLE_CLEARANCE


def describe_clearance(c: Clearance) -> str:
    note = f" ({c.note})" if c.note else ""
    items = "; ".join(question_text(q) for q in c.covers)
    return f"Cleared by {c.by} on {c.day.isoformat()}{note}, for: {items}"


def all_clear(day: date) -> Screen:
    return Screen(day, {q.id: False for q in QUESTIONS})


def contact_physio(pain_during: int | None, limit: int) -> bool:
    """Pain during a session high enough that the person should contact their physio."""
    if pain_during is None:
        return False
    return pain_during >= CONTACT_PAIN_DURING or pain_during >= limit + CONTACT_ABOVE_LIMIT


def parse_yes_no(raw: str) -> bool | None:
    text = raw.strip().lower()
    if text in {"y", "yes"}:
        return True
    if text in {"n", "no"}:
        return False
    return None
