"""Establishments: the directory every role may read, filtered and paged."""

from __future__ import annotations

import pytest

from highneeds.accounts.roles import Role
from highneeds.council.models import CouncilSettings


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


@pytest.fixture
def directory(make_establishment):
    CouncilSettings(old_la_code="383").save()
    return {
        "home": make_establishment(name="Harbour Lane Primary", la_code="383"),
        "special": make_establishment(
            name="Heron Special School",
            establishment_type="SP_LA",
            la_code="383",
            phase="ALL_THROUGH",
            has_sen_unit=True,
            sen_unit_places=12,
            designated_needs=["ASD", "SLD"],
        ),
        "away": make_establishment(
            name="Hilltop Independent Specialist College",
            establishment_type="SPECIALIST_POST16",
            la_code="931",
            la_name="Elsewhere",
            phase="POST16",
            s41_approved=True,
        ),
    }


@pytest.mark.parametrize("role", sorted(Role.LABELS))
def test_every_role_may_read_the_directory(role, make_user, make_establishment, make_child, api_as, directory):
    extra = {}
    if role == Role.SENCO:
        extra["establishment"] = directory["home"]
    if role == Role.YOUNG_PERSON:
        extra["child"] = make_child()
    api = api_as(make_user(role, **extra))
    assert api.get("/establishments").status_code == 200
    assert api.get(f"/establishments/{directory['home'].pk}").status_code == 200


def test_filters(caseworker_api, directory):
    assert names(caseworker_api.get("/establishments", name="h")) == [
        "Harbour Lane Primary",
        "Heron Special School",
        "Hilltop Independent Specialist College",
    ]
    assert names(caseworker_api.get("/establishments", name="special")) == [
        "Heron Special School",
        "Hilltop Independent Specialist College",
    ]
    assert names(caseworker_api.get("/establishments", type="SP_LA")) == ["Heron Special School"]
    assert names(caseworker_api.get("/establishments", la_code="931")) == ["Hilltop Independent Specialist College"]
    assert names(caseworker_api.get("/establishments", name="h", in_area="true")) == [
        "Harbour Lane Primary",
        "Heron Special School",
    ]
    assert names(caseworker_api.get("/establishments", name="h", in_area="false")) == [
        "Hilltop Independent Specialist College"
    ]
    assert names(caseworker_api.get("/establishments", name="h", s41="true")) == [
        "Hilltop Independent Specialist College"
    ]
    assert names(caseworker_api.get("/establishments", name="h", s41="false", in_area="true")) == [
        "Harbour Lane Primary",
        "Heron Special School",
    ]


def test_paging(caseworker_api, directory):
    body = caseworker_api.get("/establishments", name="h", page=2, page_size=2).json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 2, 2)
    assert [e["name"] for e in body["results"]] == ["Hilltop Independent Specialist College"]
    assert caseworker_api.get("/establishments", page_size=101).status_code == 422


def test_list_item_and_detail(caseworker_api, directory):
    item = caseworker_api.get("/establishments", type="SP_LA").json()["results"][0]
    assert item["in_area"] is True and item["la_code"] == "383"
    special = directory["special"]
    detail = caseworker_api.get(f"/establishments/{special.pk}").json()
    assert detail["id"] == special.pk
    assert detail["type_label"] == "Special - LA maintained"
    assert detail["phase_label"] == "All-through"
    assert detail["sen_unit_places"] == 12 and detail["designated_needs"] == ["ASD", "SLD"]
    away = caseworker_api.get(f"/establishments/{directory['away'].pk}").json()
    assert away["in_area"] is False and away["s41_approved"] is True


def test_missing_establishment_is_404(caseworker_api, db):
    response = caseworker_api.get("/establishments/424242")
    assert response.status_code == 404
    assert response.json() == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not found"}
