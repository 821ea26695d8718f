"""Plain-English names for audit actions, and the people and children they concern, for screens and exports.

`ACTIONS` is the one registry of audit actions: every action the code records, with its label. An old stored
name is mapped through `ALIASES`; any other unknown code is turned into words from its parts
("dispute.appeal.lodge" -> "Disagreements: appeal lodged"), so no screen shows a raw code. `kind` sorts
actions into the four groups a data protection officer filters by.
"""

from __future__ import annotations

from collections.abc import Iterable

from highneeds.accounts.models import User
from highneeds.people.models import Child

READ, CHANGE, REFUSED, SIGN_IN = "read", "change", "refused", "sign_in"
KINDS = {READ: "Opened or viewed", CHANGE: "Changed", REFUSED: "Refused (no access)", SIGN_IN: "Signed in or out"}

# The registry: every action the code records, with what a person reads for it. `audit.log.record` refuses an
# action missing here (under DEBUG and tests), and tests/audit/test_action_registry.py checks the code's literals.
# One naming scheme: `<domain>.<verb>` (or `<domain>.<thing>.<verb>`), the domain singular.
ACTIONS = {
    "access.denied": "Tried to open something without permission",
    "access.refused": "Was refused access (no permission)",
    "advice.chase": "Chased overdue advice",
    "advice.request": "Asked for advice",
    "advice.submit": "Gave advice",
    "api.children.search": "API: children search",
    "api.funding.commitments": "API: funding commitments",
    "api.funding.statement": "API: funding statement",
    "api.reassessments.list": "API: reassessments list",
    "api.reviews.list": "API: reviews list",
    "api.transfers.list": "API: transfers list",
    "api_token.issue": "Issued an API token",
    "api_token.revoke": "Revoked an API token",
    "audit.export": "Exported the audit log",
    "audit.view": "Searched the audit log",
    "auth.locked_out": "Sign-in locked after failed attempts",
    "auth.second_factor.enrol": "Auth: second factor enrol",
    "auth.second_factor.failed": "Auth: second factor failed",
    "auth.second_factor.reset": "Auth: second factor reset",
    "auth.second_factor.verified": "Auth: second factor verified",
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Failed to sign in",
    "auth.sign_out": "Signed out",
    "auth.unlock": "Unlocked someone's sign-in",
    "case.check_match": "Assessment request: check match",
    "case.new_request": "Started a request for an assessment",
    "case.view": "Opened an assessment request",
    "case.view_for_edit": "Opened an assessment request to update it",
    "case.view_letter": "Read a letter",
    "child.access.grant": "Invited a professional to the record",
    "child.access.revoke": "Ended a professional's invitation",
    "child.create": "Created the child's record",
    "child.delete_provisional": "Child's record: delete provisional",
    "child.flag.add": "Recorded a circumstance",
    "child.flag.end": "Ended a circumstance",
    "child.import": "Imported the record",
    "child.import.placements": "Child's record: import placements",
    "child.needs": "Recorded needs",
    "child.parent.add": "Added a parent or carer",
    "child.placement.add": "Recorded a placement",
    "child.placement.end": "Ended a placement",
    "child.sen_status": "Changed SEN status or needs",
    "child.update": "Changed the child's details",
    "child.view": "Opened the child's record",
    "child.view_access_log": "Looked at who has seen the record",
    "child.view_api": "Read the record through the API",
    "child.view_for_edit": "Opened the record to change it",
    "child.view_refused": "Was refused the child's record",
    "clock.recalculate": "Recalculated statutory deadlines",
    "council.bank_holidays.import": "Council settings: bank holidays imported",
    "council.settings.update": "Changed the council's settings",
    "demo.flush": "Removed demo data",
    "demo.load": "Loaded demo data",
    "demo.prepare": "Prepared demo records",
    "dispute.appeal.hearing": "Disagreements: appeal hearing",
    "dispute.appeal.lodge": "Disagreements: appeal lodged",
    "dispute.appeal.outcome": "Disagreements: appeal outcome",
    "dispute.appeal.response": "Disagreements: appeal response",
    "dispute.cessation.apply": "Disagreements: cessation applied",
    "dispute.cessation.consult": "Disagreements: cessation consulted",
    "dispute.cessation.decide": "Disagreements: cessation decided",
    "dispute.cessation.no_appeal": "Disagreements: cessation no appeal",
    "dispute.cessation.response": "Disagreements: cessation response",
    "dispute.cessation.start": "Disagreements: cessation started",
    "dispute.cessation.withdraw": "Disagreements: cessation withdrawn",
    "dispute.complaint.create": "Disagreements: complaint created",
    "dispute.complaint.response": "Disagreements: complaint response",
    "dispute.mediation.arranged": "Disagreements: mediation arranged",
    "dispute.mediation.certificate": "Disagreements: mediation certificate",
    "dispute.mediation.contact": "Disagreements: mediation contact",
    "dispute.mediation.declined": "Disagreements: mediation declined",
    "dispute.mediation.held": "Disagreements: mediation held",
    "dispute.mediation.icbs_told": "Disagreements: mediation icbs told",
    "dispute.mediation.requested": "Disagreements: mediation requested",
    "dispute.notice.create": "Disagreements: notice created",
    "dispute.order.complied": "Disagreements: order complied with",
    "dispute.order.create": "Disagreements: order created",
    "dispute.settings.update": "Disagreements: settings updated",
    "dispute.view": "Opened the child's disagreements",
    "dispute.view_api": "Disagreements: view api",
    "dispute.view_for_edit": "Disagreements: view for edit",
    "dispute.view_letter": "Disagreements: view letter",
    "establishment.create": "Establishments: created",
    "establishment.update": "Establishments: updated",
    "family.accept": "Accepted a portal invitation",
    "family.access.view": "Opened the family portal access page",
    "family.access_end": "Ended a family member's portal access",
    "family.access_review": "Recorded the access decision at 16",
    "family.invite": "Invited a family member to the portal",
    "funding.actuals_import": "Funding: actuals imported",
    "funding.band_set": "Funding: band set",
    "funding.budget_set": "Funding: budget set",
    "funding.child_view": "Funding: child view",
    "funding.commitment_create": "Funding: commitment created",
    "funding.commitment_revise": "Funding: commitment revise",
    "funding.commitments_export": "Funding: commitments export",
    "funding.dsg_set": "Funding: dsg set",
    "funding.framework_install": "Funding: framework install",
    "funding.line_children_view": "Funding: line children view",
    "funding.plans_without_band_view": "Funding: plans without band view",
    "funding.statement_view": "Funding: statement view",
    "funding.top_up_apply": "Funding: top up applied",
    "funding.top_up_decide": "Funding: top up decided",
    "funding.top_up_view": "Funding: top up view",
    "import.children": "Import: children",
    "import.establishments": "Import: establishments",
    "import.s41": "Import: s41",
    "letter.generate": "Wrote a letter",
    "letter.template.fallback": "Letters: template fallback",
    "letter.template.preview": "Letters: template preview",
    "letter.template.restore": "Letters: template restore",
    "letter.template.update": "Changed a letter template",
    "panel.agenda.add": "Put the case on a panel agenda",
    "panel.agenda.remove": "Panel: agenda removed",
    "panel.attendance": "Panel: attendance",
    "panel.conflict.declare": "Panel: conflict declared",
    "panel.create": "Panel: created",
    "panel.meeting.close": "Panel: meeting closed",
    "panel.meeting.schedule": "Panel: meeting scheduled",
    "panel.meeting.view": "Panel: meeting view",
    "panel.member.add": "Panel: member added",
    "panel.member.remove": "Panel: member removed",
    "panel.pack.download": "Panel: pack download",
    "panel.recommendation": "Panel recommended",
    "phase_transfer.add": "Phase transfer: added",
    "phase_transfer.amended": "Phase transfer: amended",
    "phase_transfer.consult": "Phase transfer: consulted",
    "phase_transfer.identify": "Phase transfer: identified",
    "phase_transfer.preferences": "Phase transfer: preferences",
    "phase_transfer.reply": "Phase transfer: reply",
    "phase_transfer.view": "Phase transfer: view",
    "phase_transfer.view_for_edit": "Phase transfer: view for edit",
    "plan.advice": "EHC plan: advice",
    "plan.advice.copy": "EHC plan: advice copied",
    "plan.advice.give": "EHC plan: advice given",
    "plan.amend": "Amended the plan",
    "plan.amendment.send": "EHC plan: amendment sent",
    "plan.amendment.start": "EHC plan: amendment started",
    "plan.cease": "Ceased the plan",
    "plan.comment": "Commented on the draft plan",
    "plan.compare": "EHC plan: compare",
    "plan.create": "Started an EHC plan",
    "plan.demo.create": "EHC plan: demo created",
    "plan.download": "Downloaded the plan",
    "plan.draft.send": "Sent the draft plan",
    "plan.draft.start": "Started the draft plan",
    "plan.edit": "Changed the EHC plan",
    "plan.import": "EHC plan: imported",
    "plan.issue": "Issued the final plan",
    "plan.link_request": "EHC plan: link requested",
    "plan.media.add": "Added a picture or recording to the plan",
    "plan.media.view": "EHC plan: media view",
    "plan.profile": "EHC plan: profile",
    "plan.quality": "EHC plan: quality",
    "plan.section.save": "Saved a section of the plan",
    "plan.section_a.write": "Wrote section A of the plan",
    "plan.send": "Sent the plan",
    "plan.start": "EHC plan: started",
    "plan.view": "Opened the EHC plan",
    "plan.view_api": "EHC plan: view api",
    "planning.export": "Forecasts: export",
    "planning.goal_seek": "Forecasts: goal seek",
    "planning.scenario_create": "Forecasts: scenario created",
    "planning.scenario_delete": "Forecasts: scenario deleted",
    "planning.scenario_duplicate": "Forecasts: scenario duplicated",
    "planning.scenario_update": "Forecasts: scenario updated",
    "portal.advice.view": "Adviser opened the request for advice",
    "portal.plan.comment": "Portal: plan comment",
    "portal.plan.section_a": "Portal: plan section a",
    "portal.plan.view": "Family opened the plan",
    "portal.review.view": "Portal: review view",
    "portal.view": "Family opened their progress page",
    "portal.view_for_response": "Portal: view for response",
    "portal.view_letter": "Family read a letter",
    "reassessment.decide": "Reassessment: decided",
    "reassessment.plan_issued": "Reassessment: plan issued",
    "reassessment.request": "Reassessment: requested",
    "reassessment.view": "Reassessment: view",
    "reassessment.view_for_edit": "Reassessment: view for edit",
    "request.assign": "Assigned a caseworker",
    "request.consult_school": "Consulted a school",
    "request.consultation_response": "Recorded a school's reply",
    "request.create": "Received a request for an assessment",
    "request.decide_assess": "Decided whether to assess",
    "request.decide_issue": "Decided whether to issue a plan",
    "request.draft_sent": "Sent the draft plan",
    "request.duplicate": "Linked a duplicate request",
    "request.exception": "Recorded an exception to the time limits",
    "request.final_plan": "Issued the final plan",
    "request.import": "Assessment request: imported",
    "request.match_confirm": "Assessment request: match confirm",
    "request.match_reject": "Assessment request: match reject",
    "request.possible_match": "Assessment request: possible match",
    "request.representation": "Family responded to the draft plan",
    "request.withdraw": "Withdrew the request",
    "review.amended_plan": "Annual review: amended plan",
    "review.arrange": "Arranged an annual review",
    "review.circulate_advice": "Annual review: circulate advice",
    "review.contribute": "Contributed to the review",
    "review.decide": "Decided the outcome of the review",
    "review.demo": "Annual review: demo",
    "review.history": "Annual review: history",
    "review.invite": "Annual review: invited",
    "review.meeting": "Held the annual review meeting",
    "review.recalculate": "Annual review: recalculated",
    "review.report": "Wrote the review report",
    "review.schedule": "Annual review: scheduled",
    "review.schedule_many": "Annual review: schedule many",
    "review.view": "Opened the annual review",
    "review.view_for_edit": "Annual review: view for edit",
    "sen2.build.fail": "Sen2: build fail",
    "sen2.build.finish": "Sen2: build finish",
    "sen2.build.start": "Sen2: build started",
    "sen2.download": "Sen2: download",
    "sen2.export": "Sen2: export",
    "sen2.import": "Sen2: imported",
    "sen2.submitted": "Sen2: submitted",
    "user.create": "Created an account",
    "user.deactivate": "Deactivated an account",
    "user.invite": "Invited a user",
    "user.password.set": "Users: password set",
    "user.password_change": "Changed their own password",
    "user.password_reset_requested": "Users: password reset requested",
    "user.password_reset_sent": "Sent a password reset link",
    "user.password_set": "Set their password from a link",
    "user.reactivate": "Reactivated an account",
    "user.role_change": "Changed a user's role",
    "user.update": "Changed a user's details",
    "contact.log": "Logged a contact",
    "document.download": "Downloaded a document",
    "document.download.denied": "Tried to download a document without permission",
    "document.delete": "Deleted a document",
    "document.purge": "Removed a deleted document's file from storage",
    "record.view_for_deleting": "Opened a document to delete it",
    "document.share": "Changed who can see a document",
    "document.upload": "Added a document",
    "job.fail": "Marked a background job failed after its worker stopped repeatedly",
    "job.file.keep": "Kept a document made in the background",
    "job.requeue": "Queued again a background job whose worker stopped",
    "job.retry": "Ran a failed background job again",
    "letterhead.update": "Changed the letterhead",
    "note.add": "Wrote a case note",
    "record.view": "Opened the case file",
    "record.view_history": "Looked at the case history",
    "record.view_api": "Read the case file through the API",
    "task.add": "Set a task",
    "task.done": "Completed a task",
    "record.view_contact_form": "Opened the contact log form",
    "record.view_for_sharing": "Opened a document to change who can see it",
    "record.view_for_task_done": "Opened a task to mark it done",
    "record.view_note_form": "Opened the case note form",
    "record.view_task_form": "Opened the task form",
    "record.view_upload_form": "Opened the document upload form",
    "funding.panel_decision_view": "Funding: opened a panel decision",
    "funding.panel_decisions_view": "Funding: looked at panel decisions",
    "letter.view_pdf": "Opened a letter's PDF",
}

