"""Who may do what: the whole permission matrix in one place.

Page-level permissions take no object; object-level ones take a child. people.queries.visible_children
is the queryset twin of `people.view_child` and the tests hold the two to agreeing.
"""

from __future__ import annotations

from datetime import date

import rules
from django.db.models import Q
from django.utils import timezone

from .roles import Role


def _role(*names):
    @rules.predicate(name=f"role in {names}")
    def has(user):
        return bool(user and user.is_authenticated and user.is_active and getattr(user, "role", None) in names)

    return has


is_casework = _role(Role.CASEWORKER, Role.MANAGER)
is_manager = _role(Role.MANAGER)
is_finance = _role(Role.FINANCE)
# The section 151 officer (the council's chief finance officer) sees the money in aggregate, never a child.
is_s151 = _role(Role.S151)
is_senco = _role(Role.SENCO)
is_invited_role = _role(Role.PROFESSIONAL, Role.PANEL_MEMBER)
is_role_panel = _role(Role.PANEL_MEMBER)
is_professional = _role(Role.PROFESSIONAL)
is_parent = _role(Role.PARENT)
is_young_person = _role(Role.YOUNG_PERSON)
is_strategic = _role(Role.STRATEGIC_LEAD)
is_admin = _role(Role.ADMIN)
is_anyone = _role(*Role.LABELS)


def active_access_q(prefix: str = "") -> Q:
    """Invitations that are neither revoked nor expired today."""
    today = timezone.localdate()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})
    )


@rules.predicate
def child_at_my_setting(user, child) -> bool:
    if child is None or not user.establishment_id:
        return False
    return child.placements.filter(establishment_id=user.establishment_id, end_date__isnull=True).exists()


@rules.predicate
def uploaded_document(user, document) -> bool:
    """The person who put a document on a record they may still see (records.delete_document)."""
    return (
        document is not None
        and document.uploaded_by_id == user.pk
        and user.has_perm("records.view_documents", document.child)
    )


@rules.predicate
def invited_to_child(user, child) -> bool:
    return child is not None and child.access_grants.filter(active_access_q(), user=user).exists()


@rules.predicate
def my_child(user, child) -> bool:
    return child is not None and child.parents.filter(user=user, parental_responsibility=True).exists()


@rules.predicate
def own_record_16_plus(user, child) -> bool:
    return child is not None and user.child_id == child.pk and child.age(date.today()) >= 16


@rules.predicate
def senco_of_setting(user, establishment) -> bool:
    return establishment is not None and bool(user.establishment_id) and user.establishment_id == establishment.pk


can_view_child = (
    is_casework
    | is_finance
    | (is_senco & child_at_my_setting)
    | (is_invited_role & invited_to_child)
    | (is_parent & my_child)
    | (is_young_person & own_record_16_plus)
)

