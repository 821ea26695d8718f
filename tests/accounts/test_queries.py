"""A family account's page for administrators names the children it is linked to, and when access began and ended;
naming each child there is audited as a read of their record."""

from __future__ import annotations

import html
from datetime import date

import pytest

from highneeds.accounts import family
from highneeds.accounts.models import User
from highneeds.accounts.queries import OWN_ACCOUNT, linked_children
from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.people import services as people
from tests.conftest import allow_writes

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def parent_of(child, user, relationship):
    return people.add_parent(
        actor=SYSTEM, child=child, first_name="Pat", last_name="Parent", relationship=relationship, user=user
    )


def test_admin_sees_the_children_a_parent_account_is_linked_to(client, make_user, make_child):
    account = make_user("parent", first_name="Pat", last_name="Parent")
    tia = make_child(first_name="Tia", last_name="Linked", dob=date(2015, 3, 1))
    sam = make_child(first_name="Sam", last_name="Ended", dob=date(2012, 7, 9))
    other = make_child(first_name="Oli", last_name="Otherfamily")
    parent_of(tia, account, "Mother")
    family.end_parent_access(actor=SYSTEM, parent=parent_of(sam, account, "Stepmother"), reason="Moved away")
    parent_of(other, None, "Father")

    rows = {r["name"]: r for r in linked_children(account)}
    assert set(rows) == {"Tia Linked", "Sam Ended"}
    assert rows["Tia Linked"]["relationship"] == "Mother" and rows["Tia Linked"]["ended"] is None
    assert rows["Tia Linked"]["since"] is not None
    assert rows["Sam Ended"]["relationship"] == "Stepmother" and rows["Sam Ended"]["ended"] is not None

    admin = make_user("admin")
    client.login(username=admin.username, password=PASSWORD)
    page = html.unescape(client.get(f"/users/{account.pk}/").content.decode())
    assert "Children this account is linked to" in page
    assert "Tia Linked" in page and "1 March 2015" in page and "Mother" in page and "Still has access" in page
    assert "Sam Ended" in page and "9 July 2012" in page and "Stepmother" in page
    assert "Oli Otherfamily" not in page
    reads = AuditEvent.objects.filter(action="child.view_family_account", actor_id=admin.pk)
    assert set(reads.values_list("child_id", flat=True)) == {tia.pk, sam.pk}


def test_a_young_persons_own_account_and_an_unlinked_account(client, make_user, make_child):
    young = make_child(first_name="Yan", last_name="Young", dob=date(2008, 1, 2))
    own = make_user("young_person", child=young)
    assert [(r["name"], r["relationship"]) for r in linked_children(own)] == [("Yan Young", OWN_ACCOUNT)]
    with allow_writes():
        User.objects.filter(pk=own.pk).update(is_active=False)
    lonely = make_user("parent")
    admin = make_user("admin")
    client.login(username=admin.username, password=PASSWORD)
    assert "Account deactivated" in html.unescape(client.get(f"/users/{own.pk}/").content.decode())
    assert "not linked to any child" in client.get(f"/users/{lonely.pk}/").content.decode()
    staff = client.get(f"/users/{admin.pk}/").content.decode()
    assert "linked to" not in staff  # staff accounts have no family section
