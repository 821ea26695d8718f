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

from . import casework, disputes, foundation, funding, panels, people, plans, records, reviews

READ, CHANGE, REFUSED, SIGN_IN = "read", "change", "refused", "sign_in"
KINDS = {READ: "Opened or viewed", CHANGE: "Changed", REFUSED: "Refused (no access)", SIGN_IN: "Signed in or out"}

# The registry: every action the code records, with what a person reads for it, kept in one module per domain
# (add a new action to its domain's module). `audit.log.record` refuses an action missing here (under DEBUG and
# tests), and tests/audit/test_action_registry.py checks the code's literals.
# One naming scheme: `<domain>.<verb>` (or `<domain>.<thing>.<verb>`), the domain singular.
ACTIONS = dict(
    sorted(
        {
            **foundation.ACTIONS,
            **people.ACTIONS,
            **records.ACTIONS,
            **casework.ACTIONS,
            **plans.ACTIONS,
            **reviews.ACTIONS,
            **disputes.ACTIONS,
            **panels.ACTIONS,
            **funding.ACTIONS,
        }.items()
    )
)

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
            f"audit action {action!r} is not in ACTIONS: add it with its label to its domain's module "
            f"in highneeds/audit/labels/ (naming: <domain>.<verb>, the domain singular)"
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
