"""Table-driven proof of who can see which child, by rule, by queryset and over HTTP."""

import re
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM, Role
from highneeds.people import services
from highneeds.people.queries import visible_children

PASSWORD = "correct horse battery staple"

# role -> the children (by key) that role may open
EXPECTED = {
    "caseworker": {"at_school", "invited", "yp17", "yp15"},
    "manager": {"at_school", "invited", "yp17", "yp15"},
    "finance": {"at_school", "invited", "yp17", "yp15"},
    "senco": {"at_school"},
    "professional": {"invited"},
    "panel_member": {"invited"},
    "parent": {"at_school"},
    "young_person": {"yp17"},
    "young_person_15": set(),
    "strategic_lead": set(),
    "admin": set(),
    "professional_expired": set(),
}


@pytest.fixture
def world(make_user, make_child, make_establishment):
    today = date.today()
    school, other = make_establishment(name="Our School"), make_establishment(name="Other School")
    children = {
        "at_school": make_child(establishment=school, dob=today.replace(year=today.year - 10) - timedelta(days=3)),
        "invited": make_child(establishment=other),
        "yp17": make_child(
            sen_status="E", needs=("SEMH",), dob=today.replace(year=today.year - 17) - timedelta(days=3)
        ),
        "yp15": make_child(
            sen_status="E", needs=("SEMH",), dob=today.replace(year=today.year - 15) - timedelta(days=3)
        ),
    }
    users = {
        role: make_user(role)
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
    users["senco"] = make_user("senco", establishment=school)
    users["young_person"] = make_user("young_person", child=children["yp17"])
    users["young_person_15"] = make_user("young_person", child=children["yp15"])
    users["professional_expired"] = make_user("professional")
    services.add_parent(
        actor=SYSTEM, child=children["at_school"], first_name="Pat", last_name="Testworth", user=users["parent"]
    )
    for role in ("professional", "panel_member"):
        services.grant_access(actor=SYSTEM, child=children["invited"], user=users[role], reason="Advice for assessment")
    services.grant_access(
        actor=SYSTEM,
        child=children["invited"],
        user=users["professional_expired"],
        reason="Old",
        expires_on=today - timedelta(days=1),
    )
    revoked = services.grant_access(
        actor=SYSTEM, child=children["yp15"], user=users["professional_expired"], reason="x"
    )
    services.revoke_access(actor=SYSTEM, grant=revoked)
    return users, children


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_rule_and_queryset_agree_with_the_matrix(world, who):
    users, children = world
    user = users[who]
    by_rule = {key for key, child in children.items() if user.has_perm("people.view_child", child)}
    by_query = {key for key, child in children.items() if visible_children(user).filter(pk=child.pk).exists()}
    assert by_rule == EXPECTED[who]
    assert by_query == EXPECTED[who]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_http_record_access_matches_the_matrix(client, world, who):
    users, children = world
    client.post("/sign-in/", {"username": users[who].username, "password": PASSWORD})
    for key, child in children.items():
        status = client.get(f"/children/{child.pk}/").status_code
        assert status == (200 if key in EXPECTED[who] else 403), (who, key, status)


@pytest.mark.parametrize(
    "who,path,allowed",
    [
        ("strategic_lead", "/insight/", True),
        ("strategic_lead", "/children/?q=a", False),
        ("admin", "/children/?q=a", False),
        ("admin", "/settings/", True),
        ("admin", "/users/", True),
        ("manager", "/users/", True),  # managers see the team and deactivate leavers
        ("manager", "/users/new/", False),  # but only administrators invite and edit users
        ("caseworker", "/users/", False),
        ("admin", "/audit/", True),
        ("manager", "/audit/", False),
        ("caseworker", "/audit/", False),
        ("caseworker", "/insight/", False),
        ("finance", "/insight/", True),
        ("parent", "/insight/", False),
        ("parent", "/establishments/", True),
        ("senco", "/children/new/", False),
        ("caseworker", "/children/new/", True),
    ],
)
def test_page_permissions(client, world, who, path, allowed):
    users, _ = world
    client.post("/sign-in/", {"username": users[who].username, "password": PASSWORD})
    assert client.get(path).status_code == (200 if allowed else 403)


def test_access_log_is_for_managers_only(client, world):
    users, children = world
    child = children["at_school"]
    for who, status in (("manager", 200), ("caseworker", 403), ("senco", 403), ("parent", 403)):
        client.post("/sign-in/", {"username": users[who].username, "password": PASSWORD})
        assert client.get(f"/children/{child.pk}/access-log/").status_code == status, who
        client.logout()


def test_search_results_are_filtered_to_what_the_user_may_see(client, world):
    users, children = world
    client.post("/sign-in/", {"username": users["senco"].username, "password": PASSWORD})
    body = client.get("/children/", {"q": "Samplefield"}).content.decode()
    assert "1 child found" in body
    assert children["at_school"].full_name in body and children["invited"].full_name not in body


def test_lead_member_never_sees_a_name_on_the_figures_page(client, world):
    users, children = world
    client.post("/sign-in/", {"username": users["strategic_lead"].username, "password": PASSWORD})
    body = client.get("/insight/").content.decode()
    assert all(child.first_name not in body for child in children.values())


def test_deactivated_user_loses_access(world):
    users, children = world
    users["caseworker"].is_active = False
    assert not users["caseworker"].has_perm("people.view_child", children["at_school"])
    assert not visible_children(users["caseworker"]).exists()


# --- need to know: safeguarding flags and NHS numbers (docs/security.md) ----------------------------------------

# who may open the child "at_school" or "invited", and whether they see its safeguarding flag and NHS number
NEED_TO_KNOW = {
    # role: (child key, sees safeguarding flags, sees NHS number)
    "caseworker": ("at_school", True, True),
    "manager": ("at_school", True, True),
    "finance": ("at_school", False, False),
    "senco": ("at_school", False, False),
    "panel_member": ("invited", False, False),
    "professional": ("invited", False, True),
    "parent": ("at_school", False, True),
}
NHS = "9434765919"


@pytest.fixture
def flagged(world):
    users, children = world
    for key in ("at_school", "invited"):
        services.update_child(
            actor=SYSTEM, child=children[key], changes={"nhs_number": NHS if key == "at_school" else "9434765870"}
        )
        services.add_flag(actor=SYSTEM, child=children[key], flag="CPP", start_date=date(2024, 1, 1))
        services.add_flag(actor=SYSTEM, child=children[key], flag="YOUNG_CARER", start_date=date(2024, 1, 1))
    return users, children


@pytest.mark.parametrize("who", sorted(NEED_TO_KNOW))
def test_safeguarding_flags_and_nhs_numbers_are_need_to_know_on_the_record_page(client, flagged, who):
    users, children = flagged
    key, sees_flags, sees_nhs = NEED_TO_KNOW[who]
    child = children[key]
    client.force_login(users[who])
    body = client.get(f"/children/{child.pk}/").content.decode()
    assert "Young carer" in body  # other circumstances stay visible
    assert ("Child protection plan" in body) == sees_flags, who
    assert (child.nhs_number in body) == sees_nhs, who
    assert ("Not shown to your role" in body) == (not sees_nhs)


@pytest.mark.parametrize("who", sorted(NEED_TO_KNOW))
def test_safeguarding_flags_and_nhs_numbers_are_need_to_know_in_the_api(client, flagged, who):
    from highneeds.accounts.services import issue_api_token

    users, children = flagged
    key, sees_flags, sees_nhs = NEED_TO_KNOW[who]
    child = children[key]
    _, token = issue_api_token(actor=SYSTEM, user=users[who], name="t")
    body = client.get(f"/api/v1/children/{child.pk}", headers={"Authorization": f"Bearer {token}"}).json()
    flags = {f["flag"] for f in body["cohort_flags"]}
    assert "YOUNG_CARER" in flags
    assert ("CPP" in flags) == sees_flags, who
    assert (body["identifiers"]["nhs_number"] == child.nhs_number) == sees_nhs, who
    if not sees_nhs:
        assert body["identifiers"]["nhs_number"] is None


def test_the_need_to_know_rules_cover_every_role_that_opens_records():
    """The class: a role that can open a child's record must have a decided row in NEED_TO_KNOW (young people see
    their own record and are covered by the rule through own_record_16_plus)."""
    openers = {r for r in Role.LABELS if r not in (Role.STRATEGIC_LEAD, Role.S151, Role.ADMIN, Role.YOUNG_PERSON)}
    assert openers == set(NEED_TO_KNOW)


def test_the_timeline_leaves_out_safeguarding_flags_too(client, flagged):
    users, children = flagged
    client.force_login(users["senco"])
    body = client.get(f"/children/{children['at_school'].pk}/").content.decode()
    assert "Child protection plan from this date" not in body and "Young carer from this date" in body


FAMILY_PAGES = ["/portal/children/{id}/letters/", "/portal/children/{id}/disagreements/"]


@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize("page", FAMILY_PAGES)
def test_family_pages_open_only_the_familys_own_child(client, world, who, page):
    """Another family's child and a missing id get the same 403; staff use their own pages, not these."""
    users, children = world
    client.post("/sign-in/", {"username": users[who].username, "password": PASSWORD})
    family = users[who].role in ("parent", "young_person")
    for key, child in children.items():
        status = client.get(page.format(id=child.pk)).status_code
        assert status == (200 if family and key in EXPECTED[who] else 403), (who, key, status)
    assert client.get(page.format(id=999999)).status_code == 403


# role -> the advice requests (by child key) that role may open and give: the school's advice for the child at
# the SENCO's school, and advice asked of the invited professional. Anything else answers like a missing id.
EXPECTED_ADVICE = {who: set() for who in EXPECTED} | {"senco": {"at_school"}, "professional": {"invited"}}


@pytest.fixture
def advice_world(world):
    from highneeds.casework import services as cw  # why: only these tests need casework

    users, children = world
    worker, asked = users["caseworker"], date.today() - timedelta(days=20)
    advice = {}
    for key, kind, adviser in (("at_school", "setting", None), ("invited", "health", users["professional"])):
        case = cw.submit_request(actor=worker, child=children[key], received_on=asked, source="1")
        cw.decide_whether_to_assess(actor=worker, request=case, assess=True, decided_on=asked, reasons="x")
        advice[key] = cw.request_advice(
            actor=worker, request=case, adviser_type=kind, requested_on=asked, adviser=adviser
        )
    return users, advice


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_advice_pages_match_the_matrix(client, advice_world, who):
    users, advice = advice_world
    client.post("/sign-in/", {"username": users[who].username, "password": PASSWORD})
    missing = client.get("/portal/advice/999999/")
    for key, item in advice.items():
        response = client.get(f"/portal/advice/{item.pk}/")
        if key in EXPECTED_ADVICE[who]:
            assert response.status_code == 200, (who, key)
        else:
            assert response.status_code == missing.status_code == 403, (who, key, response.status_code)
            assert _words(response) == _words(missing)  # the same page, save the per-response nonce


def _words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
