"""A request's progress in plain English for the family: the stages, what happens next, the key dates,
who is involved, what has happened, and the letters they can see.

Everything comes from what the casework services record: the clock's cached deadlines on the request,
its events, decisions, advice requests, representations and letters. The emails `casework.notify`
sends name the letter each change produced ("<letter subject>. Sign in to see the details..."), and
the same letters are listed here, so the email and the portal tell the same story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from highneeds.casework.models import ADVISER_TYPES, EXCEPTION_TYPES, AssessmentRequest
from highneeds.people.voice import voice_for

from .family import one_copy_each

# The request's stage in a family's words (the list page and the progress page's caption).
FAMILY_STAGE = {
    "pending": "We are deciding whether to carry out an assessment",
    "assess": "Assessment in progress",
    "draft": "Draft plan sent to you",
    "plan_issued": "EHC plan issued",
    "not_assess": "We decided not to carry out an assessment",
    "not_issued": "We decided not to issue an EHC plan",
    "withdrawn": "Request withdrawn",
}

COMPLETED, IN_PROGRESS, NOT_STARTED, NOT_NEEDED = "Completed", "In progress", "Not started yet", "Not needed"

MEDIATION = (
    "Before you appeal you usually need to contact a mediation adviser, within 2 months of the date of our "
    "letter; the letter says how. Free, impartial information, advice and support (SENDIASS) is available "
    "to help you."
)
APPEAL = "If you disagree, you can appeal to the SEND Tribunal. " + MEDIATION


@dataclass
class Stage:
    title: str
    status: str
    hint: str = ""


@dataclass
class KeyDate:
    label: str
    text: str
    note: str = ""


@dataclass
class Progress:
    request: AssessmentRequest
    stage: str
    stages: list[Stage]
    next_steps: list[str]
    key_dates: list[KeyDate]
    caseworker: str
    advice: list[dict]
    history: list[tuple[date, str]]
    letters: list
    representation_last_day: date | None
    can_respond: bool
    representations: list = field(default_factory=list)


def _d(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def deadlines(request: AssessmentRequest) -> dict[str, dict]:
    """The clock's cached answer by step name, with dates as dates."""
    out = {}
    for entry in request.deadlines or []:
        out[entry["step"]] = {
            **entry,
            "due": date.fromisoformat(entry["due"]) if entry.get("due") else None,
            "done": date.fromisoformat(entry["done"]) if entry.get("done") else None,
        }
    return out


def representation_last_day(request: AssessmentRequest) -> date | None:
    """The last day of the period for representations on the draft (reg 13(1)(a)): the day before the
    earliest lawful finalisation date, which the clock works out from the day the draft was served."""
    step = deadlines(request).get("earliest_finalisation")
    return step["due"] - timedelta(days=1) if step and step["due"] else None


def representation_window_open(request: AssessmentRequest, today: date) -> bool:
    last = representation_last_day(request)
    return request.status == "draft" and last is not None and today <= last


def _lateness(step: dict | None, today: date) -> str:
    if not step or step["done"] or not step["due"]:
        return ""
    if step.get("exceptions"):
        reasons = ", ".join(EXCEPTION_TYPES.get(c, c).lower() for c in step["exceptions"])
        return f"The usual time limit does not apply because of: {reasons}."
    if step["due"] < today:
        return "We have not met this date. We are sorry: your caseworker can tell you what is happening."
    return ""


