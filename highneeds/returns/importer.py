"""Onboarding from a council's last SEN2 return: children, requests with their dated events, assessments,
plans (with the placement they name), current placements, ranked needs and review meetings.

All-or-nothing: the file is validated first and any error refuses it; the whole load is one transaction (a dry
run rolls it back and reports). Re-importing the same file changes nothing: children are matched by UPN, ULN, or
name and date of birth; requests by child and date received; plans by child and start date; placements by
child, establishment and entry date. Requests and plans are written in casework's own vocabulary (the clock's
case events, plan versions, placements), so the clock, reviews, the forecast's calibration and the tracker read
an imported history as if it had been entered here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.casework.models import AssessmentRequest, CaseEvent, ClockException
from highneeds.casework.services import recalculate_clocks
from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.safexml import parse
from highneeds.engine.sen2.validate import validate_tree
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child, ChildNeed, CohortFlag, Placement
from highneeds.people.services import create_child
from highneeds.plans.models import Plan, PlanVersion

from .models import TransferIn

REVIEW_DECISIONS = {"M": "maintain", "A": "amend", "C": "cease"}


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, carrying its report."""

    def __init__(self, report):
        super().__init__("dry run")
        self.report = report


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)


@service
def import_return(*, actor, data: bytes, dry_run: bool = False) -> Report:
    require(actor, "returns.manage")
    root = parse(data)
    errors = [i for i in validate_tree(root) if i.severity == "error"]
    if errors:
        raise ValidationError([f"{i.xpath} {i.field}: {i.message}" for i in errors])
    ret = m.from_tree(root)
    report = Report()
    loader = _Loader(actor, ret.header, report)
    for index, person in enumerate(ret.persons, 1):
        loader.person(person, f"Person {index}")
    if loader.open_requests:  # the clock's deadlines for requests still open, as for any request entered here
        recalculate_clocks(actor=actor, requests=AssessmentRequest.objects.filter(pk__in=loader.open_requests))
    log.record(
        actor=actor,
        action="sen2.import",
        after={"la": ret.header.la, "year": ret.header.year, "created": dict(report.created), "dry_run": dry_run},
    )
    if dry_run:
        raise DryRun(report)
    return report