# Names used before the scheme was settled. Stored events are hash-chained and never rewritten, so their old names
# are mapped here for their labels (scripts/rename-audit-actions made the rename in the code).
ALIASES = {
    "reviews.demo": "review.demo",
    "reviews.recalculate": "review.recalculate",
    **{
        f"disputes.{rest}": f"dispute.{rest}"
        for rest in [
            "appeal.hearing",
            "appeal.lodge",
            "appeal.outcome",
            "appeal.response",
            "cessation.apply",
            "cessation.consult",
            "cessation.decide",
            "cessation.no_appeal",
            "cessation.response",
            "cessation.start",
            "cessation.withdraw",
            "complaint.create",
            "complaint.response",
            "mediation.arranged",
            "mediation.certificate",
            "mediation.contact",
            "mediation.declined",
            "mediation.held",
            "mediation.icbs_told",
            "mediation.requested",
            "notice.create",
            "order.complied",
            "order.create",
            "settings.update",
            "view",
            "view_api",
            "view_for_edit",
            "view_letter",
        ]
    },
}


class UnknownAction(ValueError):
    pass


def check_registered(action: str) -> None:
    if action not in ACTIONS:
        raise UnknownAction(
            f"audit action {action!r} is not in highneeds/audit/labels.py ACTIONS: add it with "
            f"its label (naming: <domain>.<verb>, the domain singular)"
        )


