"""Build the SEN2 return from casework as at the census date (DOMAIN.md sections 5 and 9).

Every value comes from what casework recorded: the statutory clock's dated events and the council's decisions,
permitted exceptions (Week20), decision notices with their mediations and appeals (mediation and tribunal
flags), plans with their issued versions (named placement), cessations with their reasons, annual reviews,
current placements and ranked needs. Where casework lacks an item the export leaves it out and lists the child
and the item in `gaps`, rather than inventing it.

Reads are bulk `values()` queries keyed by child, so a council of 10,000 children builds in seconds. The
per-child record builders are in `sen2_records`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models.fields.json import KeyTextTransform

from highneeds.casework.models import AssessmentRequest, CaseEvent, ClockException, Decision
from highneeds.engine.sen2 import codes as sen2_codes
from highneeds.engine.sen2 import model as m
from highneeds.people.models import Child, ChildNeed, CohortFlag, Placement
from highneeds.plans.models import Plan, PlanVersion

from .models import TransferIn
from .sen2_records import (
    _active,
    _attach_plan,
    _by_child,
    _disputes,
    _match_plans,
    _request,
    _reviews,
    _values,
    _where,
)

# Exceptions that disapply the 20-week limit (R 13(3)); a missed appointment only affects advice (R 8(2)).
WEEK20_EXCEPTIONS = ("SCHOOL_CLOSURE", "EY_CLOSURE", "PERSONAL_CIRCS", "ABSENT_AREA")
EVENTS_READ = (
    "decision_to_assess",
    "request_withdrawn",
    "decision_not_to_issue",
    "final_plan_issued",
    "annual_review_meeting",
    "review_decision",
)


@dataclass(frozen=True)
class Gap:
    child_id: int
    name: str
    module: str
    item: str
    why: str

    def as_dict(self) -> dict:
        return {"child_id": self.child_id, "name": self.name, "module": self.module, "item": self.item, "why": self.why}


@dataclass
class Extract:
    ret: m.Return
    gaps: list[Gap]
    child_ids: list[int]  # in the order of the persons


def build(
    *,
    year: int,
    la: str,
    progress: Callable[[int, int], None] | None = None,
    generated: datetime | None = None,
    only_responsible: bool = False,
    children: list[int] | None = None,
) -> Extract:
    """The return for `year`. A database holding several councils (the national synthetic set) is cut to one by
    `only_responsible` (children whose responsible LA is `la`) or, faster when every LA is wanted, `children`
    (the ids to consider); a council's own database needs neither."""
    census = sen2_codes.census_date(year)
    start, end = sen2_codes.activity_period(year)

    # Plans in the return: in force on the census day, or ceased since the period began.
    plans = Plan.objects.exclude(status="draft").filter(first_issued_on__isnull=False, first_issued_on__lte=census)
    plans = plans.exclude(ceased_on__lt=start)
    # Duplicates are dropped below, not in SQL: without statistics SQLite would search every request through the
    # (mostly NULL) duplicate_of index instead of the child's, once per chunk of ids (quadratic nationally).
    requests = AssessmentRequest.objects.filter(received_on__lte=census)
    if only_responsible:
        plans, requests = plans.filter(child__responsible_la=la), requests.filter(child__responsible_la=la)
    plan_fields = ("id", "child_id", "first_issued_on", "ceased_on", "cease_reason", "request_id")
    request_fields = ("id", "child_id", "received_on", "source", "status", "closed_on", "duplicate_of_id")
    if children is not None:
        ids = sorted(children)
        plans = _values(lambda c: plans.filter(child_id__in=c), ids, *plan_fields)
        requests = _values(lambda c: requests.filter(child_id__in=c), ids, *request_fields)
    else:
        plans, requests = list(plans.values(*plan_fields)), list(requests.values(*request_fields))
    for p in plans:
        if p["ceased_on"] and p["ceased_on"] > census:  # ceased after the census day: still in force on it
            p["ceased_on"], p["cease_reason"] = None, ""
    # Requests: received in the period, earlier ones still open on the census day, and those behind a plan.
    plan_requests = {p["request_id"] for p in plans if p["request_id"]}
    requests = [
        r
        for r in requests
        if r["duplicate_of_id"] is None
        and (
            start <= r["received_on"] <= end
            or r["id"] in plan_requests
            or (r["received_on"] < start and (r["closed_on"] is None or r["closed_on"] > census))
        )
    ]
    child_ids = sorted({r["child_id"] for r in requests} | {p["child_id"] for p in plans})
    total = len(child_ids)
    if progress:
        progress(0, total)

    request_ids = [r["id"] for r in requests]
    plan_ids = [p["id"] for p in plans]
    events = _by_child(
        _values(
            lambda ids: CaseEvent.objects.filter(child_id__in=ids, occurred_on__lte=census, event_type__in=EVENTS_READ),
            child_ids,
            "child_id",
            "request_id",
            "event_type",
            "occurred_on",
            outcome=KeyTextTransform("outcome", "detail"),  # all the return reads of it: no JSON decoded per event
        )
    )
    issue_decisions = {
        d["request_id"]: d["decided_on"]
        for d in _values(
            lambda ids: Decision.objects.filter(request_id__in=ids, kind="issue", outcome=True, decided_on__lte=census),
            request_ids,
            "request_id",
            "decided_on",
        )
    }
    exceptions = {
        e["request_id"]
        for e in _values(
            lambda ids: ClockException.objects.filter(
                request_id__in=ids, code__in=WEEK20_EXCEPTIONS, date_from__lte=census
            ),
            request_ids,
            "request_id",
        )
    }
    disputes = _disputes(child_ids, census, plans)
    versions = {}
    issued = _values(
        lambda ids: PlanVersion.objects.filter(plan_id__in=ids),  # state and date filtered here: as for requests
        plan_ids,
        "plan_id",
        "state",
        "issued_on",
        "number",
        "establishment_id",
        "establishment__urn",
        "establishment__ukprn",
        "establishment__establishment_type",
        "establishment__name",
    )
    issued = [
        v for v in issued if v["state"] in ("issued", "superseded") and v["issued_on"] and v["issued_on"] <= census
    ]
    for v in sorted(issued, key=lambda v: (v["issued_on"], v["number"])):
        versions[v["plan_id"]] = v  # the latest issued version names the placement
    transfers = {
        t["plan_id"]: t["from_la"]
        for t in _values(lambda ids: TransferIn.objects.filter(plan_id__in=ids), plan_ids, "plan_id", "from_la")
    }
    reviews = _reviews(child_ids, census, events)
    needs = _by_child(
        _values(
            lambda ids: ChildNeed.objects.filter(child_id__in=ids).exclude(code="NSA").order_by("rank"),
            child_ids,
            "child_id",
            "code",
            "rank",
        )
    )
    placements = _by_child(
        _values(
            lambda ids: (
                Placement.objects.filter(child_id__in=ids, start_date__lte=census)
                .exclude(end_date__lt=census)
                .order_by("-start_date", "-id")
            ),
            child_ids,
            "child_id",
            "placement_type",
            "start_date",
            "end_date",
            "establishment__urn",
            "establishment__ukprn",
            "establishment__has_sen_unit",
            "establishment__has_resourced_provision",
            "establishment__name",
            "establishment__establishment_type",
        )
    )
    ehe = {
        f["child_id"]
        for f in _values(
            lambda ids: CohortFlag.objects.filter(child_id__in=ids, flag="EHE", start_date__lte=census).exclude(
                end_date__lt=census
            ),
            child_ids,
            "child_id",
        )
    }
    children = {
        c["id"]: c
        for c in _values(
            lambda ids: Child.objects.filter(pk__in=ids),
            child_ids,
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "postcode",
            "upn",
            "uln",
        )
    }

    requests_by_child = _by_child(requests)
    plans_by_child = _by_child(plans)
    gaps: list[Gap] = []
    persons = []
    for done, child_id in enumerate(child_ids, 1):
        c = children[child_id]
        name = f"{c['first_name']} {c['last_name']}"

        def gap(module, item, why, _id=child_id, _name=name):
            gaps.append(Gap(_id, _name, module, item, why))

        person = m.Person(
            surname=c["last_name"],
            forename=c["first_name"],
            birth_date=c["date_of_birth"],
            sex=c["sex"],
            ethnicity=c["ethnicity"],
            postcode=c["postcode"],
            upn=c["upn"] or "",
            uln=c["uln"] or "",
            ref=str(child_id),
        )
        if not person.upn and not person.uln:
            gap("1 Person", "UPN", "No UPN or ULN is recorded (nor a reason why not: UPNunknown)")
        if not person.postcode:
            gap("1 Person", "PostCode", "No postcode is recorded")
        child_events = events.get(child_id, [])
        by_request = _by_child(child_events, "request_id")
        child_plans = sorted(plans_by_child.get(child_id, []), key=lambda p: p["first_issued_on"])
        plan_for_request = _match_plans(requests_by_child.get(child_id, []), child_plans, by_request)
        pairs = []  # (request element, its plan)
        for r in sorted(requests_by_child.get(child_id, []), key=lambda r: r["received_on"]):
            plan = plan_for_request.get(r["id"])
            req = _request(r, by_request.get(r["id"], []), issue_decisions, exceptions, disputes, plan, gap)
            person.requests.append(req)
            if plan is not None:
                pairs.append((req, plan))
        matched = {p["id"] for p in plan_for_request.values()}
        for plan in child_plans:
            if plan["id"] not in matched:
                # A plan with no request here (transferred in, or from before the case system): it still counts.
                req = m.Request(assessments=[m.Assessment()])
                _attach_plan(req, plan, disputes)
                person.requests.append(req)
                pairs.append((req, plan))
        for req, plan in pairs:
            named = req.assessments[0].plans[0]
            version = versions.get(plan["id"])
            detail = m.PlacementDetail(rank=1)
            if version and version["establishment_id"] and _where(detail, version, year):
                named.details.append(detail)
            else:
                gap("4 Named plan", "PlanDetail", "No school or setting is named in the issued plan")
            if plan["ceased_on"]:
                named.cease_date = plan["ceased_on"]
                named.cease_reason = plan["cease_reason"]
                if not plan["cease_reason"]:
                    gap("4 Named plan", "CeaseReason", "The plan ceased without a recorded reason")
                continue
            req.active_plans.append(_active(child_id, plan, transfers, reviews, needs, placements, ehe, year, gap))
        persons.append(person)
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    header = m.Header(year=year, reference_date=census, la=la, generated=generated)
    return Extract(m.Return(header, persons), gaps, child_ids)