class _Loader:
    def __init__(self, actor, header: m.Header, report: Report):
        self.actor, self.header, self.report = actor, header, report
        self.establishments: dict[str, Establishment | None] = {}
        self.open_requests: list[int] = []

    def establishment(self, detail: m.PlacementDetail) -> Establishment | None:
        key = f"urn:{detail.urn}" if detail.urn else f"ukprn:{detail.ukprn}"
        if key not in self.establishments:
            qs = (
                Establishment.objects.filter(urn=int(detail.urn))
                if detail.urn.isdecimal()
                else Establishment.objects.filter(ukprn=int(detail.ukprn))
                if detail.ukprn.isdecimal()
                else None
            )
            self.establishments[key] = qs.order_by("-is_open", "id").first() if qs is not None else None
        return self.establishments[key]

    def _count(self, what: str, created: bool) -> None:
        (self.report.created if created else self.report.existing)[what] += 1

    def person(self, p: m.Person, where: str) -> None:
        match = Q(pk__in=[])
        if p.upn:
            match |= Q(upn=p.upn.upper())
        if p.uln:
            match |= Q(uln=p.uln)
        match |= Q(last_name__iexact=p.surname, first_name__iexact=p.forename, date_of_birth=p.birth_date)
        child = Child.objects.filter(match).first()
        self._count("children", child is None)
        if child is None:
            try:
                child = create_child(
                    actor=self.actor,
                    data={
                        "first_name": p.forename,
                        "last_name": p.surname,
                        "date_of_birth": p.birth_date.isoformat(),
                        "sex": p.sex,
                        "ethnicity": p.ethnicity or "NOBT",
                        "postcode": p.postcode,
                        "upn": p.upn or None,
                        "uln": p.uln or None,
                        "responsible_la": self.header.la,
                    },
                )
            except ValidationError as exc:  # the same checks as the child's form: name the person and the item
                raise ValidationError(
                    [
                        f"{where} ({p.forename} {p.surname}): {field}: {msgs[0]}"
                        for field, msgs in exc.message_dict.items()
                    ]
                ) from None
        for r in p.requests:
            self.request(child, r, where)

    def request(self, child: Child, r: m.Request, where: str) -> None:
        request = None
        if r.received_date:
            request = AssessmentRequest.objects.filter(child=child, received_on=r.received_date).first()
            self._count("requests", request is None)
            if request is None:
                request = self._new_request(child, r)
        for a in r.assessments:
            for plan in a.plans:
                self.plan(child, request, a, plan, r.active_plans, where)
        if not any(a.plans for a in r.assessments):
            for ap in r.active_plans:
                self.report.skipped.append(f"{where}: an active plan with no NamedPlan (no start date) is not imported")

    def _new_request(self, child: Child, r: m.Request) -> AssessmentRequest:
        status, closed = "pending", None
        events = [("request_received", r.received_date, {"source": r.source, "via": "import"})]
        if r.outcome in ("A", "N") and r.outcome_date:
            events.append(
                ("decision_to_assess", r.outcome_date, {"outcome": "assess" if r.outcome == "A" else "not_assess"})
            )
            status = "assess" if r.outcome == "A" else "not_assess"
            closed = None if r.outcome == "A" else r.outcome_date
        elif r.outcome == "W" and r.outcome_date:
            events.append(("request_withdrawn", r.outcome_date, {"reason": "Imported from SEN2"}))
            status, closed = "withdrawn", r.outcome_date
        for a in r.assessments:
            if a.outcome == "I" and a.plans and a.plans[0].start_date:
                events.append(("final_plan_issued", a.plans[0].start_date, {}))
                status, closed = "plan_issued", a.plans[0].start_date
            elif a.outcome == "N" and a.outcome_date:
                events.append(("decision_not_to_issue", a.outcome_date, {}))
                status, closed = "not_issued", a.outcome_date
            elif a.outcome == "W" and a.outcome_date:
                events.append(("request_withdrawn", a.outcome_date, {"reason": "Imported from SEN2"}))
                status, closed = "withdrawn", a.outcome_date
        request = AssessmentRequest.objects.create(
            child=child,
            received_on=r.received_date,
            source=r.source or "5",
            status=status,
            closed_on=closed,
            submitted_via="import",
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(child=child, request=request, event_type=kind, occurred_on=on, detail=detail)
                for kind, on, detail in events
            ]
        )
        if any(a.week20 for a in r.assessments):
            # SEN2 says only that an exception applied, not which: the reason says so, for the caseworker.
            ClockException.objects.create(
                request=request,
                code="PERSONAL_CIRCS",
                date_from=r.received_date,
                reason="Imported from SEN2: Week20 = 1 (the return does not say which exception applied)",
            )
        if request.is_open:
            self.open_requests.append(request.pk)
        log.record(
            actor=self.actor,
            action="request.import",
            obj=request,
            child=child,
            after={"received_on": r.received_date, "status": status, "events": len(events)},
        )
        return request

    def plan(self, child, request, a: m.Assessment, named: m.NamedPlan, active_plans, where) -> None:
        if not named.start_date:
            self.report.skipped.append(f"{where}: a NamedPlan without a StartDate is not imported")
            return
        plan = Plan.objects.filter(child=child, first_issued_on=named.start_date).first()
        ceased = bool(named.cease_date)
        if plan is None and not ceased and Plan.objects.filter(child=child).exclude(status="ceased").exists():
            self.report.skipped.append(
                f"{where}: the plan starting {named.start_date} is not imported: the child "
                f"already has a plan in force here"
            )
            return
        self._count("plans", plan is None)
        if plan is not None:
            return
        plan = Plan.objects.create(
            child=child,
            status="ceased" if ceased else "final",
            first_issued_on=named.start_date,
            ceased_on=named.cease_date,
            cease_reason=named.cease_reason,
            request=request,
        )
        named_at = next((self.establishment(d) for d in named.details if d.rank == 1 and (d.urn or d.ukprn)), None)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            kind="final",
            state="issued",
            source="other",
            issued_on=named.start_date,
            establishment=named_at,
            sections={"imported": "Imported from a SEN2 return: the plan's words are not in the return"},
        )
        if any(d.urn or d.ukprn for d in named.details) and named_at is None:
            self.report.skipped.append(
                f"{where}: the school or college named in the plan (URN/UKPRN "
                f"{named.details[0].urn or named.details[0].ukprn}) is not a known "
                f"establishment: import GIAS first to link it"
            )
        if ceased:
            CaseEvent.objects.create(
                child=child,
                request=None,
                event_type="plan_ceased",
                occurred_on=named.cease_date,
                detail={"reason": named.cease_reason, "via": "import"},
            )
        log.record(
            actor=self.actor,
            action="plan.import",
            obj=plan,
            child=child,
            after={"start": named.start_date, "ceased": named.cease_date},
        )
        if not ceased:
            for ap in active_plans:
                self.active(child, plan, ap, where)

    def active(self, child, plan, ap: m.ActivePlan, where) -> None:
        if ap.transfer_la:
            TransferIn.objects.create(plan=plan, from_la=ap.transfer_la)
        for d in sorted(ap.placements, key=lambda d: d.rank or 99):
            if d.sen_setting:
                if d.sen_setting == "EHE":
                    CohortFlag.objects.get_or_create(
                        child=child,
                        flag="EHE",
                        end_date=None,
                        defaults={"start_date": d.entry_date or plan.first_issued_on, "note": "Imported from SEN2"},
                    )
                    self._count("placements", True)
                else:
                    self.report.skipped.append(
                        f"{where}: SENsetting {d.sen_setting} is not stored as a placement (no school or college)"
                    )
                continue
            est = self.establishment(d)
            if est is None:
                self.report.skipped.append(
                    f"{where}: placement at URN/UKPRN {d.urn or d.ukprn} skipped: not a "
                    f"known establishment (import GIAS first)"
                )
                continue
            kind = (
                "DUAL"
                if (d.rank or 1) > 1
                else (
                    {"A": "RES_38_51", "B": "RES_52"}.get(ap.res)
                    or ("UNIT" if d.sen_unit or d.resourced else "ON_ROLL")
                )
            )
            start = d.entry_date or plan.first_issued_on
            exists = Placement.objects.filter(child=child, establishment=est, start_date=start).exists()
            self._count("placements", not exists)
            if not exists:
                Placement.objects.create(
                    child=child, establishment=est, placement_type=kind, start_date=start, end_date=d.leaving_date
                )
        if not child.needs.exists():
            seen = set()
            for n in sorted(ap.needs, key=lambda n: n.rank or 99):
                if n.code in seen:
                    continue
                seen.add(n.code)
                ChildNeed.objects.create(child=child, code=n.code, rank=len(seen), recorded_on=plan.first_issued_on)
                self._count("needs", True)
        if child.sen_status != "E":
            child.sen_status = "E"
            child.save(update_fields=["sen_status"])
        if (
            ap.review_meeting
            and not CaseEvent.objects.filter(
                child=child, event_type="annual_review_meeting", occurred_on=ap.review_meeting
            ).exists()
        ):
            CaseEvent.objects.create(
                child=child, event_type="annual_review_meeting", occurred_on=ap.review_meeting, detail={"via": "import"}
            )
            if ap.review_outcome in REVIEW_DECISIONS:
                CaseEvent.objects.create(
                    child=child,
                    event_type="review_decision",
                    occurred_on=ap.review_meeting,
                    detail={"outcome": REVIEW_DECISIONS[ap.review_outcome], "via": "import"},
                )
            self._count("review meetings", True)
        log.record(
            actor=self.actor,
            action="child.import.placements",
            child=child,
            after={"placements": len(ap.placements), "needs": len(ap.needs)},
        )
