"""Plain-English names for audit actions, and the people and children they concern, for screens and exports.

`ACTIONS` names the actions people most often ask about; any other code is turned into words from its parts
("disputes.appeal.lodge" -> "Disagreements: appeal lodged"), so no screen shows a raw code. `kind` sorts
actions into the four groups a data protection officer filters by.
"""

from __future__ import annotations

from typing import Iterable

READ, CHANGE, REFUSED, SIGN_IN = "read", "change", "refused", "sign_in"
KINDS = {READ: "Opened or viewed", CHANGE: "Changed", REFUSED: "Refused (no access)", SIGN_IN: "Signed in or out"}

ACTIONS = {
    "child.view": "Opened the child's record",
    "child.view_access_log": "Looked at who has seen the record",
    "child.view_for_edit": "Opened the record to change it",
    "child.view_api": "Read the record through the API",
    "child.create": "Created the child's record",
    "child.update": "Changed the child's details",
    "child.sen_status": "Changed SEN status or needs",
    "child.parent.add": "Added a parent or carer",
    "child.placement.add": "Recorded a placement",
    "child.placement.end": "Ended a placement",
    "child.flag.add": "Recorded a circumstance",
    "child.flag.end": "Ended a circumstance",
    "child.access.grant": "Invited a professional to the record",
    "child.access.revoke": "Ended a professional's invitation",
    "child.import": "Imported the record",
    "child.needs": "Recorded needs",
    "advice.request": "Asked for advice",
    "advice.chase": "Chased overdue advice",
    "job.retry": "Ran a failed background job again",
    "job.file.keep": "Kept a document made in the background",
    "advice.submit": "Gave advice",
    "plan.create": "Started an EHC plan",
    "plan.edit": "Changed the EHC plan",
    "plan.section.save": "Saved a section of the plan",
    "plan.section_a.write": "Wrote section A of the plan",
    "plan.draft.send": "Sent the draft plan",
    "plan.draft.start": "Started the draft plan",
    "plan.send": "Sent the plan",
    "plan.comment": "Commented on the draft plan",
    "plan.amend": "Amended the plan",
    "plan.cease": "Ceased the plan",
    "plan.media.add": "Added a picture or recording to the plan",
    "request.withdraw": "Withdrew the request",
    "request.duplicate": "Linked a duplicate request",
    "request.exception": "Recorded an exception to the time limits",
    "request.final_plan": "Issued the final plan",
    "request.draft_sent": "Sent the draft plan",
    "request.representation": "Family responded to the draft plan",
    "request.consult_school": "Consulted a school",
    "request.consultation_response": "Recorded a school's reply",
    "review.arrange": "Arranged an annual review",
    "review.meeting": "Held the annual review meeting",
    "review.decide": "Decided the outcome of the review",
    "review.report": "Wrote the review report",
    "review.contribute": "Contributed to the review",
    "panel.recommendation": "Panel recommended",
    "panel.agenda.add": "Put the case on a panel agenda",
    "letter.template.update": "Changed a letter template",
    "council.settings.update": "Changed the council's settings",
    "case.view_for_edit": "Opened an assessment request to update it",
    "case.view_letter": "Read a letter",
    "case.new_request": "Started a request for an assessment",
    "portal.view": "Family opened their progress page",
    "portal.view_letter": "Family read a letter",
    "portal.plan.view": "Family opened the plan",
    "portal.advice.view": "Adviser opened the request for advice",
    "plan.download": "Downloaded the plan",
    "plan.issue": "Issued the final plan",
    "letter.generate": "Wrote a letter",
    "request.assign": "Assigned a caseworker",
    "request.decide_assess": "Decided whether to assess",
    "request.decide_issue": "Decided whether to issue a plan",
    "auth.sign_in": "Signed in",
    "auth.sign_out": "Signed out",
    "access.denied": "Tried to open something without permission",
    "user.create": "Created an account",
    "user.invite": "Invited a user",
    "user.update": "Changed a user's details",
    "user.role_change": "Changed a user's role",
    "user.deactivate": "Deactivated an account",
    "user.reactivate": "Reactivated an account",
    "user.password_reset_sent": "Sent a password reset link",
    "user.password_set": "Set their password from a link",
    "user.password_change": "Changed their own password",
    "family.invite": "Invited a family member to the portal",
    "family.accept": "Accepted a portal invitation",
    "family.access_end": "Ended a family member's portal access",
    "family.access_review": "Recorded the access decision at 16",
    "family.access.view": "Opened the family portal access page",
    "api_token.issue": "Issued an API token",
    "api_token.revoke": "Revoked an API token",
    "audit.view": "Searched the audit log",
    "audit.export": "Exported the audit log",
    "demo.load": "Loaded demo data",
    "clock.recalculate": "Recalculated statutory deadlines",
    "document.upload": "Added a document",
    "document.share": "Changed who can see a document",
    "document.download": "Downloaded a document",
    "document.download.denied": "Tried to download a document without permission",
    "note.add": "Wrote a case note",
    "task.add": "Set a task",
    "task.done": "Completed a task",
    "contact.log": "Logged a contact",
    "letterhead.update": "Changed the letterhead",
    "records.view": "Opened the case file",
    "records.view_history": "Looked at the case history",
}

