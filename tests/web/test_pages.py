from datetime import date

import pytest

from highneeds.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def sign_in(client, user):
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    return client


def test_sign_in_page_renders_council_name(client, db):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Exampleshire County Council" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "crown" not in body.lower()


def test_wrong_password_gives_one_message(client, make_user):
    user = make_user("caseworker")
    response = client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    response = client.post("/sign-in/", {"username": "nobody-at-all", "password": "wrong"})
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_in_is_audited_and_next_is_kept_local(client, make_user):
    user = make_user("caseworker")
    response = client.post(
        "/sign-in/?next=https://evil.example/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(action="auth.sign_in", actor_id=user.pk).exists()


def test_caseworker_finds_child_and_opens_record(client, make_user, make_child, make_establishment):
    school = make_establishment(name="Testbrook Academy")
    child = make_child(first_name="Amara", last_name="Testworth", establishment=school, needs=("ASD", "SLCN"))
    make_child(first_name="Bilal", last_name="Samplefield")
    user = make_user("caseworker")
    sign_in(client, user)
    response = client.get("/children/", {"q": "amara test"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 child found" in body and "Amara Testworth" in body and "Bilal" not in body
    assert "Testbrook Academy" in body
    before = AuditEvent.objects.filter(action="child.view", child_id=child.pk).count()
    response = client.get(f"/children/{child.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Amara Testworth" in body and "Autistic spectrum disorder" in body and "Primary" in body
    assert AuditEvent.objects.filter(action="child.view", child_id=child.pk, actor_id=user.pk).count() == before + 1


def test_search_by_date_of_birth_and_bad_date(client, make_user, make_child):
    child = make_child(dob=date(2012, 2, 29))
    sign_in(client, make_user("caseworker"))
    response = client.get(
        "/children/", {"date_of_birth-day": "29", "date_of_birth-month": "2", "date_of_birth-year": "2012"}
    )
    assert child.full_name in response.content.decode()
    response = client.get(
        "/children/", {"date_of_birth-day": "30", "date_of_birth-month": "2", "date_of_birth-year": "2012"}
    )
    body = response.content.decode()
    assert "There is a problem" in body and "must be a real date" in body


def test_edit_child_rejects_bad_identifiers_on_their_fields(client, make_user, make_child):
    child = make_child()
    sign_in(client, make_user("caseworker"))
    data = {
        "first_name": "A",
        "last_name": "B",
        "date_of_birth-day": "3",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2014",
        "sex": "F",
        "ethnicity": "WBRI",
        "responsible_la": "999",
        "preferred_contact": "EMAIL",
        "preferred_language": "English",
        "upn": "A12345678901X",
        "nhs_number": "9434765918",
        "postcode": "NOT A POSTCODE",
    }
    response = client.post(f"/children/{child.pk}/change/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_upn"' in body and 'href="#id_nhs_number"' in body and 'href="#id_postcode"' in body
    child.refresh_from_db()
    assert child.first_name != "A"
    data.update(upn="", nhs_number="9434765919", postcode="ls1 4ap")
    response = client.post(f"/children/{child.pk}/change/", data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.nhs_number, child.postcode) == ("A", "9434765919", "LS1 4AP")


def test_manager_sees_access_log(client, make_user, make_child):
    child = make_child()
    viewer = make_user("caseworker")
    sign_in(client, viewer)
    client.get(f"/children/{child.pk}/")
    client.logout()
    sign_in(client, make_user("manager"))
    response = client.get(f"/children/{child.pk}/access-log/")
    body = response.content.decode()
    assert response.status_code == 200
    assert viewer.username in body and "Opened the child&#39;s record" in body and "child.view" not in body


@pytest.mark.parametrize("path", ["/", "/children/", "/establishments/", "/insight/", "/settings/", "/users/"])
def test_pages_render_for_roles_allowed(client, make_user, path):
    role = {"/insight/": "strategic_lead", "/settings/": "admin", "/users/": "admin"}.get(path, "manager")
    sign_in(client, make_user(role))
    assert client.get(path).status_code == 200


def test_caseworker_records_status_needs_flag_placement_and_parent(client, make_user, make_child, make_establishment):
    child = make_child(sen_status="N", needs=())
    school = make_establishment(name="Newplace Special", establishment_type="SP_LA", urn=123456)
    sign_in(client, make_user("caseworker"))
    date_fields = {"effective-day": "1", "effective-month": "9", "effective-year": "2023"}
    response = client.post(f"/children/{child.pk}/sen-status/", {"sen_status": "E", "need_1": "NSA", **date_fields})
    assert "NSA (no specialist assessment) can only be used for a child on SEN support" in response.content.decode()
    response = client.post(
        f"/children/{child.pk}/sen-status/", {"sen_status": "E", "need_1": "ASD", "need_2": "SLCN", **date_fields}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.sen_status == "E" and list(child.needs.values_list("code", flat=True)) == ["ASD", "SLCN"]
    response = client.post(
        f"/children/{child.pk}/placements/new/",
        {
            "urn": "999999",
            "placement_type": "ON_ROLL",
            "start_date-day": "1",
            "start_date-month": "9",
            "start_date-year": "2023",
        },
    )
    assert "No establishment has this URN" in response.content.decode()
    client.post(
        f"/children/{child.pk}/placements/new/",
        {
            "urn": "123456",
            "placement_type": "ON_ROLL",
            "start_date-day": "1",
            "start_date-month": "9",
            "start_date-year": "2023",
        },
    )
    assert child.placements.get().establishment == school
    response = client.post(
        f"/children/{child.pk}/circumstances/new/",
        {"flag": "LAC", "start_date-day": "2", "start_date-month": "3", "start_date-year": "2022"},
    )
    assert "Give the LA responsible for a looked-after child" in response.content.decode()
    client.post(
        f"/children/{child.pk}/circumstances/new/",
        {
            "flag": "LAC",
            "responsible_la": "999",
            "start_date-day": "2",
            "start_date-month": "3",
            "start_date-year": "2022",
        },
    )
    assert child.flags.get().flag == "LAC"
    client.post(
        f"/children/{child.pk}/parents/new/",
        {
            "first_name": "Sam",
            "last_name": "Testworth",
            "relationship": "Mother",
            "parental_responsibility": "on",
            "preferred_contact": "EMAIL",
            "preferred_language": "Polish",
        },
    )
    assert child.parents.get().preferred_language == "Polish"
    body = client.get(f"/children/{child.pk}/").content.decode()
    assert "Newplace Special" in body and "Looked after" in body and "Sam Testworth" in body


def test_admin_sets_branding_and_clock_rules(client, make_user):
    from highneeds.audit.models import AuditEvent
    from highneeds.council.models import CouncilSettings

    sign_in(client, make_user("admin"))
    data = {
        "name": "Testshire Council",
        "service_name": "SEND",
        "old_la_code": "383",
        "new_la_code": "",
        "brand_colour": "#ffff00",
        "contact_email": "send@testshire.gov.uk",
        "privacy_url": "",
        "iass_contact": "IASS",
        "mediation_contact": "Mediation",
        "receipt_is_day_one": "on",
        "advice_receipt_lag_days": "2",
        "draft_service_lag_days": "0",
        "school_consultation_days": "15",
    }
    response = client.post("/settings/", data)
    assert "hard to read" in response.content.decode()
    data["brand_colour"] = "#003366"
    assert client.post("/settings/", data).status_code == 302
    council = CouncilSettings.current()
    assert council.name == "Testshire Council" and council.rules().receipt_is_day_one is True
    assert council.rules().advice_receipt_lag_days == 2
    assert AuditEvent.objects.filter(action="council.settings.update").exists()
    assert "Testshire Council" in client.get("/").content.decode()
