"""An issued plan's package becomes a commitment (funding.flows, through the plans signals): priced from the child's
band and the named setting's type from the issue date; an amended plan versions it; a ceased plan ends it; a child
without a priced band gets no commitment, the plan still issues, and finance sees it under "plans without a band"."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.funding import flows, services
from highneeds.funding.models import Commitment, Framework
from highneeds.plans import services as plans
from tests.conftest import issue_plan_through_assessment

pytestmark = pytest.mark.django_db
TODAY = date.today()
PASSWORD = "correct horse battery staple"


def _band(child, band_of, area_of, code, on, fw=None):
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of(code, fw),
        area=area_of("CL", fw) if fw is None else fw.areas.first(),
        effective_from=on,
        evidence="Reading age 3 years behind",
        decided_by="officer",
    )


def _amend(worker, plan, establishment):
    amendment = plans.start_amendment(actor=worker, plan=plan, source="annual_review", started_on=TODAY)
    plans.send_proposed_amendments(actor=worker, version=amendment, sent_on=TODAY - timedelta(days=20))
    return plans.issue_version(actor=worker, version=amendment, issued_on=TODAY, establishment=establishment)


def test_issuing_through_the_assessment_commits_the_band_at_the_named_setting(
    make_user, make_child, make_establishment, band_of, area_of
):
    worker = make_user("caseworker")  # holds no funding permission: the flow commits as the system
    assert not worker.has_perm("funding.manage_commitments")
    school = make_establishment(establishment_type="MS_LA")
    child = make_child()
    issued_on = TODAY - timedelta(days=30)
    _band(child, band_of, area_of, "2", issued_on - timedelta(days=5))
    version = issue_plan_through_assessment(worker, child, school, issued_on)
    commitment = Commitment.objects.get(child=child)
    assert (commitment.source, commitment.version, commitment.start, commitment.end) == ("plan", 1, issued_on, None)
    assert commitment.establishment == school and commitment.setting_type == "mainstream"
    assert commitment.band.code == "2" and commitment.top_up_annual == Decimal("3100.00")  # Devon band 2
    assert commitment.line.code == "1.2.1"  # a maintained school
    assert f"version {version.number}" in commitment.source_reference
    assert AuditEvent.objects.filter(action="funding.commitment_create", child_id=child.pk).exists()
    assert flows.plans_without_band() == []


def test_an_amended_plan_versions_the_commitment_and_cessation_ends_it(
    make_user, make_child, make_establishment, band_of, area_of
):
    worker = make_user("caseworker")
    first_school = make_establishment(establishment_type="MS_LA")
    special = make_establishment(establishment_type="SP_LA")
    child = make_child(sen_status="E")
    issued_on = TODAY - timedelta(days=30)
    _band(child, band_of, area_of, "1", issued_on)
    first = issue_plan_through_assessment(worker, child, first_school, issued_on)
    designation = Framework.objects.filter(code="special-designation").order_by("-version").first()
    band = designation.bands.order_by("order").first()
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band,
        area=designation.areas.first(),
        effective_from=TODAY - timedelta(days=1),
        evidence="Needs a special school",
        decided_by="panel",
        decision_reference="Placement panel",
    )
    _amend(worker, first.plan, special)
    versions = list(Commitment.objects.filter(child=child).order_by("version"))
    assert [v.version for v in versions] == [1, 2] and len({v.package for v in versions}) == 1
    assert versions[1].effective_from == TODAY and versions[1].establishment == special
    assert versions[1].setting_type == "special" and versions[1].band == band
    assert versions[1].place_annual == Decimal("10000.00") and versions[1].top_up_annual == band.top_up
    plans.mark_ceased(actor=worker, plan=first.plan, ceased_on=TODAY + timedelta(days=10), reason="2")
    last = Commitment.objects.filter(child=child).order_by("-version").first()
    assert last.version == 3 and last.end == TODAY + timedelta(days=10)
    assert flows.plan_commitment(child, TODAY + timedelta(days=11)) is None


def test_no_priced_band_means_no_commitment_but_the_plan_issues_and_finance_sees_it(
    client, make_user, make_child, make_establishment, band_of, area_of
):
    worker = make_user("caseworker")
    school = make_establishment(establishment_type="MS_LA")
    unbanded = make_child(first_name="Nobanda")
    bespoke = make_child(first_name="Bespokey")
    _band(bespoke, band_of, area_of, "plus", TODAY - timedelta(days=40))  # bespoke: cannot price on its own
    for child in (unbanded, bespoke):
        version = issue_plan_through_assessment(worker, child, school, TODAY - timedelta(days=30))
        assert version.state == "issued" and version.plan.status == "final"
    assert not Commitment.objects.filter(child__in=[unbanded, bespoke]).exists()
    assert {r["child_id"] for r in flows.plans_without_band()} == {unbanded.pk, bespoke.pk}
    finance = make_user("finance")
    client.login(username=finance.username, password=PASSWORD)
    page = client.get("/funding/plans-without-band/").content.decode()
    assert "Nobanda" in page and "Bespokey" in page and school.name in page
    assert AuditEvent.objects.filter(action="funding.plans_without_band_view").exists()
    assert 'href="/funding/plans-without-band/"' in client.get("/funding/").content.decode()
    lead = make_user("strategic_lead")
    client.login(username=lead.username, password=PASSWORD)
    assert client.get("/funding/plans-without-band/").status_code == 403
    # Banded and committed by finance afterwards, the plan leaves the list.
    _band(unbanded, band_of, area_of, "3", TODAY - timedelta(days=1))
    services.create_commitment(
        actor=SYSTEM,
        child=unbanded,
        establishment=school,
        setting_type="mainstream",
        start=TODAY,
        source="plan",
        band=band_of("3"),
    )
    assert {r["child_id"] for r in flows.plans_without_band()} == {bespoke.pk}