_AREAS = {"child": "Child's record", "case": "Assessment request", "request": "Assessment request", "plan": "EHC plan",
          "review": "Annual review", "reviews": "Annual reviews", "panel": "Panel", "disputes": "Disagreements",
          "portal": "Portal", "letter": "Letters", "advice": "Advice", "phase_transfer": "Phase transfer",
          "reassessment": "Reassessment", "planning": "Forecasts", "council": "Council settings",
          "establishment": "Establishments", "import": "Import", "user": "Users", "family": "Family access",
          "api": "API", "access": "Access"}


# The last word of an unlisted action, put in the past tense ("scenario create" -> "scenario created").
_PAST = {"create": "created", "update": "updated", "delete": "deleted", "add": "added", "remove": "removed",
         "start": "started", "send": "sent", "issue": "issued", "decide": "decided", "lodge": "lodged",
         "import": "imported", "give": "given", "request": "requested", "close": "closed", "declare": "declared",
         "schedule": "scheduled", "withdraw": "withdrawn", "apply": "applied", "consult": "consulted",
         "duplicate": "duplicated", "copy": "copied", "identify": "identified", "save": "saved", "write": "written",
         "invite": "invited", "arrange": "arranged", "circulate": "circulated", "complied": "complied with",
         "recalculate": "recalculated", "cease": "ceased", "amend": "amended", "chase": "chased", "submit": "submitted"}


def label(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    area, _, rest = action.partition(".")
    words = rest.replace(".", " ").replace("_", " ").split()
    if words and words[-1] in _PAST:
        words[-1] = _PAST[words[-1]]
    words = " ".join(words)
    area_name = _AREAS.get(area, area.replace("_", " ").capitalize())
    return f"{area_name}: {words}" if words else area_name


def kind(action: str) -> str:
    if action.startswith("access.") or "denied" in action:
        return REFUSED
    if action.startswith("auth."):
        return SIGN_IN
    if "view" in action or action.startswith(("portal.", "audit.")) or action.endswith((".download", ".search",
                                                                                         ".export")):
        return READ
    return CHANGE


def kind_q(chosen: str):
    """The database filter for one kind: the same tests as `kind`."""
    from django.db.models import Q

    refused = Q(action__startswith="access.") | Q(action__contains="denied")
    sign_in = Q(action__startswith="auth.")
    read = (Q(action__contains="view") | Q(action__startswith="portal.") | Q(action__startswith="audit.")
            | Q(action__endswith=".download") | Q(action__endswith=".search") | Q(action__endswith=".export"))
    if chosen == REFUSED:
        return refused
    if chosen == SIGN_IN:
        return sign_in & ~refused
    if chosen == READ:
        return read & ~refused & ~sign_in
    if chosen == CHANGE:
        return ~read & ~refused & ~sign_in
    raise ValueError(chosen)


def describe(events: Iterable) -> list[dict]:
    """Rows for a screen or export: people's names and roles, the child's name, the action in words."""
    from highneeds.accounts.models import User
    from highneeds.people.models import Child

    events = list(events)
    people = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})}
    children = {c.pk: c for c in Child.objects.filter(pk__in={e.child_id for e in events if e.child_id})
                .only("id", "first_name", "last_name")}
    rows = []
    for e in events:
        person = people.get(e.actor_id)
        child = children.get(e.child_id)
        rows.append({
            "seq": e.seq, "when": e.occurred_at, "action": e.action, "what": label(e.action), "kind": kind(e.action),
            "who": (person.get_full_name() or person.username) if person else _system_label(e.actor_label),
            "role": person.role_label if person else "",
            "child_id": e.child_id, "child": f"{child.first_name} {child.last_name}" if child else (
                "Record no longer held" if e.child_id else ""),
            "object_type": e.object_type, "object_id": e.object_id, "request_id": e.request_id,
        })
    return rows


def _system_label(actor_label: str) -> str:
    return {"system": "The system (scheduled job or import)", "anonymous": "Someone not signed in"}.get(
        actor_label, actor_label)
