"""The people who use highneeds and what each may do. Object-level rules live in permissions.py."""

from __future__ import annotations

from dataclasses import dataclass


class Role:
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    PANEL_MEMBER = "panel_member"
    FINANCE = "finance"
    S151 = "s151"
    SENCO = "senco"
    PROFESSIONAL = "professional"
    PARENT = "parent"
    YOUNG_PERSON = "young_person"
    STRATEGIC_LEAD = "strategic_lead"
    ADMIN = "admin"

    LABELS = {
        CASEWORKER: "SEND caseworker",
        MANAGER: "SEND team manager",
        PANEL_MEMBER: "Panel member",
        FINANCE: "Finance officer",
        S151: "Section 151 officer",
        SENCO: "SENCO",
        PROFESSIONAL: "Professional giving advice",
        PARENT: "Parent or carer",
        YOUNG_PERSON: "Young person",
        STRATEGIC_LEAD: "Strategic lead or lead member",
        ADMIN: "Administrator",
    }
    CHOICES = list(LABELS.items())
    STAFF = frozenset({CASEWORKER, MANAGER, PANEL_MEMBER, FINANCE, S151, STRATEGIC_LEAD, ADMIN})
    FAMILY = frozenset({PARENT, YOUNG_PERSON})


@dataclass(frozen=True)
class SystemActor:
    """Who acts when no person does: the command line, scheduled jobs, imports."""

    label: str = "system"
    is_system: bool = True
    is_authenticated: bool = True
    pk: None = None

    def has_perm(self, perm, obj=None) -> bool:
        return True


SYSTEM = SystemActor()
