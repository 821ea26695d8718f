"""A placement panel's agreed package (a band or an amount, and a setting) becomes a commitment through
funding/flows.py, versioned like any other, and a budget line drills down to the decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.funding import flows, queries, services
from highneeds.funding.models import Commitment

from .test_pages import as_role, text

pytestmark = pytest.mark.django_db


def test_an_agreed_package_becomes_a_new_panel_package(placement_decision, band_of, make_user):
    item, _, school = placement_decision
    finance = make_user("finance")
    made = flows.commit_panel_decision(
        actor=finance, item=item, establishment=school, start=date(2026, 9, 1), band=band_of("2")
    )
    assert (made.source, made.version, made.panel_item_id, made.top_up_annual) == (
        "panel",
        1,
        item.pk,
        Decimal("3100.00"),
    )
    assert made.line.code == "1.2.1" and "Placement panel, 1 September 2026" in made.source_reference
    with pytest.raises(ValidationError, match="already been committed"):
        flows.commit_panel_decision(
            actor=finance, item=item, establishment=school, start=date(2026, 9, 1), band=band_of("3")
        )
    # A later band change keeps the link to the decision behind the package.
    later = services.revise_commitment(
        actor=finance,
        commitment=made,
        effective_from=date(2026, 10, 1),
        reason="Band 3 from October",
        band=band_of("3"),
    )
    assert later.panel_item_id == item.pk and later.version == 2


def test_a_decision_versions_the_childs_plan_package_from_its_start(placement_decision, band_of, make_user):
    item, child, school = placement_decision
    plan = services.create_commitment(
        actor=SYSTEM,
        child=child,
        establishment=school,
        setting_type="mainstream",
        start=date(2026, 4, 1),
        source="plan",
        band=band_of("1"),
    )
    made = flows.commit_panel_decision(
        actor=make_user("finance"),
        item=item,
        establishment=school,
        start=date(2026, 11, 1),
        annual_amount=Decimal(15000),
    )
    assert made.package == plan.package and made.version == 2 and made.source == "plan"
    assert made.effective_from == date(2026, 11, 1) and made.band is None
    # Costed provision in mainstream: the school pays the first £6,000, high needs the rest.
    assert (made.contribution_annual, made.top_up_annual) == (Decimal("6000.00"), Decimal("9000.00"))
    windows = {p.commitment.version: (p.start, p.end) for p in queries.priced_commitments(2026)}
    assert windows[1][1] == date(2026, 11, 1) - timedelta(days=1)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"band": None, "annual_amount": None}, "band"),
        ({"annual_amount": Decimal(100)}, "band"),  # both
        ({"band": None, "annual_amount": Decimal(0)}, "annual_amount"),
        ({"start": date(2026, 8, 31)}, "start"),  # before the panel met
        ({"establishment": None}, "urn"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(placement_decision, band_of, make_user, change, field):
    item, _, school = placement_decision
    args = {"establishment": school, "start": date(2026, 9, 1), "band": band_of("2"), **change}
    with pytest.raises(ValidationError) as exc:
        flows.commit_panel_decision(actor=make_user("finance"), item=item, **args)
    assert field in exc.value.message_dict
    assert not Commitment.objects.exists()


def test_only_an_agreed_placement_decision_commits_and_only_finance_may(placement_decision, band_of, make_user):
    item, _, school = placement_decision
    args = {"item": item, "establishment": school, "start": date(2026, 9, 1), "band": band_of("2")}
    with pytest.raises(PermissionDenied):
        flows.commit_panel_decision(actor=make_user("caseworker"), **args)
    item.recommendation.outcome = "not_agree"
    item.recommendation.save()
    with pytest.raises(ValidationError, match="placement panel agreed"):
        flows.commit_panel_decision(actor=make_user("finance"), **args)
    assert not Commitment.objects.exists()


def test_finance_commits_from_the_page_and_the_line_drills_down_to_the_decision(
    client, make_user, placement_decision, band_of
):
    item, child, _ = placement_decision
    as_role(client, make_user, "finance")
    listing = text(client.get("/funding/panel-decisions/"))
    assert child.full_name in listing and "Not committed yet" in listing
    form = {"urn": "654321", "band": str(band_of("2").pk), "start-day": "1", "start-month": "9", "start-year": "2026"}
    bad = client.post(f"/funding/panel-decisions/{item.pk}/", {**form, "urn": "1"})
    assert bad.status_code == 400 and "Enter the URN" in text(bad) and not Commitment.objects.exists()
    assert client.post(f"/funding/panel-decisions/{item.pk}/", form).status_code == 302
    assert Commitment.objects.get().panel_item_id == item.pk
    drill = text(client.get("/funding/lines/1.2.1/?year=2026"))
    assert f'href="/funding/panel-decisions/{item.pk}/"' in drill and "Placement panel, 1 September 2026" in drill
    page = text(client.get(f"/funding/panel-decisions/{item.pk}/"))
    assert "Needs met with a Band 2 top-up" in page and "Commit the package" not in page
    assert AuditEvent.objects.filter(action="funding.panel_decision_view", child_id=child.pk).exists()
    assert client.get("/funding/panel-decisions/999999/").status_code == 404


def test_aggregate_roles_cannot_see_panel_decisions(client, make_user, placement_decision):
    item, *_ = placement_decision
    for role in ("s151", "strategic_lead", "caseworker"):
        client.logout()
        as_role(client, make_user, role)
        assert client.get("/funding/panel-decisions/").status_code == 403, role
        assert client.get(f"/funding/panel-decisions/{item.pk}/").status_code == 403, role