_AREAS = {
    "child": "Child's record",
    "case": "Assessment request",
    "request": "Assessment request",
    "plan": "EHC plan",
    "review": "Annual review",
    "reviews": "Annual reviews",
    "panel": "Panel",
    "dispute": "Disagreements",
    "disputes": "Disagreements",
    "portal": "Portal",
    "letter": "Letters",
    "advice": "Advice",
    "phase_transfer": "Phase transfer",
    "reassessment": "Reassessment",
    "planning": "Forecasts",
    "council": "Council settings",
    "establishment": "Establishments",
    "import": "Import",
    "user": "Users",
    "family": "Family access",
    "api": "API",
    "access": "Access",
}


# The last word of an unlisted action, put in the past tense ("scenario create" -> "scenario created").
_PAST = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "add": "added",
    "remove": "removed",
    "start": "started",
    "send": "sent",
    "issue": "issued",
    "decide": "decided",
    "lodge": "lodged",
    "import": "imported",
    "give": "given",
    "request": "requested",
    "close": "closed",
    "declare": "declared",
    "schedule": "scheduled",
    "withdraw": "withdrawn",
    "apply": "applied",
    "consult": "consulted",
    "duplicate": "duplicated",
    "copy": "copied",
    "identify": "identified",
    "save": "saved",
    "write": "written",
    "invite": "invited",
    "arrange": "arranged",
    "circulate": "circulated",
    "complied": "complied with",
    "recalculate": "recalculated",
    "cease": "ceased",
    "amend": "amended",
    "chase": "chased",
    "submit": "submitted",
}