def build(request: AssessmentRequest, *, today: date, viewer) -> Progress:
    child = request.child
    v = voice_for(viewer, child)  # a young person reading their own request is "you"
    own, name, poss = v.own, v.who, v.whose
    steps = deadlines(request)
    decisions = {d.kind: d for d in request.decisions.all()}
    events: dict[str, date] = {}
    for event in request.events.all():
        events.setdefault(event.event_type, event.occurred_on)
    advice = list(request.advice_requests.all())
    status = request.status
    closed_early = status in ("not_assess", "withdrawn", "not_issued")

    decide = steps.get("decide_whether_to_assess")
    final = steps.get("final_plan")
    not_issue = steps.get("notify_not_issue")
    assess = decisions.get("assess")
    issue = decisions.get("issue")
    draft_sent = events.get("draft_plan_sent")
    final_issued = events.get("final_plan_issued")
    withdrawn = events.get("request_withdrawn")
    last_day = representation_last_day(request) if draft_sent else None
    window_open = representation_window_open(request, today)

    # -- stages ------------------------------------------------------------------------------------
    stages = [Stage("Request received", COMPLETED, f"We received the request on {_d(request.received_on)}.")]
    if assess:
        stages.append(
            Stage(
                "Decide whether to carry out an assessment",
                COMPLETED,
                f"On {_d(assess.decided_on)} we decided "
                f"{'to carry out' if assess.outcome else 'not to carry out'} an EHC needs assessment.",
            )
        )
    elif status == "withdrawn":
        stages.append(Stage("Decide whether to carry out an assessment", NOT_NEEDED))
    else:
        stages.append(
            Stage(
                "Decide whether to carry out an assessment",
                IN_PROGRESS,
                f"We must tell you by {_d(decide['due'])}." if decide else "",
            )
        )
    assessing = bool(assess and assess.outcome)
    if not assessing:
        stages.append(Stage("Gather advice and information", NOT_NEEDED if closed_early else NOT_STARTED))
    else:
        given = [a for a in advice if a.received_on]
        who = "person or service" if len(advice) == 1 else "people or services"
        hint = (
            f"We asked for advice from {len(advice)} {who}; {len(given)} of {len(advice)} received."
            if advice
            else "We are asking for advice."
        )
        done = bool(issue) or status in ("draft", "plan_issued", "not_issued")
        stages.append(
            Stage(
                "Gather advice and information",
                COMPLETED if done else (NOT_NEEDED if status == "withdrawn" else IN_PROGRESS),
                hint,
            )
        )
    if issue or events.get("decision_not_to_issue"):
        issued = issue.outcome if issue else False
        on = issue.decided_on if issue else events["decision_not_to_issue"]
        stages.append(
            Stage(
                "Decide whether to issue an EHC plan",
                COMPLETED,
                f"On {_d(on)} we decided {'to issue' if issued else 'not to issue'} an EHC plan.",
            )
        )
    elif closed_early:
        stages.append(Stage("Decide whether to issue an EHC plan", NOT_NEEDED))
    elif assessing:
        waiting = any(not a.received_on for a in advice)  # the decision follows the advice
        stages.append(
            Stage(
                "Decide whether to issue an EHC plan",
                NOT_STARTED if waiting else IN_PROGRESS,
                f"If we decide not to issue a plan, we must tell you by {_d(not_issue['due'])}."
                if not_issue and not not_issue["done"]
                else "",
            )
        )
    else:
        stages.append(Stage("Decide whether to issue an EHC plan", NOT_STARTED))
    if draft_sent:
        stages.append(
            Stage(
                "Draft plan: tell us what you think",
                IN_PROGRESS if window_open else COMPLETED,
                f"We sent the draft on {_d(draft_sent)}. "
                + (
                    f"Tell us what you think by {_d(last_day)}."
                    if window_open
                    else f"The time to comment ended on {_d(last_day)}."
                    if last_day
                    else ""
                ),
            )
        )
    else:
        stages.append(Stage("Draft plan: tell us what you think", NOT_NEEDED if closed_early else NOT_STARTED))
    if final_issued:
        stages.append(Stage("Final EHC plan", COMPLETED, f"Issued on {_d(final_issued)}."))
    elif closed_early:
        stages.append(Stage("Final EHC plan", NOT_NEEDED))
    else:
        stages.append(
            Stage(
                "Final EHC plan",
                IN_PROGRESS if status == "draft" else NOT_STARTED,
                f"Due by {_d(final['due'])}." if final else "",
            )
        )

    # -- what happens next ---------------------------------------------------------------------------
    if status == "pending":
        next_steps = [
            f"We are looking at the request and the evidence about {poss} needs. We may contact you, {poss} "
            f"school or setting, and others who know {'you' if own else name}.",
            f"We must tell you by {_d(decide['due'])} whether we will carry out an EHC needs assessment."
            if decide
            else "We will tell you whether we will carry out an EHC needs assessment.",
            "If we decide to assess, we will ask for advice from the people who know and work with "
            f"{'you' if own else name}. If we decide not to, we will tell you why and what you can do if you disagree.",
        ]
    elif status == "assess":
        next_steps = [
            f"We are gathering advice and information about {poss} needs from the people and services listed "
            f"below. You can give your own views too: your caseworker will tell you how.",
            f"Then we will decide whether {'you need' if own else name + ' needs'} an EHC plan.",
        ]
        if not issue and not_issue and not not_issue["done"]:
            next_steps.append(f"If we decide not to issue a plan, we must tell you by {_d(not_issue['due'])}.")
        next_steps.append(
            "If we decide to issue a plan, we will send you a draft first. You will have 15 days to "
            "comment on it and to ask for a particular school or college to be named."
            + (f" The final plan must be issued by {_d(final['due'])}." if final else "")
        )
    elif status == "draft":
        next_steps = [f"We sent you a draft EHC plan on {_d(draft_sent)}."]
        if window_open:
            next_steps.append(
                f"You have until {_d(last_day)} to tell us what you think of it, to ask for a particular "
                "school or college to be named in the plan, and to ask to meet us to talk about it."
            )
        else:
            next_steps.append(
                f"The time to comment on the draft ended on {_d(last_day)}. We are now preparing the "
                "final plan, taking into account what you told us."
            )
        if final:
            next_steps.append(f"The final plan must be issued by {_d(final['due'])}.")
    elif status == "plan_issued":
        next_steps = [
            f"We issued {poss} final EHC plan on {_d(final_issued)}.",
            "The plan will be reviewed at least once every 12 months, at an annual review meeting.",
            "If you disagree with what the plan says about needs, the help to be given, or the school or "
            "college named, you can appeal to the SEND Tribunal. " + MEDIATION,
        ]
    elif status == "not_assess":
        next_steps = [
            f"On {_d(assess.decided_on if assess else request.closed_on)} we decided not to carry out an "
            "EHC needs assessment. Our letter explains why.",
            APPEAL,
        ]
    elif status == "not_issued":
        on = issue.decided_on if issue else events.get("decision_not_to_issue") or request.closed_on
        next_steps = [
            f"On {_d(on)} we decided not to issue an EHC plan. Our letter explains why and how "
            f"{poss} needs can be met without a plan.",
            APPEAL,
        ]
    else:  # withdrawn
        next_steps = [
            f"The request was withdrawn on {_d(withdrawn or request.closed_on)}. "
            "You can make a new request at any time."
        ]

    # -- key dates -----------------------------------------------------------------------------------
    key_dates = [KeyDate("Request received", _d(request.received_on))]
    if decide:
        key_dates.append(
            KeyDate(
                "Decision whether to assess",
                f"Made on {_d(decide['done'])}" if decide["done"] else f"Due by {_d(decide['due'])}",
                _lateness(decide, today),
            )
        )
    if assessing and not issue and not_issue and not not_issue["done"] and not closed_early:
        key_dates.append(
            KeyDate(
                "Decision not to issue a plan, if that is our decision",
                f"Due by {_d(not_issue['due'])}",
                _lateness(not_issue, today),
            )
        )
    if draft_sent:
        key_dates.append(KeyDate("Draft plan sent", _d(draft_sent)))
        if last_day:
            key_dates.append(KeyDate("Last day to comment on the draft", _d(last_day)))
    if final and not closed_early:
        key_dates.append(
            KeyDate(
                "Final EHC plan",
                f"Issued on {_d(final['done'])}" if final["done"] else f"Due by {_d(final['due'])}",
                _lateness(final, today),
            )
        )

    # -- who is involved (roles, never contact details) ------------------------------------------------
    caseworker = (request.caseworker.get_full_name() or request.caseworker.username) if request.caseworker else ""
    advice_rows = [
        {
            "who": ADVISER_TYPES.get(a.adviser_type, a.adviser_type),
            "asked": a.requested_on,
            "due": a.due_on,
            "given": a.received_on,
        }
        for a in advice
    ]

    # -- what has happened ----------------------------------------------------------------------------
    history: list[tuple[date, str]] = []
    for event in request.events.all():
        text = _history_text(event, poss)
        if text:
            history.append((event.occurred_on, text))
    if issue and issue.outcome:
        history.append((issue.decided_on, "We decided to issue an EHC plan"))
    representations = list(request.representations.all())
    for rep in representations:
        history.append((rep.received_on, "You sent us your views on the draft plan"))
    history.sort(key=lambda item: item[0], reverse=True)

    return Progress(
        request=request,
        stage=FAMILY_STAGE.get(status, status),
        stages=stages,
        next_steps=next_steps,
        key_dates=key_dates,
        caseworker=caseworker,
        advice=advice_rows,
        history=history,
        letters=family_letters(request, viewer),
        representation_last_day=last_day,
        can_respond=window_open,
        representations=representations,
    )


def _history_text(event, poss: str) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    kind = event.event_type
    if kind == "request_received":
        return "We received the request for an EHC needs assessment"
    if kind == "decision_to_assess":
        return (
            "We decided to carry out an EHC needs assessment"
            if detail.get("outcome") == "assess"
            else "We decided not to carry out an EHC needs assessment"
        )
    if kind == "advice_requested":
        return f"We asked for advice: {ADVISER_TYPES.get(detail.get('adviser'), 'other').lower()}"
    if kind == "advice_received":
        return f"Advice received: {ADVISER_TYPES.get(detail.get('adviser'), 'other').lower()}"
    return {
        "decision_not_to_issue": "We decided not to issue an EHC plan",
        "school_consultation_sent": f"We asked a school or college whether it can meet {poss} needs",
        "school_consultation_response": "A school or college we asked replied",
        "draft_plan_sent": "We sent you the draft EHC plan",
        "final_plan_issued": "We issued the final EHC plan",
        "request_withdrawn": "The request was withdrawn",
    }.get(kind, "")


def family_letters(request: AssessmentRequest, viewer) -> list:
    """Letters the family can see for this request, one copy each, newest first."""
    return one_copy_each(request.letters.all(), request.child_id, viewer)
