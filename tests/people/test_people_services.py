import pytest
from django.core.exceptions import ValidationError

from highneeds.audit.models import AuditEvent


def test_create_child_is_audited(make_child):
    child = make_child(upn="", needs=("ASD", "SLCN"))
    events = AuditEvent.objects.filter(child_id=child.pk)
    assert [e.action for e in events][:3] == ["child.create", "child.sen_status", "child.needs"]
    assert list(child.needs.values_list("code", flat=True)) == ["ASD", "SLCN"]


def test_bad_upn_names_field(make_child):
    with pytest.raises(ValidationError) as err:
        make_child(upn="A12345678901X")
    assert "upn" in err.value.message_dict
