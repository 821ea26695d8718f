from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services
from highneeds.funding.models import AreaOfNeed, Band, Framework


@pytest.fixture
def mainstream_framework(db):
    return Framework.objects.get(code="mainstream-top-up")


@pytest.fixture
def band_of(mainstream_framework):
    return lambda code, fw=None: Band.objects.select_related("framework").get(
        framework=fw or mainstream_framework, code=code
    )


@pytest.fixture
def area_of(mainstream_framework):
    return lambda code, fw=None: AreaOfNeed.objects.get(framework=fw or mainstream_framework, code=code)


@pytest.fixture
def banded_child(make_child, make_establishment, band_of, area_of):
    """A child at a maintained primary with band 1 in cognition and learning and a commitment priced by it."""
    school = make_establishment(establishment_type="MS_LA")
    child = make_child(establishment=school)
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of("1"),
        area=area_of("CL"),
        effective_from=date(2026, 4, 1),
        evidence="Reading age 3 years behind",
        decided_by="officer",
    )
    commitment = services.create_commitment(
        actor=SYSTEM,
        child=child,
        establishment=school,
        setting_type="mainstream",
        start=date(2026, 4, 1),
        source="plan",
        band=band_of("1"),
        source_reference="Plan section F",
    )
    return child, school, commitment


@pytest.fixture
def placement_decision(make_user, make_child, make_establishment):
    """A placement and funding panel that met on 1 September 2026 and agreed a package for a child at a maintained
    primary."""
    return build_placement_decision(make_user, make_child, make_establishment, meets_on=date(2026, 9, 1))


def build_placement_decision(make_user, make_child, make_establishment, *, meets_on, **child_fields):
    """(item, child, school): built through the panel services; the request is moved to "assess" directly, as
    setup. Also used by the browser journey."""
    from highneeds.casework import services as casework
    from highneeds.casework.models import AssessmentRequest
    from highneeds.panels import services as panels

    school = make_establishment(establishment_type="MS_LA", urn=654321)
    child = make_child(establishment=school, **child_fields)
    request = casework.submit_request(actor=SYSTEM, child=child, received_on=meets_on - timedelta(days=120), source="2")
    AssessmentRequest.objects.filter(pk=request.pk).update(status="assess")
    request.refresh_from_db()
    manager = make_user("manager")
    panel = panels.create_panel(actor=manager, name="Placement panel", panel_type="placement", quorum=3)
    members = [
        panels.add_member(actor=manager, panel=panel, user=make_user("panel_member"), agency=agency)
        for agency in ("education", "health", "social_care")
    ]
    meeting = panels.schedule_meeting(actor=manager, panel=panel, meets_on=meets_on)
    item = panels.add_to_agenda(actor=manager, meeting=meeting, request=request, summary="Top-up at Band 2")
    panels.record_attendance(actor=manager, meeting=meeting, present=members)
    panels.record_recommendation(actor=manager, item=item, outcome="agree", reasons="Needs met with a Band 2 top-up")
    return item, child, school
