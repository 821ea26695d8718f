import base64
import io
import zipfile
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# A real 1x1 PNG, so WeasyPrint draws it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def office(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HIGHNEEDS_VIRUS_SCANNER = "none"


@pytest.fixture
def world(make_user, make_child, make_establishment):
    """One child at a school with a parent, an invited professional and the school's SENCO; another family's child
    elsewhere with its own parent."""
    from highneeds.people import services

    today = date.today()
    school, other = make_establishment(name="Our School"), make_establishment(name="Other School")
    child = make_child(establishment=school, dob=today.replace(year=today.year - 10) - timedelta(days=3))
    other_child = make_child(establishment=other)
    users = {
        role: make_user(role, first_name=role.replace("_", " ").title(), last_name="Tester")
        for role in (
            "caseworker",
            "manager",
            "finance",
            "professional",
            "panel_member",
            "parent",
            "strategic_lead",
            "admin",
        )
    }
    users["senco"] = make_user("senco", establishment=school, first_name="Sam", last_name="Senco")
    users["other_senco"] = make_user("senco", establishment=other)
    users["other_parent"] = make_user("parent")
    services.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Testworth",
        user=users["parent"],
        address="1 Example Street, Sampletown",
        postcode="ZZ1 1ZZ",
    )
    services.add_parent(
        actor=SYSTEM, child=other_child, first_name="Olly", last_name="Otherfamily", user=users["other_parent"]
    )
    services.grant_access(actor=SYSTEM, child=child, user=users["professional"], reason="Advice")
    services.grant_access(actor=SYSTEM, child=child, user=users["panel_member"], reason="Panel")
    return {"users": users, "child": child, "other_child": other_child}