def label(action: str) -> str:
    action = ALIASES.get(action, action)
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
    if (
        "view" in action
        or action.startswith(("portal.", "audit."))
        or action.endswith((".download", ".search", ".export"))
    ):
        return READ
    return CHANGE


def kind_q(chosen: str):
    """The database filter for one kind: the same tests as `kind`."""
    from django.db.models import Q

    refused = Q(action__startswith="access.") | Q(action__contains="denied")
    sign_in = Q(action__startswith="auth.")
    read = (
        Q(action__contains="view")
        | Q(action__startswith="portal.")
        | Q(action__startswith="audit.")
        | Q(action__endswith=".download")
        | Q(action__endswith=".search")
        | Q(action__endswith=".export")
    )
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
    events = list(events)
    people = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})}
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in={e.child_id for e in events if e.child_id}).only(
            "id", "first_name", "last_name"
        )
    }
    rows = []
    for e in events:
        person = people.get(e.actor_id)
        child = children.get(e.child_id)
        rows.append(
            {
                "seq": e.seq,
                "when": e.occurred_at,
                "action": e.action,
                "what": label(e.action),
                "kind": kind(e.action),
                "who": (person.get_full_name() or person.username) if person else _system_label(e.actor_label),
                "role": person.role_label if person else "",
                "child_id": e.child_id,
                "child": f"{child.first_name} {child.last_name}"
                if child
                else ("Record no longer held" if e.child_id else ""),
                "object_type": e.object_type,
                "object_id": e.object_id,
                "request_id": e.request_id,
            }
        )
    return rows


def _system_label(actor_label: str) -> str:
    return {"system": "The system (scheduled job or import)", "anonymous": "Someone not signed in"}.get(
        actor_label, actor_label
    )
