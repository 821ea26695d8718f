"""The work queue: who sees which requests, in what order, with which RAG status; filters, paging,
bulk reassignment by managers (audited) and caseloads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework import flows as cw_flows
from highneeds.casework import queue as wq
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest

PASSWORD = "correct horse battery staple"
TODAY = date.today()
DECISION_WEEKS = 6  # a pending request's next step: the decision whether to assess, 6 weeks after receipt


def received_for_due(days_from_today: int) -> date:
    """The receipt date that puts the 6-week decision `days_from_today` days from today."""
    return TODAY + timedelta(days=days_from_today) - timedelta(weeks=DECISION_WEEKS)


@pytest.fixture
def people(make_user):
    return {
        "ann": make_user("caseworker", first_name="Ann", last_name="Able"),
        "bob": make_user("caseworker", first_name="Bob", last_name="Baker"),
        "meg": make_user("manager", first_name="Meg", last_name="Manager"),
    }


@pytest.fixture
def requests_(people, make_child):
    """Ann's five requests due -8, -1, 0, +10 and +11 days from today; Bob's one; one unassigned; one closed."""
    made = {}

    def request(key, due_in, caseworker, first_name=None):
        child = make_child(first_name=first_name or f"Child{key.title()}", last_name="Queueton")
        made[key] = cw.submit_request(
            actor=SYSTEM, child=child, received_on=received_for_due(due_in), source="1", caseworker=caseworker
        )

    request("late8", -8, people["ann"], "Zara")
    request("late1", -1, people["ann"])
    request("today", 0, people["ann"])
    request("plus10", 10, people["ann"])
    request("plus11", 11, people["ann"], "Amara")
    request("bob", -3, people["bob"])
    request("nobody", 5, None)
    request("closed", -20, people["ann"])
    cw.withdraw_request(actor=SYSTEM, request=made["closed"], withdrawn_on=TODAY, reason="Family moved away")
    return made


def keys(found, made):
    by_pk = {r.pk: k for k, r in made.items()}
    return [by_pk[r.pk] for r in found]


def test_rag_thresholds_are_the_documented_ones():
    assert wq.AT_RISK_DAYS == 10
    assert wq.rag_of(TODAY - timedelta(days=1), TODAY) == "overdue"
    assert wq.rag_of(TODAY, TODAY) == "at_risk"
    assert wq.rag_of(TODAY + timedelta(days=10), TODAY) == "at_risk"
    assert wq.rag_of(TODAY + timedelta(days=11), TODAY) == "on_track"
    assert wq.rag_of(None, TODAY) == "on_track"


def test_a_caseworker_sees_their_own_open_requests_soonest_deadline_first(people, requests_):
    found = list(wq.queue(people["ann"]))
    assert keys(found, requests_) == ["late8", "late1", "today", "plus10", "plus11"]
    assert [wq.rag_of(r.next_due, TODAY) for r in found] == ["overdue", "overdue", "at_risk", "at_risk", "on_track"]


def test_ties_on_the_due_date_are_broken_by_date_received(people, make_child):
    older = cw.submit_request(
        actor=SYSTEM, child=make_child(), received_on=TODAY - timedelta(days=30), source="1", caseworker=people["ann"]
    )
    newer = cw.submit_request(
        actor=SYSTEM, child=make_child(), received_on=TODAY - timedelta(days=20), source="1", caseworker=people["ann"]
    )
    # Same due date, different receipt: the council became responsible for the newer request later.
    AssessmentRequest.objects.filter(pk=older.pk).update(next_due=TODAY)
    AssessmentRequest.objects.filter(pk=newer.pk).update(next_due=TODAY)
    no_date = cw.submit_request(
        actor=SYSTEM, child=make_child(), received_on=TODAY - timedelta(days=40), source="1", caseworker=people["ann"]
    )
    AssessmentRequest.objects.filter(pk=no_date.pk).update(next_due=None, next_step="")
    assert [r.pk for r in wq.queue(people["ann"])] == [older.pk, newer.pk, no_date.pk]


def test_rag_filter_and_counts_agree(people, requests_):
    ann = people["ann"]
    for rag, expected in (("overdue", ["late8", "late1"]), ("at_risk", ["today", "plus10"]), ("on_track", ["plus11"])):
        assert keys(wq.queue(ann, wq.QueueFilter(rag=rag)), requests_) == expected
    assert wq.rag_counts(ann) == {"overdue": 2, "at_risk": 2, "on_track": 1}


def test_filters_by_stage_received_dates_and_name(people, requests_):
    ann = people["ann"]
    cw.decide_whether_to_assess(
        actor=ann, request=requests_["late1"], assess=True, decided_on=TODAY, reasons="Evidence of needs"
    )
    assert keys(wq.queue(ann, wq.QueueFilter(status="assess")), requests_) == ["late1"]
    assert keys(wq.queue(ann, wq.QueueFilter(status="pending")), requests_) == ["late8", "today", "plus10", "plus11"]
    window = wq.QueueFilter(received_from=received_for_due(0), received_to=received_for_due(10))
    assert keys(wq.queue(ann, window), requests_) == ["today", "plus10"]
    assert keys(wq.queue(ann, wq.QueueFilter(name="zar")), requests_) == ["late8"]
    assert keys(wq.queue(ann, wq.QueueFilter(name="amara queue")), requests_) == ["plus11"]


def test_a_caseworker_cannot_widen_their_queue(people, requests_):
    # Asking for everyone's (or Bob's) queue gives a caseworker their own.
    for whose in (wq.ALL, wq.UNASSIGNED, people["bob"].pk):
        assert keys(wq.queue(people["ann"], wq.QueueFilter(caseworker=whose)), requests_) == [
            "late8",
            "late1",
            "today",
            "plus10",
            "plus11",
        ]


def test_a_manager_chooses_whose_queue(people, requests_):
    meg = people["meg"]
    assert keys(wq.queue(meg, wq.QueueFilter(caseworker=wq.ALL)), requests_) == [
        "late8",
        "bob",
        "late1",
        "today",
        "nobody",
        "plus10",
        "plus11",
    ]
    assert keys(wq.queue(meg, wq.QueueFilter(caseworker=people["bob"].pk)), requests_) == ["bob"]
    assert keys(wq.queue(meg, wq.QueueFilter(caseworker=wq.UNASSIGNED)), requests_) == ["nobody"]
    assert keys(wq.queue(meg), requests_) == []  # her own: none


def test_the_queue_is_one_indexed_query_without_the_clock(
    people, requests_, django_assert_max_num_queries, monkeypatch
):
    import highneeds.engine.clock as clock

    monkeypatch.setattr(clock, "compute_many", lambda *a, **k: pytest.fail("the queue ran the clock"))
    with django_assert_max_num_queries(1):
        assert len(list(wq.queue(people["ann"]))) == 5


# ---------------------------------------------------------------------------------------------
# Pages


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_queue_page_shows_rag_tags_links_next_steps_and_days(client, people, requests_):
    sign_in(client, people["ann"])
    body = client.get("/cases/").content.decode()
    for key in ("late8", "late1", "today", "plus10", "plus11"):
        assert f'href="/cases/{requests_[key].pk}/"' in body
    assert f'href="/cases/{requests_["bob"].pk}/"' not in body
    assert "8 days overdue" in body and "Due today" in body and "10 days left" in body and "11 days left" in body
    assert body.count("govuk-tag--red") == 2 and body.count("govuk-tag--orange") == 2
    assert body.count("govuk-tag--green") == 1
    assert "Decide whether to assess" in body
    assert "Reassign" not in body  # caseworkers do not reassign
    # Earliest deadline first on the page too.
    assert body.index(f"/cases/{requests_['late8'].pk}/") < body.index(f"/cases/{requests_['plus11'].pk}/")


def test_queue_page_filters_from_the_query_string(client, people, requests_):
    sign_in(client, people["ann"])
    body = client.get("/cases/", {"rag": "at_risk"}).content.decode()
    assert f"/cases/{requests_['today'].pk}/" in body and f"/cases/{requests_['late8'].pk}/" not in body
    body = client.get(
        "/cases/", {"received_from-day": "x", "received_from-month": "1", "received_from-year": "2024"}
    ).content.decode()
    assert "There is a problem" in body and "must be a real date" in body


def test_queue_pages_in_25s(client, people, make_child):
    for n in range(27):
        cw.submit_request(
            actor=SYSTEM,
            child=make_child(),
            received_on=TODAY - timedelta(days=n),
            source="1",
            caseworker=people["bob"],
        )
    sign_in(client, people["bob"])
    first = client.get("/cases/").content.decode()
    second = client.get("/cases/", {"page": 2}).content.decode()
    assert first.count('name="requests"') == 0  # no checkboxes for a caseworker
    assert first.count("govuk-tag--") == 25 and second.count("govuk-tag--") == 2
    assert "27 open requests, page 1 of 2" in first


def test_manager_page_has_checkboxes_and_caseworker_column(client, people, requests_):
    sign_in(client, people["meg"])
    body = client.get("/cases/").content.decode()
    assert body.count('name="requests"') == 7
    assert "Not assigned" in body and "Bob Baker" in body
    assert "Reassign the selected requests" in body


# ---------------------------------------------------------------------------------------------
# Bulk reassignment


def test_manager_reassigns_in_bulk_and_each_change_is_audited(client, people, requests_):
    sign_in(client, people["meg"])
    chosen = [requests_["late8"], requests_["nobody"], requests_["closed"]]
    response = client.post(
        "/cases/reassign/",
        {"requests": [r.pk for r in chosen], "caseworker": people["bob"].pk, "query": "rag=overdue&evil=1"},
    )
    assert response.status_code == 302 and response["Location"] == "/cases/?rag=overdue"
    for key in ("late8", "nobody"):
        requests_[key].refresh_from_db()
        assert requests_[key].caseworker == people["bob"]
        event = AuditEvent.objects.get(action="request.assign", object_id=str(requests_[key].pk))
        assert event.actor_id == people["meg"].pk and event.after == {"caseworker": people["bob"].pk}
    requests_["closed"].refresh_from_db()
    assert requests_["closed"].caseworker == people["ann"]  # closed requests are not in the queue to move
    body = client.get(response["Location"]).content.decode()
    assert "2 requests reassigned to Bob Baker" in body


def test_caseworkers_cannot_reassign(client, people, requests_):
    sign_in(client, people["ann"])
    response = client.post("/cases/reassign/", {"requests": [requests_["bob"].pk], "caseworker": people["ann"].pk})
    assert response.status_code == 403
    requests_["bob"].refresh_from_db()
    assert requests_["bob"].caseworker == people["bob"]
    assert not AuditEvent.objects.filter(action="request.assign").exists()


def test_reassignment_needs_a_selection_and_an_active_caseworker(client, people, requests_, make_user):
    sign_in(client, people["meg"])
    assert client.get("/cases/reassign/").status_code == 405
    body = client.post("/cases/reassign/", {"caseworker": people["bob"].pk}, follow=True).content.decode()
    assert "Select at least one request" in body
    parent = make_user("parent")
    gone = make_user("caseworker")
    gone.is_active = False
    gone.save()
    for target in (parent.pk, gone.pk, "", "x"):
        body = client.post(
            "/cases/reassign/", {"requests": [requests_["bob"].pk], "caseworker": target}, follow=True
        ).content.decode()
        assert "Select the caseworker" in body
    requests_["bob"].refresh_from_db()
    assert requests_["bob"].caseworker == people["bob"]


# ---------------------------------------------------------------------------------------------
# Caseloads


def test_caseloads_by_stage_rag_and_children_led(people, requests_, make_child):
    from highneeds.people.models import Child

    # No service sets a lead caseworker yet (the demo loader does it in bulk): set it directly.
    Child.objects.filter(pk__in=[make_child().pk, make_child().pk]).update(lead_caseworker=people["ann"])
    cw.decide_whether_to_assess(
        actor=people["ann"], request=requests_["plus10"], assess=True, decided_on=TODAY, reasons="x"
    )
    rows = {(row.caseworker.username if row.caseworker else None): row for row in wq.caseloads(people["meg"])}
    ann = rows[people["ann"].username]
    assert ann.by_status == {"pending": 4, "assess": 1, "draft": 0}
    assert ann.open_requests == 5 and ann.children_led == 2
    assert sum(ann.by_rag.values()) == 5 and ann.by_rag["overdue"] == 2
    assert rows[people["bob"].username].by_rag == {"overdue": 1, "at_risk": 0, "on_track": 0}
    assert rows[None].open_requests == 1  # the unassigned request
    assert rows[people["meg"].username].open_requests == 0
    only_mine = wq.caseloads(people["bob"])
    assert [row.caseworker for row in only_mine] == [people["bob"]]


def test_caseload_pages(client, people, requests_):
    sign_in(client, people["meg"])
    body = client.get("/cases/caseload/").content.decode()
    assert "Caseload by caseworker" in body and "Ann Able" in body and "Bob Baker" in body and "Not assigned" in body
    client.logout()
    sign_in(client, people["bob"])
    body = client.get("/cases/caseload/").content.decode()
    assert "Your caseload" in body and "Ann Able" not in body


@pytest.mark.parametrize(
    "role,queue_status,caseload_status,reassign_status",
    [
        ("caseworker", 200, 200, 403),
        ("manager", 200, 200, 302),
        ("finance", 403, 403, 403),
        ("panel_member", 403, 403, 403),
        ("professional", 403, 403, 403),
        ("parent", 403, 403, 403),
        ("strategic_lead", 403, 403, 403),
        ("admin", 403, 403, 403),
    ],
)
def test_permission_matrix(client, make_user, role, queue_status, caseload_status, reassign_status):
    sign_in(client, make_user(role))
    assert client.get("/cases/").status_code == queue_status
    assert client.get("/cases/caseload/").status_code == caseload_status
    assert client.post("/cases/reassign/", {}).status_code == reassign_status


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for path in ("/cases/", "/cases/caseload/", "/cases/reassign/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_draft_whose_comment_period_has_ended_is_judged_by_the_final_plan_date(people, make_child):
    ann = people["ann"]
    request = cw.submit_request(
        actor=ann, child=make_child(), received_on=TODAY - timedelta(days=100), source="1", caseworker=ann
    )
    cw.decide_whether_to_assess(
        actor=ann, request=request, assess=True, decided_on=TODAY - timedelta(days=70), reasons="x"
    )
    cw.decide_whether_to_issue(
        actor=ann, request=request, issue=True, decided_on=TODAY - timedelta(days=25), reasons="x"
    )
    cw_flows.send_draft_plan(actor=ann, request=request, sent_on=TODAY - timedelta(days=20))
    request.refresh_from_db()
    # The family's 15 days ended 5 days ago: the plan may now be finalised, which is not a missed deadline.
    assert request.next_step == "final_plan"
    assert request.next_due == TODAY - timedelta(days=100) + timedelta(weeks=20)
    assert keys(wq.queue(ann, wq.QueueFilter(rag="overdue")), {"draft": request}) == []
