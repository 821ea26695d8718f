"""Funding pages by role: finance drills down to children and changes bands; lead members see aggregates only; a
SENCO sees only their own setting's statement; bad input is named and nothing is half-written."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.funding import services
from highneeds.funding.models import Actual, BudgetLine, ChildBand, Commitment
from highneeds.jobs.queue import run_pending

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def as_role(client, make_user, role, **fields):
    user = make_user(role, **fields)
    client.login(username=user.username, password=PASSWORD)
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_finance_overview_drill_down_and_child_page(client, make_user, banded_child):
    child, _, _ = banded_child
    as_role(client, make_user, "finance")
    page = text(client.get("/funding/?year=2026"))
    assert "High needs budget monitoring" in page and "£1,600" in page and "1.2.1" in page
    drill = client.get("/funding/lines/1.2.1/?year=2026")
    assert drill.status_code == 200 and child.full_name in text(drill)
    assert AuditEvent.objects.filter(action="funding.line_children_view").exists()
    record = client.get(f"/funding/children/{child.pk}/?year=2026")
    assert record.status_code == 200 and "Band 1" in text(record)
    assert (
        AuditEvent.objects.filter(action="child.view", child_id=child.pk).exists()
        or AuditEvent.objects.filter(child_id=child.pk).exists()
    )


def test_finance_changes_a_band_and_the_commitment_follows(client, make_user, banded_child, band_of, area_of):
    child, _, first = banded_child
    as_role(client, make_user, "finance")
    framework = band_of("3").framework
    response = client.post(
        f"/funding/children/{child.pk}/?framework={framework.pk}",
        {
            "area": area_of("CL").pk,
            "band": band_of("3").pk,
            "effective_from-day": "1",
            "effective_from-month": "10",
            "effective_from-year": "2026",
            "decided_by": "panel",
            "decision_reference": "Panel 24 September 2026",
            "evidence": "Needs have grown",
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.filter(package=first.package).count() == 2


def test_child_page_names_packages_by_number_version_and_date(client, make_user, banded_child, band_of, area_of):
    child, school, first = banded_child
    services.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band_of("3"),
        area=area_of("CL"),
        effective_from=date(2026, 10, 1),
        evidence="Needs have grown",
        decided_by="panel",
        decision_reference="Panel 24 September 2026",
    )
    second = services.create_commitment(
        actor=SYSTEM,
        child=child,
        establishment=school,
        setting_type="mainstream",
        start=date(2026, 11, 2),
        source="plan",
        band=band_of("1"),
        source_reference="Plan section F",
    )
    as_role(client, make_user, "finance")
    page = text(client.get(f"/funding/children/{child.pk}/?year=2026"))
    assert "Package 1, version 2 from 1 October 2026" in page
    assert "Package 1, version 1 from 1 April 2026" in page
    assert "Package 2, version 1 from 2 November 2026" in page
    short = str(first.package)[:8]
    assert f"{short} v" not in page and f"Reference {short}" in page  # the id only as secondary text
    assert f"Reference {str(second.package)[:8]}" in page


def test_band_form_names_missing_fields_and_writes_nothing(client, make_user, banded_child):
    child, *_ = banded_child
    as_role(client, make_user, "finance")
    before = ChildBand.objects.count()
    response = client.post(f"/funding/children/{child.pk}/", {"decided_by": "panel"})
    page = text(response)
    assert response.status_code == 400
    for message in (
        "Select the area of need",
        "Select the band",
        "Enter the date the band applies from",
        "Enter the evidence",
    ):
        assert message in page
    assert ChildBand.objects.count() == before


def test_lead_member_sees_aggregates_but_no_child(client, make_user, banded_child):
    child, *_ = banded_child
    as_role(client, make_user, "strategic_lead")
    assert client.get("/funding/?year=2026").status_code == 200
    assert client.get("/funding/dsg/?year=2026").status_code == 200
    page = text(client.get("/funding/?year=2026"))
    assert child.full_name not in page and "/funding/lines/" not in page
    assert client.get("/funding/lines/1.2.1/").status_code == 403
    assert client.get(f"/funding/children/{child.pk}/").status_code == 403


def test_the_s151_officer_sees_the_position_and_commitments_against_budget_but_no_child(
    client, make_user, banded_child
):
    child, school, _ = banded_child
    services.set_budget(
        actor=SYSTEM, financial_year=2026, line=BudgetLine.objects.get(code="1.2.1"), amount=Decimal("5000")
    )
    services.set_dsg_allocation(
        actor=SYSTEM,
        financial_year=2026,
        high_needs_block=Decimal("10000"),
        opening_balance=Decimal("-12000"),
        source="test",
    )
    as_role(client, make_user, "s151")
    page = text(client.get("/funding/dsg/?year=2026"))
    assert "Commitments against budget by section 251 line" in page
    assert "£5,000" in page and "£1,600" in page and "£3,400" in page  # budget, committed, budget not committed
    assert "£8,400" in page and "-£3,600 (deficit)" in page  # in-year, cumulative
    assert "statutory override keeps DSG deficits off the council's general fund until 31 March 2028" in page
    assert child.full_name not in page and school.name not in page and "/funding/lines/" not in page
    assert client.get("/funding/?year=2026").status_code == 200
    for path in (
        "/funding/lines/1.2.1/",
        f"/funding/children/{child.pk}/",
        "/funding/actuals/",
        f"/funding/settings/{school.pk}/statement/",
        "/funding/plans-without-band/",
        "/funding/dsg/set/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get("/planning/").status_code in (200,)  # the forecast: aggregates too
    assert "/funding/dsg/" in text(client.get("/"))


@pytest.mark.parametrize("role", ["caseworker", "parent", "panel_member"])
def test_other_roles_cannot_see_the_money(client, make_user, role, banded_child):
    as_role(client, make_user, role)
    assert client.get("/funding/").status_code == 403
    assert client.get("/funding/actuals/").status_code == 403


def test_senco_sees_only_their_own_setting_statement(client, make_user, make_establishment, banded_child):
    child, school, _ = banded_child
    other = make_establishment()
    as_role(client, make_user, "senco", establishment=school)
    own = client.get("/funding/statement/", follow=True)
    assert own.status_code == 200 and own.redirect_chain[-1][0] == f"/funding/settings/{school.pk}/statement/"
    page = text(client.get(f"/funding/settings/{school.pk}/statement/?year=2026"))
    assert child.full_name in page and "£1,600" in page and "Autumn 2026" in page
    csv_response = client.get(f"/funding/settings/{school.pk}/statement/?year=2026&format=csv")
    assert csv_response["Content-Type"].startswith("text/csv") and child.full_name in csv_response.content.decode()
    assert client.get(f"/funding/settings/{other.pk}/statement/").status_code == 403
    assert client.get(f"/funding/children/{child.pk}/").status_code == 403
    assert client.get("/funding/").status_code == 403


def test_actuals_upload_refuses_a_file_that_does_not_reconcile(client, make_user):
    as_role(client, make_user, "finance")
    upload = SimpleUploadedFile("p.csv", b"period,line,amount\n1,1.2.1,100.00\n", content_type="text/csv")
    response = client.post("/funding/actuals/", {"financial_year": "2026", "control_total": "99", "file": upload})
    assert response.status_code == 302 and response["Location"].startswith("/admin/jobs/")  # queued for the worker
    assert "Waiting for a worker" in text(client.get(response["Location"]))
    assert run_pending() == 1
    result = text(client.get(response["Location"]))
    assert (
        "Nothing was imported" in result and "not the control total" in result and "Upload a corrected file" in result
    )
    assert not Actual.objects.exists()
    upload = SimpleUploadedFile("p.csv", b"period,line,amount\n1,1.2.1,100.00\n", content_type="text/csv")
    response = client.post("/funding/actuals/", {"financial_year": "2026", "control_total": "100", "file": upload})
    run_pending()
    assert "Imported 1 payments totalling £100" in text(client.get(response["Location"]))
    assert Actual.objects.count() == 1
    # the same upload's task run again changes nothing, and says why
    from django_tasks_db.models import DBTaskResult

    from highneeds.funding.tasks import import_actuals_file

    done = DBTaskResult.objects.filter(status="SUCCESSFUL").latest("finished_at")
    rerun = import_actuals_file.enqueue(*done.args_kwargs["args"], **done.args_kwargs["kwargs"])
    run_pending()
    rerun.refresh()
    assert "already been imported" in " ".join(rerun.return_value["problems"]) and Actual.objects.count() == 1


def test_actuals_upload_bad_form_input_is_named_at_once(client, make_user):
    as_role(client, make_user, "finance")
    response = client.post("/funding/actuals/", {"financial_year": "", "control_total": "lots"})
    page = text(response)
    assert response.status_code == 400 and "Enter the financial year" in page and "Select a CSV file" in page
    assert "Enter the control total as an amount" in page


def test_dsg_position_moves_with_commitments(client, make_user, banded_child, band_of):
    finance = as_role(client, make_user, "finance")
    services.set_dsg_allocation(
        actor=finance,
        financial_year=2026,
        high_needs_block=Decimal("10000"),
        opening_balance=Decimal("-5000"),
        source="test",
    )
    page = text(client.get("/funding/dsg/?year=2026"))
    assert "£8,400" in page  # 10,000 - 1,600 in-year
    assert "£3,400" in page  # -5,000 + 8,400 cumulative
    assert "31 March 2028" in page
    _, _, first = banded_child
    services.revise_commitment(
        actor=SYSTEM, commitment=first, effective_from=date(2026, 4, 1), reason="Panel", band=band_of("3")
    )
    assert "£5,500" in text(client.get("/funding/dsg/?year=2026"))  # 10,000 - 4,500


def test_frameworks_are_listed_and_marked_as_examples(client, make_user):
    as_role(client, make_user, "caseworker")
    page = text(client.get("/funding/frameworks/"))
    assert "Example" in page and "Mainstream top-up bands" in page and "Reform layers" in page


def test_commit_a_package_from_the_form(client, make_user, make_child, make_establishment):
    school = make_establishment(establishment_type="SP_INDEPENDENT", name="Hilltop Independent")
    child = make_child(establishment=school)
    as_role(client, make_user, "finance")
    url = f"/funding/children/{child.pk}/commitments/new/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "setting_type": "independent_special",
            "source": "panel",
            "attendance": "100",
            "annual_fee": "-1",
            "start-day": "1",
            "start-month": "9",
            "start-year": "2026",
            "end-day": "1",
            "end-month": "1",
            "end-year": "2026",
        },
    )
    assert bad.status_code == 400 and not Commitment.objects.exists()
    good = client.post(
        url,
        {
            "establishment": school.pk,
            "setting_type": "independent_special",
            "source": "panel",
            "source_reference": "Panel 3 July 2026",
            "attendance": "100",
            "annual_fee": "52000",
            "start-day": "1",
            "start-month": "9",
            "start-year": "2026",
        },
    )
    assert good.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.line.code == "1.2.3" and commitment.annual_fee == Decimal("52000")


def test_compare_frameworks_reprices_banded_packages(client, make_user, banded_child, make_child, make_establishment):
    from highneeds.funding.models import Framework

    as_role(client, make_user, "strategic_lead")
    special = Framework.objects.get(code="special-designation")
    page = text(client.get(f"/funding/frameworks/compare/?year=2026&framework={special.pk}"))
    # band 1 of 4 maps to the lowest designation (MLD, 11,412): 11,412 - 1,600 = 9,812 more
    assert "£9,812" in page and "£1,600" in page and "£11,412" in page
    national = Framework.objects.get(code="national-layers-2026")
    page = text(client.get(f"/funding/frameworks/compare/?year=2026&framework={national.pk}"))
    assert "does not price" in page and "£0" in page


def test_senco_applies_for_a_top_up_and_the_panel_agrees(
    client, make_user, make_child, make_establishment, band_of, area_of
):
    from highneeds.funding.models import TopUpApplication

    school = make_establishment()
    pupil = make_child(establishment=school, sen_status="K")
    elsewhere = make_child(establishment=make_establishment(), sen_status="K")
    senco = as_role(client, make_user, "senco", establishment=school)
    page = text(client.get("/funding/top-ups/apply/"))
    assert pupil.full_name in page and elsewhere.full_name not in page
    form = {
        "child": pupil.pk,
        "area": area_of("SEMH").pk,
        "band": band_of("2").pk,
        "start-day": "1",
        "start-month": "1",
        "start-year": "2027",
        "evidence": "Daily dysregulation, Boxall profile attached",
    }
    refused = client.post("/funding/top-ups/apply/", {**form, "child": elsewhere.pk})
    assert refused.status_code == 400 and not TopUpApplication.objects.exists()
    assert client.post("/funding/top-ups/apply/", form).status_code == 302
    application = TopUpApplication.objects.get()
    assert application.applied_by == senco
    assert client.get(f"/funding/top-ups/{application.pk}/").status_code == 403
    client.logout()
    as_role(client, make_user, "finance")
    assert pupil.full_name in text(client.get("/funding/top-ups/"))
    missing = client.post(f"/funding/top-ups/{application.pk}/", {"decision": "refuse", "decision_reference": "P1"})
    assert missing.status_code == 400 and "Say why" in text(missing)
    agreed = client.post(
        f"/funding/top-ups/{application.pk}/",
        {"decision": "agree", "decision_reference": "High needs panel 10 Dec 2026"},
    )
    assert agreed.status_code == 302
    commitment = Commitment.objects.get(child=pupil)
    assert commitment.source == "sen_support" and commitment.line.code == "1.2.4"
    assert commitment.top_up_annual == Decimal("3100.00")
    assert ChildBand.objects.get(child=pupil).decided_by == "panel"
    again = client.post(f"/funding/top-ups/{application.pk}/", {"decision": "agree", "decision_reference": "x"})
    assert again.status_code in (200, 400) and Commitment.objects.filter(child=pupil).count() == 1


def test_end_a_package_makes_a_new_version_and_stops_the_money(client, make_user, banded_child):
    child, _, first = banded_child
    as_role(client, make_user, "finance")
    page = text(client.get(f"/funding/children/{child.pk}/"))
    assert f"/funding/children/{child.pk}/commitments/end/?package={first.package}" in page
    url = f"/funding/children/{child.pk}/commitments/end/"
    assert client.get(f"{url}?package={first.package}").status_code == 200
    bad = client.post(
        url, {"package": str(first.package), "end-day": "1", "end-month": "1", "end-year": "2020", "reason": "Moved"}
    )
    assert bad.status_code == 400 and "cannot end before" in text(bad)
    ok = client.post(
        url,
        {
            "package": str(first.package),
            "end-day": "30",
            "end-month": "9",
            "end-year": "2026",
            "reason": "Moved out of area",
        },
    )
    assert ok.status_code == 302
    latest = Commitment.objects.filter(package=first.package).order_by("-version").first()
    assert latest.version == 2 and latest.end == date(2026, 9, 30)
    from highneeds.funding import queries

    # 1 April to 30 September 2026: 183 days of 365 at 1,600
    assert sum(p.pricing.high_needs_total for p in queries.priced_commitments(2026)) == Decimal("802.19")
    other = client.post(
        url,
        {
            "package": "00000000-0000-0000-0000-000000000000",
            "end-day": "30",
            "end-month": "9",
            "end-year": "2026",
            "reason": "x",
        },
    )
    assert other.status_code == 404
