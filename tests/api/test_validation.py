"""Bad query or path values are a 422 problem body that names each field."""

from __future__ import annotations

import pytest


def fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Unprocessable Entity"
    for error in body["errors"]:
        assert error["message"] and error["code"] and error["location"] in ("query", "path")
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/children", {"page": "0"}, "page"),
        ("/children", {"page": "two"}, "page"),
        ("/children", {"page_size": "0"}, "page_size"),
        ("/children", {"page_size": "500"}, "page_size"),
        ("/children", {"date_of_birth": "31/02/2014"}, "date_of_birth"),
        ("/children", {"date_of_birth": "2014-02-30"}, "date_of_birth"),
        ("/children", {"sen_status": "X"}, "sen_status"),
        ("/children", {"establishment": "school"}, "establishment"),
        ("/children", {"establishment": "-3"}, "establishment"),
        ("/children", {"establishment": str(2**64)}, "establishment"),
        ("/children", {"name": "x" * 101}, "name"),
        ("/children", {"name": "nul\x00byte"}, "name"),
        ("/children", {"upn": "A1234567890123"}, "upn"),
        ("/establishments", {"type": "CASTLE"}, "type"),
        ("/establishments", {"la_code": "38"}, "la_code"),
        ("/establishments", {"la_code": "٣٨٣"}, "la_code"),
        ("/establishments", {"in_area": "perhaps"}, "in_area"),
        ("/establishments", {"s41": "maybe"}, "s41"),
    ],
)
def test_bad_query_values_name_the_field(caseworker_api, path, params, field):
    response = caseworker_api.get(path, **params)
    assert fields(response) == [field]
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    "path, field",
    [
        ("/children/abc", "child_id"),
        ("/children/0", "child_id"),
        (f"/children/{2**63}", "child_id"),
        ("/establishments/-1", "establishment_id"),
    ],
)
def test_bad_ids_name_the_field(caseworker_api, path, field):
    response = caseworker_api.get(path)
    assert fields(response) == [field]
    assert response.json()["errors"][0]["location"] == "path"


def test_several_bad_fields_are_all_named(caseworker_api):
    response = caseworker_api.get("/children", page="0", sen_status="Q")
    assert sorted(fields(response)) == ["page", "sen_status"]
