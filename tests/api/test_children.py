"""Children: each role sees through the API exactly what the permission matrix allows, and reads are audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.people import services

LIST_FIELDS = {
    "id",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "sen_status",
    "primary_need",
    "current_setting",
}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def world(make_establishment, make_child):
    """Two settings, a child at each, and one with no placement."""
    school_a = make_establishment(name="Alderbrook Primary")
    school_b = make_establishment(name="Birchfield Primary")
    at_a = make_child(first_name="Ava", last_name="Ashdown", establishment=school_a, needs=("ASD", "SLCN"))
    at_b = make_child(first_name="Ben", last_name="Birch", establishment=school_b, sen_status="E", needs=("SEMH",))
    nowhere = make_child(first_name="Cal", last_name="Cope", sen_status="N")
    return {"school_a": school_a, "school_b": school_b, "at_a": at_a, "at_b": at_b, "nowhere": nowhere}


def everyone(world) -> set[int]:
    return {world["at_a"].pk, world["at_b"].pk, world["nowhere"].pk}


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "manager", "finance"])
def test_casework_and_finance_see_every_child(role, make_user, api_as, world):
    api = api_as(make_user(role))
    assert ids(api.get("/children")) == everyone(world)
    for child in everyone(world):
        assert api.get(f"/children/{child}").status_code == 200


def test_parent_sees_only_own_child(make_user, api_as, world):
    parent = make_user("parent")
    services.add_parent(actor=SYSTEM, child=world["at_a"], first_name="Pat", last_name="Ashdown", user=parent)
    api = api_as(parent)
    assert ids(api.get("/children")) == {world["at_a"].pk}
    assert api.get(f"/children/{world['at_a'].pk}").status_code == 200
    assert api.get(f"/children/{world['at_b'].pk}").status_code == 404


def test_parent_without_parental_responsibility_sees_nothing(make_user, api_as, world):
    parent = make_user("parent")
    services.add_parent(
        actor=SYSTEM,
        child=world["at_a"],
        first_name="Sam",
        last_name="Step",
        user=parent,
        parental_responsibility=False,
    )
    api = api_as(parent)
    assert ids(api.get("/children")) == set()
    assert api.get(f"/children/{world['at_a'].pk}").status_code == 404


def test_senco_sees_only_children_at_their_setting(make_user, api_as, world):
    api = api_as(make_user("senco", establishment=world["school_a"]))
    assert ids(api.get("/children")) == {world["at_a"].pk}
    assert api.get(f"/children/{world['at_a'].pk}").status_code == 200
    assert api.get(f"/children/{world['at_b'].pk}").status_code == 404
    # Filtering by another setting does not widen the view.
    assert ids(api.get("/children", establishment=world["school_b"].pk)) == set()


def test_senco_loses_sight_when_the_child_leaves(make_user, api_as, world):
    api = api_as(make_user("senco", establishment=world["school_a"]))
    placement = world["at_a"].placements.get()
    services.end_placement(actor=SYSTEM, placement=placement, end_date=date(2024, 7, 20))
    assert ids(api.get("/children")) == set()
    assert api.get(f"/children/{world['at_a'].pk}").status_code == 404


@pytest.mark.parametrize("role", ["professional", "panel_member"])
def test_invited_roles_see_only_invited_children(role, make_user, api_as, world):
    user = make_user(role)
    api = api_as(user)
    assert ids(api.get("/children")) == set()
    grant = services.grant_access(actor=SYSTEM, child=world["at_b"], user=user, reason="Educational psychology advice")
    assert ids(api.get("/children")) == {world["at_b"].pk}
    assert api.get(f"/children/{world['at_b'].pk}").status_code == 200
    assert api.get(f"/children/{world['at_a'].pk}").status_code == 404
    services.revoke_access(actor=SYSTEM, grant=grant)
    assert ids(api.get("/children")) == set()
    assert api.get(f"/children/{world['at_b'].pk}").status_code == 404


def test_expired_invitation_shows_nothing(make_user, api_as, world):
    user = make_user("professional")
    services.grant_access(
        actor=SYSTEM, child=world["at_b"], user=user, reason="Advice", expires_on=date.today() - timedelta(days=1)
    )
    api = api_as(user)
    assert ids(api.get("/children")) == set()
    assert api.get(f"/children/{world['at_b'].pk}").status_code == 404


@pytest.mark.parametrize("role", ["strategic_lead", "admin"])
def test_aggregate_and_admin_roles_are_forbidden(role, make_user, api_as, world):
    api = api_as(make_user(role))
    for path in ("/children", f"/children/{world['at_a'].pk}", "/children/999999"):
        response = api.get(path)
        assert response.status_code == 403, path
        assert response.json()["status"] == 403


def test_young_person_opens_own_record_from_16_but_cannot_search(make_user, make_child, api_as, world):
    older = make_child(first_name="Dee", dob=date.today().replace(year=date.today().year - 17, day=1))
    younger = make_child(first_name="Eli", dob=date(2015, 1, 1))
    api_older = api_as(make_user("young_person", child=older))
    assert api_older.get("/children").status_code == 403
    assert api_older.get(f"/children/{older.pk}").status_code == 200
    assert api_older.get(f"/children/{world['at_a'].pk}").status_code == 404
    api_younger = api_as(make_user("young_person", child=younger))
    assert api_younger.get(f"/children/{younger.pk}").status_code == 404


def test_missing_and_forbidden_children_look_the_same(make_user, api_as, world):
    api = api_as(make_user("senco", establishment=world["school_a"]))
    forbidden = api.get(f"/children/{world['at_b'].pk}")
    missing = api.get("/children/987654321")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


# --- what a list and a summary carry ------------------------------------------------------


def test_list_items_carry_summary_fields_only(caseworker_api, make_child, world):
    make_child(first_name="Nia", upn="A123456789012", nhs_number=None)
    response = caseworker_api.get("/children", name="Ava")
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) == LIST_FIELDS
    assert item == {
        "id": world["at_a"].pk,
        "first_name": "Ava",
        "last_name": "Ashdown",
        "preferred_name": "",
        "date_of_birth": "2014-05-03",
        "sex": "F",
        "sen_status": "K",
        "primary_need": "ASD",
        "current_setting": {"id": world["school_a"].pk, "name": "Alderbrook Primary"},
    }
    nowhere = caseworker_api.get("/children", name="Cal").json()["results"][0]
    assert nowhere["primary_need"] is None and nowhere["current_setting"] is None


def test_current_setting_prefers_on_roll_to_dual_registration(caseworker_api, make_establishment, world):
    unit = make_establishment(name="Cedar Pupil Referral Unit", establishment_type="AP_PRU")
    services.add_placement(
        actor=SYSTEM, child=world["at_a"], establishment=unit, placement_type="DUAL", start_date=date(2023, 1, 9)
    )
    item = caseworker_api.get("/children", name="Ava").json()["results"][0]
    assert item["current_setting"]["name"] == "Alderbrook Primary"


def test_child_summary(caseworker_api, make_child, make_establishment):
    first = make_establishment(name="Oakwood Infants")
    second = make_establishment(name="Oakwood Juniors")
    child = make_child(
        first_name="Ola", last_name="Oak", upn="A123456789012", establishment=first, needs=("SLCN", "ASD")
    )
    services.add_placement(
        actor=SYSTEM, child=child, establishment=second, placement_type="ON_ROLL", start_date=date(2022, 9, 1)
    )
    services.add_flag(actor=SYSTEM, child=child, flag="CIN", start_date=date(2021, 1, 4))
    services.add_flag(
        actor=SYSTEM, child=child, flag="YOUNG_CARER", start_date=date(2019, 1, 4), end_date=date(2020, 1, 4)
    )
    services.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Olu",
        last_name="Oak",
        email="olu@example.org",
        phone="07700 900123",
        address="1 Oak Lane",
        preferred_contact="PHONE",
    )
    services.add_parent(
        actor=SYSTEM, child=child, first_name="Nope", last_name="Neighbour", parental_responsibility=False
    )

    response = caseworker_api.get(f"/children/{child.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["identifiers"] == {"upn": "A123456789012", "uln": None, "nhs_number": None}
    assert body["year_group"] == child.year_group_label()
    assert body["sen_status"] == "K" and body["sen_status_label"] == "SEN support"
    assert [(n["rank"], n["code"]) for n in body["needs"]] == [(1, "SLCN"), (2, "ASD")]
    assert [p["establishment"]["name"] for p in body["placements"]["current"]] == ["Oakwood Juniors"]
    assert [p["establishment"]["name"] for p in body["placements"]["past"]] == ["Oakwood Infants"]
    assert body["placements"]["past"][0]["end_date"] == "2022-09-01"
    flags = {f["flag"]: f["current"] for f in body["cohort_flags"]}
    assert flags == {"CIN": True, "YOUNG_CARER": False}
    assert body["parents"] == [{"first_name": "Olu", "last_name": "Oak", "preferred_contact": "PHONE"}]
    text = response.content.decode()
    for private in ("olu@example.org", "07700", "Oak Lane", "Neighbour", "ethnicity", "postcode"):
        assert private not in text


# --- audit ---------------------------------------------------------------------------------


def test_opening_a_child_is_audited(caseworker, caseworker_api, world):
    child = world["at_b"]
    before = AuditEvent.objects.filter(child_id=child.pk, action="child.view_api").count()
    caseworker_api.get(f"/children/{child.pk}")
    events = AuditEvent.objects.filter(child_id=child.pk, action="child.view_api")
    assert events.count() == before + 1
    event = events.last()
    assert event.actor_id == caseworker.pk
    assert event.object_type == "people.child" and event.object_id == str(child.pk)


def test_refused_reads_are_not_logged_as_reads(make_user, api_as, world):
    api = api_as(make_user("senco", establishment=world["school_a"]))
    api.get(f"/children/{world['at_b'].pk}")
    assert not AuditEvent.objects.filter(child_id=world["at_b"].pk, action="child.view_api").exists()


def test_search_is_audited_once_with_its_filters_not_per_child(caseworker, caseworker_api, world):
    reads_before = AuditEvent.objects.filter(action__startswith="child.view").count()
    response = caseworker_api.get("/children", name="Ava", sen_status="K", page_size=10)
    assert response.status_code == 200
    searches = AuditEvent.objects.filter(action="api.children.search")
    assert searches.count() == 1
    event = searches.get()
    assert event.actor_id == caseworker.pk
    assert event.after == {"filters": {"name": "Ava", "sen_status": "K"}}
    assert event.child_id is None
    assert AuditEvent.objects.filter(action__startswith="child.view").count() == reads_before


def test_forbidden_search_is_not_audited_as_a_search(make_user, api_as, world):
    api_as(make_user("strategic_lead")).get("/children")
    assert not AuditEvent.objects.filter(action="api.children.search").exists()


# --- paging and filters ----------------------------------------------------------------------


def test_paging(caseworker_api, make_child):
    for n in range(7):
        make_child(first_name=f"Pager{n}", last_name=f"Zed{n:02d}")
    first = caseworker_api.get("/children", name="Pager", page_size=3).json()
    assert (first["count"], first["page"], first["page_size"]) == (7, 1, 3)
    assert [c["first_name"] for c in first["results"]] == ["Pager0", "Pager1", "Pager2"]
    third = caseworker_api.get("/children", name="Pager", page_size=3, page=3).json()
    assert [c["first_name"] for c in third["results"]] == ["Pager6"]
    beyond = caseworker_api.get("/children", name="Pager", page_size=3, page=99).json()
    assert beyond["results"] == [] and beyond["count"] == 7
    huge = caseworker_api.get("/children", page=10**12, page_size=100)
    assert huge.status_code == 200 and huge.json()["results"] == []
    default = caseworker_api.get("/children").json()
    assert default["page"] == 1 and default["page_size"] == 25


def test_page_size_is_capped_at_100_by_a_422(caseworker_api, world):
    assert caseworker_api.get("/children", page_size=100).status_code == 200
    response = caseworker_api.get("/children", page_size=101)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["page_size"]


def test_filters(caseworker_api, make_child, world):
    dob_child = make_child(first_name="Dot", last_name="Dobson", dob=date(2012, 2, 29), upn="P123456789013")
    assert ids(caseworker_api.get("/children", name="ava ash")) == {world["at_a"].pk}
    assert ids(caseworker_api.get("/children", upn="p123456789013")) == {dob_child.pk}
    assert ids(caseworker_api.get("/children", date_of_birth="2012-02-29")) == {dob_child.pk}
    assert ids(caseworker_api.get("/children", establishment=world["school_b"].pk)) == {world["at_b"].pk}
    assert ids(caseworker_api.get("/children", sen_status="E")) == {world["at_b"].pk}
    assert ids(caseworker_api.get("/children", sen_status="K", establishment=world["school_b"].pk)) == set()