PERMISSIONS = {
    "web.home": is_anyone,
    # children
    "people.search_children": is_casework | is_finance | is_senco | is_invited_role | is_parent,
    "people.open_records": is_casework | is_finance | is_senco | is_invited_role | is_parent | is_young_person,
    "people.view_child": can_view_child,
    "people.change_child": is_casework,
    "people.view_child_audit": is_manager,
    # need to know (docs/security.md): safeguarding flags (people.models.SAFEGUARDING_FLAGS: child protection, child
    # in need, looked after, youth justice) for the council's SEND casework staff only; the NHS number for them,
    # the invited professional (health advice needs it) and the family, not for SENCOs, finance or panel members.
    "people.view_safeguarding_flags": is_casework,
    "people.view_nhs_number": is_casework
    | (is_professional & invited_to_child)
    | (is_parent & my_child)
    | (is_young_person & own_record_16_plus),
    "people.grant_access": is_casework,
    "people.import_children": is_manager | is_admin,
    # establishments: the directory is for every signed-in user
    "establishments.view": is_anyone,
    "establishments.change": is_manager | is_admin,
    # aggregates only: no named child
    "insight.view_aggregates": is_strategic | is_manager | is_finance | is_s151,
    # exact small counts on aggregate pages: only those who may open every child's record anyway
    "insight.exact_figures": is_casework,
    # casework
    "casework.view_queue": is_casework,
    "casework.manage": is_casework,
    "casework.reassign": is_manager,
    # advice for an assessment: invited professionals, and SENCOs for the school's advice (which child: the rule
    # people.view_child; which advice: casework.services.is_giver)
    "casework.give_advice": is_professional | is_senco,
    # a school's SENCO asks for an assessment (CFA 2014 s36(1)): the page, then a pupil at their setting
    "casework.request_for_pupils": is_senco,
    "casework.request_for_pupil": is_senco & child_at_my_setting,
    # families following their own requests in the portal (which child: the people.view_child rule)
    "portal.follow_requests": is_parent | is_young_person,
    "letters.edit_templates": is_manager | is_admin,
    # panels
    "panels.view": is_casework | is_role_panel,
    "panels.manage": is_manager,
    "panels.record_recommendation": is_casework | is_role_panel,
    # EHC plans: the document (which child: the people.view_child rule, checked with it)
    "plans.view_plan": can_view_child,
    "plans.edit_plan": is_casework,
    "plans.issue_plan": is_casework,
    # families write section A and comment on drafts; invited professionals and the setting contribute
    "plans.contribute": (is_parent & my_child)
    | (is_young_person & own_record_16_plus)
    | (is_invited_role & invited_to_child)
    | (is_senco & child_at_my_setting),
    # annual reviews, phase transfer, reassessment
    "reviews.view_tracker": is_casework,
    "reviews.manage": is_casework,
    "reviews.contribute": (is_senco & child_at_my_setting)
    | (is_invited_role & invited_to_child)
    | (is_parent & my_child)
    | (is_young_person & own_record_16_plus),
    # the school's annual review report (reg 20(7)-(8)): its SENCO's pages, then a pupil at their setting
    "reviews.school_reports": is_senco,
    "reviews.school_report": is_senco & child_at_my_setting,
    # cessation, mediation, tribunal appeals, complaints and Ombudsman cases
    "disputes.view": is_casework,
    "disputes.manage": is_casework,
    # forecasts and DSG scenarios: aggregates only
    "planning.view_forecast": is_finance | is_strategic | is_manager | is_s151,
    "planning.edit_scenarios": is_finance | is_manager,
    # funding: finance officers and managers; lead members and the section 151 officer see aggregates only
    # (budget monitoring, the DSG position); a SENCO or head sees only their own setting's statement
    "funding.view_finance": is_finance | is_manager,
    "funding.view_children": is_finance | is_manager,
    "funding.manage_commitments": is_finance | is_manager,
    "funding.manage_budget": is_finance | is_manager,
    "funding.set_bands": is_finance | is_manager,
    "funding.view_position": is_finance | is_manager | is_strategic | is_s151,
    "funding.view_frameworks": is_finance | is_manager | is_strategic | is_casework | is_role_panel,
    "funding.edit_frameworks": is_finance | is_manager,
    "funding.view_statements": is_finance | is_manager | is_senco,
    "funding.view_statement": is_finance | is_manager | (is_senco & senco_of_setting),
    "funding.own_statement": is_senco,
    "funding.apply_top_up": is_senco & child_at_my_setting,
    "funding.apply_top_ups": is_senco,
    "funding.decide_top_ups": is_finance | is_manager,
    # the SEN2 statutory return: builds, kept versions, validation and import (the SEND team's data work)
    "returns.manage": is_manager,
    # administration
    "accounts.manage_users": is_admin,
    # managers see the team and can switch off a leaver's access at once (not an administrator's)
    "accounts.view_users": is_admin | is_manager,
    "accounts.deactivate_users": is_admin | is_manager,
    # caseworkers invite a child's parents, or the young person, to the portal (which child: people.view_child)
    "accounts.invite_family": is_casework,
    # the data protection officer's audit screen: give the DPO an administrator account
    "audit.view_log": is_admin,
    # background jobs: administrators see all and retry failures; anyone follows a job they started
    "jobs.manage": is_admin,
    "jobs.follow": is_anyone,
    "accounts.use_api": is_anyone,
    # sign-in security: unlocking a locked-out username; setting up and giving one's own second factor
    "accounts.unlock_sign_in": is_admin | is_manager,
    "accounts.second_factor": is_anyone,
    "council.change_settings": is_admin,
    # a child's case file (highneeds/records): documents for everyone who may see the record (which documents:
    # records.queries.audiences_for), except finance (need to know); uploads by the council, the child's SENCO
    # and invited professionals; notes, tasks, the contact log and letter PDFs for the SEND team
    "records.open": is_casework | is_senco | is_invited_role | is_parent | is_young_person,
    "records.view_documents": is_casework
    | (is_senco & child_at_my_setting)
    | (is_invited_role & invited_to_child)
    | (is_parent & my_child)
    | (is_young_person & own_record_16_plus),
    "records.upload": is_casework | is_senco | is_professional,
    "records.upload_document": is_casework | (is_senco & child_at_my_setting) | (is_professional & invited_to_child),
    "records.manage": is_casework,
    # deleting a document (soft, with a reason): the SEND team, or the person who uploaded it; takes the document
    "records.delete_document": is_casework | ((is_senco | is_professional) & uploaded_document),
    # removing deleted files once retention allows: the nightly job and `highneeds records purge` (the system)
    "records.purge_documents": is_admin,
    "audit.verify": is_admin | is_manager,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
