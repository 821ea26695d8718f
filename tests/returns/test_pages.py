"""The data officer's SEN2 pages: build, progress, summary, validation linked to records, download, submit."""

from __future__ import annotations

import pytest
from django.conf import settings

from highneeds.accounts.roles import Role
from highneeds.engine import publicdata
from highneeds.jobs.queue import run_pending
from highneeds.returns.models import KeptReturn


@pytest.fixture
def officer(client, make_user):
    user = make_user(Role.MANAGER)
    client.force_login(user)
    return user


def _build(client, year=2027):
    response = client.post("/returns/sen2/", {"year": str(year), "la": "384"})
    assert response.status_code == 302
    kept = KeptReturn.objects.latest("id")
    assert kept.state == "queued"  # the page queued the build; the worker runs it
    assert run_pending() == 1
    kept.refresh_from_db()
    return kept


def test_build_summary_validation_and_gaps(council, client, officer):
    kept = _build(client)
    assert kept.state == "built" and kept.total == 4 and kept.done == 4
    page = client.get(f"/returns/sen2/{kept.pk}/").content.decode()
    assert "4 persons" in page and "SEN2-141" in page
    lacking = council["lacking"].pk
    assert f'href="/children/{lacking}/"' in page  # the error leads to the child's record
    assert "Dee Gapfield" in page and "No current placement is recorded" in page
    assert "Keep as the submitted version" not in page  # errors: not submittable


def test_download_is_the_xml(council, client, officer):
    kept = _build(client)
    response = client.get(f"/returns/sen2/{kept.pk}/sen2.xml")
    assert response["Content-Type"] == "application/xml"
    assert b"<Collection>SEN2</Collection>" in response.content
    assert f"SEN2_2027_384_{kept.pk}.xml" in response["Content-Disposition"]
    from highneeds.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="sen2.download").get()
    assert event.actor_id == officer.pk and council["planned"].pk in event.after["children"]


def test_submit_refused_with_errors_then_kept_when_clean(council, client, officer):
    kept = _build(client)
    client.post(f"/returns/sen2/{kept.pk}/submit/")
    kept.refresh_from_db()
    assert kept.state == "built"
    from highneeds.plans.models import Plan

    Plan.objects.filter(child=council["lacking"]).delete()
    clean = _build(client)
    assert clean.errors == 0, clean.issues
    client.post(f"/returns/sen2/{clean.pk}/submit/")
    clean.refresh_from_db()
    assert clean.state == "submitted" and clean.submitted_at
    # next year's build compares with it
    later = _build(client, 2028)
    assert later.summary["previous"]["persons"] == clean.summary["persons"]


@pytest.mark.parametrize(
    "data, says",
    [
        ({"year": "", "la": "384"}, "Enter the return year"),
        ({"year": "1999", "la": "384"}, "from 2024"),
        ({"year": "2027", "la": "38"}, "3-digit"),
        ({"year": "abc", "la": "x" * 500}, "as a number"),
    ],
)
def test_bad_input_is_named(db, client, officer, data, says):
    response = client.post("/returns/sen2/", data)
    assert response.status_code == 200 and says in response.content.decode()
    assert not KeptReturn.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.FINANCE, Role.STRATEGIC_LEAD, Role.PARENT, Role.PANEL_MEMBER, Role.ADMIN]
)
def test_other_roles_are_refused(db, client, make_user, role):
    kept = KeptReturn.objects.create(year=2027, la="384", state="built", xml=b"<Message/>")
    client.force_login(make_user(role))
    for url in (
        "/returns/sen2/",
        f"/returns/sen2/{kept.pk}/",
        f"/returns/sen2/{kept.pk}/sen2.xml",
        "/returns/sen2/tables/",
    ):
        assert client.get(url).status_code == 403
    assert client.post("/returns/sen2/", {"year": "2027", "la": "384"}).status_code == 403


def test_missing_return_is_404(db, client, officer):
    assert client.get("/returns/sen2/999999/").status_code == 404
    assert client.get("/returns/sen2/999999/sen2.xml").status_code == 404


def test_tables_page(council, client, officer):
    _build(client)
    page = client.get("/returns/sen2/tables/?year=2027").content.decode()
    assert "Against DfE" in page and "Caseload by primary need" in page and "Not published" in page
    assert "Gapfield" not in page  # aggregates only
    assert client.get("/returns/sen2/tables/?year=nonsense").status_code == 200


@pytest.mark.skipif(not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="needs ../shared/data")
def test_published_figures_for_a_year_the_data_covers(db):
    from highneeds.returns.published import published

    figures = published("384", 2022)  # January 2022 caseload, 2021 activity
    assert (figures["active_plans"], figures["requests"], figures["new_plans"]) == (2704, 550, 431)
    assert figures["pct_including"] == 88.2  # 380 of 431 within 20 weeks in 2021
    assert published("384", 2030) == {}
