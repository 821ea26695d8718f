"""Saving an establishment: checked, permissioned and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.establishments.models import Establishment
from highneeds.establishments.services import save_establishment

GOOD = {
    "name": "Riverside Academy",
    "establishment_type": "MS_LA",
    "phase": "PRIMARY",
    "urn": 912345,
    "la_code": "999",
    "la_name": "Exampleshire",
    "age_low": 4,
    "age_high": 11,
}


def test_a_manager_creates_and_updates_with_before_and_after_audited(make_user):
    manager = make_user("manager")
    school = save_establishment(actor=manager, data=dict(GOOD))
    save_establishment(actor=manager, data={**GOOD, "name": "Riverside Primary Academy"}, establishment=school)
    school.refresh_from_db()
    assert school.name == "Riverside Primary Academy"
    created, updated = AuditEvent.objects.filter(
        object_id=str(school.pk), object_type="establishments.establishment"
    ).order_by("seq")
    assert (created.action, updated.action) == ("establishment.create", "establishment.update")
    assert updated.before["name"] == "Riverside Academy" and updated.after["name"] == "Riverside Primary Academy"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"establishment_type": "CASTLE"}, "establishment_type"),
        ({"phase": "NURSERY_SCHOOL_FOR_GIANTS"}, "phase"),
        ({"age_low": 16, "age_high": 11}, "age_high"),
        ({"designated_needs": ["ASD", "XYZ"]}, "designated_needs"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(make_user, change, field):
    manager = make_user("manager")
    with pytest.raises(ValidationError) as err:
        save_establishment(actor=manager, data={**GOOD, **change})
    assert field in err.value.message_dict
    assert not Establishment.objects.filter(urn=GOOD["urn"]).exists()


def test_a_caseworker_may_not_change_the_directory(make_user):
    with pytest.raises(PermissionDenied):
        save_establishment(actor=make_user("caseworker"), data=dict(GOOD))
    assert not Establishment.objects.filter(urn=GOOD["urn"]).exists()
