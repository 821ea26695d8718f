"""Funding services: commitments are versioned, never edited; a band change flows to the money from its date;
actuals are all or nothing and must reconcile; every write is permission-checked and audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.funding import queries, services
from highneeds.funding.models import Actual, ActualsBatch, BudgetLine, Commitment

pytestmark = pytest.mark.django_db


def year_total(child, year=2026) -> Decimal:
    return sum(
        (p.pricing.high_needs_total for p in queries.priced_commitments(year, Commitment.objects.filter(child=child))),
        Decimal(0),
    )


def test_commitment_from_a_band_is_priced_and_charged_to_the_maintained_line(banded_child):
    child, _, commitment = banded_child
    assert commitment.line.code == "1.2.1" and commitment.top_up_annual == Decimal("1600.00")
    assert commitment.contribution_annual == Decimal("6000.00")
    assert year_total(child) == Decimal("1600.00")
    assert AuditEvent.objects.filter(action="funding.commitment_create").exists()


def test_band_change_makes_a_new_version_from_its_date_and_keeps_the_old(banded_child, band_of, area_of):
    child, _, first = banded_child
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of("3"),
        area=area_of("SEMH"),
        effective_from=date(2026, 10, 1),
        evidence="Exclusions",
        decided_by="panel",
        decision_reference="High needs panel 24 September 2026",
    )
    versions = list(Commitment.objects.filter(package=first.package).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].band.code == "1" and versions[1].band.code == "3"  # version 1 is untouched
    assert versions[1].effective_from == date(2026, 10, 1)
    # 1 April to 30 September at band 1 (183 days), 1 October to 31 March at band 3 (182 days)
    expected = (Decimal(1600) * 183 / 365).quantize(Decimal("0.01")) + (Decimal(4500) * 182 / 365).quantize(
        Decimal("0.01")
    )
    assert year_total(child) == expected
    # a lower band in another area does not lower the funding band (the highest area prices the package)
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of("2"),
        area=area_of("CI"),
        effective_from=date(2026, 11, 1),
        evidence="Speech",
        decided_by="officer",
    )
    assert Commitment.objects.filter(package=first.package).count() == 2


def test_band_change_needs_evidence_and_a_panel_reference(banded_child, band_of, area_of):
    child, *_ = banded_child
    with pytest.raises(ValidationError) as caught:
        services.set_child_band(
            actor=SYSTEM,
            child=child,
            band=band_of("2"),
            area=area_of("CL"),
            effective_from=date(2026, 5, 1),
            evidence=" ",
            decided_by="panel",
        )
    assert set(caught.value.message_dict) == {"evidence", "decision_reference"}


def test_revision_refuses_a_stale_version_and_dates_before_the_current(banded_child, band_of):
    _, _, first = banded_child
    services.revise_commitment(
        actor=SYSTEM, commitment=first, effective_from=date(2026, 6, 1), reason="More hours", band=band_of("2")
    )
    with pytest.raises(ValidationError, match="changed since"):
        services.revise_commitment(
            actor=SYSTEM, commitment=first, effective_from=date(2026, 7, 1), reason="x", band=band_of("3")
        )
    latest = Commitment.objects.get(package=first.package, version=2)
    with pytest.raises(ValidationError):
        services.revise_commitment(
            actor=SYSTEM, commitment=latest, effective_from=date(2026, 5, 1), reason="x", band=band_of("3")
        )


def test_commitment_refuses_bad_terms_by_field(make_child):
    child = make_child()
    with pytest.raises(ValidationError) as caught:
        services.create_commitment(
            actor=SYSTEM,
            child=child,
            setting_type="independent_special",
            start=date(2026, 9, 1),
            end=date(2026, 1, 1),
            source="panel",
            annual_fee=-10,
        )
    assert {"end", "annual_fee"} <= set(caught.value.message_dict)
    assert not Commitment.objects.exists()


def test_people_without_the_permission_cannot_commit_or_band(
    make_user, make_child, make_establishment, band_of, area_of
):
    school = make_establishment()
    child = make_child(establishment=school)
    for role in ("caseworker", "senco", "parent", "strategic_lead"):
        user = make_user(role, establishment=school) if role == "senco" else make_user(role)
        with pytest.raises(PermissionDenied):
            services.create_commitment(
                actor=user, child=child, setting_type="special", start=date(2026, 4, 1), source="panel"
            )
        with pytest.raises(PermissionDenied):
            services.set_child_band(
                actor=user,
                child=child,
                band=band_of("1"),
                area=area_of("CL"),
                effective_from=date(2026, 4, 1),
                evidence="x",
                decided_by="officer",
            )


CSV = b"period,line,amount,reference\n1,1.2.1,1000.00,A\n2,1.2.3,2500.50,B\n"


def test_actuals_import_reconciles_to_the_control_total(make_user):
    finance = make_user("finance")
    batch = services.import_actuals(
        actor=finance, financial_year=2026, filename="p.csv", content=CSV, control_total="3,500.50"
    )
    assert batch.rows == 2 and Actual.objects.count() == 2
    with pytest.raises(ValidationError, match="already been imported"):
        services.import_actuals(
            actor=finance, financial_year=2026, filename="p.csv", content=CSV, control_total="3500.50"
        )


@pytest.mark.parametrize(
    "content,control,message",
    [
        (CSV, "3500.49", "not the control total"),
        (b"period,line,amount\n13,1.2.1,5\n", "5", "Row 2, period"),
        (b"period,line,amount\n1,9.9.9,5\n", "5", "Row 2, line"),
        (b"period,line,amount\n1,1.2.1,five\n1,1.2.1,1.005\n", "5", "Row 3, amount"),
        (b"period,amount\n1,5\n", "5", "no line column"),
        (b"period,line,amount\n", "0", "no payment rows"),
        (b"period,line,amount,child_id\n1,1.2.1,5,999999\n", "5", "Row 2, child_id"),
    ],
)
def test_actuals_import_is_all_or_nothing(make_user, content, control, message):
    with pytest.raises(ValidationError) as caught:
        services.import_actuals(
            actor=make_user("finance"), financial_year=2026, filename="bad.csv", content=content, control_total=control
        )
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert not Actual.objects.exists() and not ActualsBatch.objects.exists()


@pytest.mark.skipif(not (settings.SHARED_DATA_DIR / "dsg_allocations").is_dir(), reason="shared data not present")
def test_set_budget_and_import_published_dsg(make_user):
    finance = make_user("finance")
    services.set_budget(
        actor=finance, financial_year=2026, line=BudgetLine.objects.get(code="1.2.1"), amount=Decimal("1000000")
    )
    assert services.import_dsg_allocations(actor=finance, la_code="202") == 5  # Camden, 2019-20 to 2023-24
    from highneeds.funding.models import DsgAllocation

    assert DsgAllocation.objects.get(financial_year=2023).high_needs_block == Decimal("52559590")
    with pytest.raises(ValidationError):
        services.import_dsg_allocations(actor=finance, la_code="000")


def test_planning_seam_reports_committed_spend_by_setting(banded_child):
    assert queries.committed_by_setting(2026) == {
        "mainstream": {"children": 1, "child_years": 1.0, "high_needs": Decimal("1600.00")}
    }
    assert queries.committed_by_setting(2020) == {}


def test_the_numpy_table_agrees_with_the_decimal_pricing_to_the_penny(banded_child, band_of, area_of, make_child):
    child, school, first = banded_child
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of("3"),
        area=area_of("CL"),
        effective_from=date(2026, 11, 17),
        evidence="More",
        decided_by="officer",
    )
    other = make_child()
    services.create_commitment(
        actor=SYSTEM,
        child=other,
        setting_type="independent_special",
        start=date(2026, 1, 5),
        end=date(2027, 2, 11),
        source="panel",
        annual_fee="61234.57",
        residential_annual="9999.99",
        transport_annual="3333.33",
        attendance="0.6",
    )
    for year in (2025, 2026, 2027):
        table = queries.priced_table(year)
        priced = queries.priced_commitments(year)
        assert len(table["lo"]) == len(priced)
        assert int(table["high_needs"].sum()) == int(sum(p.pricing.high_needs_total for p in priced) * 100)
        assert int(table["transport"].sum()) == int(sum(p.pricing.amount("transport") for p in priced) * 100)


def test_a_line_with_no_packages_forecasts_its_budget_for_the_months_not_yet_paid(make_user):
    from highneeds.funding import presenting

    finance = make_user("finance")
    services.set_budget(
        actor=finance, financial_year=2026, line=BudgetLine.objects.get(code="1.2.5"), amount=Decimal("120000")
    )
    services.import_actuals(
        actor=finance,
        financial_year=2026,
        filename="c.csv",
        content=b"period,line,amount\n1,1.2.5,11000\n2,1.2.5,11000\n3,1.2.5,11000\n",
        control_total="33000",
    )
    line = next(row for row in presenting.monitoring(2026)["lines"] if row["code"] == "1.2.5")
    assert line["paid"] == "£33,000" and line["outturn"] == "£123,000"  # 33,000 + 9 months of 10,000
    assert line["variance"] == "£3,000"


def test_missing_dsg_allocations_name_no_server_path(make_user, settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path / "secret-server-folder"
    with pytest.raises(ValidationError) as caught:
        services.import_dsg_allocations(actor=make_user("finance"), la_code="202")
    assert "not installed" in str(caught.value) and "secret-server-folder" not in str(caught.value)
