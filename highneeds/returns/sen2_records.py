"""The SEN2 extract's record builders: bulk reads keyed by child, and each child's request, active plan,
reviews and disputes as SEN2 model records (used by `extract.build`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from highneeds.disputes.models import Appeal, DecisionNotice, Mediation
from highneeds.engine.sen2 import codes as sen2_codes
from highneeds.engine.sen2 import model as m
from highneeds.reviews.models import AnnualReview

REVIEW_OUTCOMES = {"maintain": "M", "amend": "A", "cease": "C"}


MAIN_PLACEMENTS = ("ON_ROLL", "UNIT", "RES_38_51", "RES_52")


def _by_child(rows, key="child_id"):
    out = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _chunks(ids: list[int], size: int = 900):
    """SQLite allows only so many parameters in one IN list."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _values(qs_for_ids: Callable, ids: list[int], *fields, **expressions):
    rows = []
    for chunk in _chunks(ids):
        rows.extend(qs_for_ids(chunk).values(*fields, **expressions))
    return rows


def _match_plans(requests, plans, by_request) -> dict:
    """Which request each plan came from: the plan's own link, else the request whose final plan was issued
    on the plan's first issue date, else the child's latest request that ended in a plan."""
    out, used = {}, set()
    ids = {r["id"] for r in requests}
    for plan in plans:
        rid = plan["request_id"] if plan["request_id"] in ids else None
        if rid is None:
            for r in requests:
                if r["id"] in used:
                    continue
                if any(
                    e["event_type"] == "final_plan_issued" and e["occurred_on"] == plan["first_issued_on"]
                    for e in by_request.get(r["id"], [])
                ):
                    rid = r["id"]
                    break
        if rid is None:
            issued = [
                r
                for r in requests
                if r["status"] == "plan_issued" and r["id"] not in used and r["received_on"] <= plan["first_issued_on"]
            ]
            rid = issued[-1]["id"] if issued else None
        if rid is not None and rid not in used:
            used.add(rid)
            out[rid] = plan
    return out


def _request(r, events, issue_decisions, exceptions, disputes, plan, gap) -> m.Request:
    req = m.Request(received_date=r["received_on"], source=r["source"])
    if not r["source"]:
        gap("2 Requests", "RequestSource", "The request's source is not recorded")
    first = {}
    for e in events:
        first.setdefault(e["event_type"], e)
    decision = first.get("decision_to_assess")
    withdrawn = first.get("request_withdrawn")
    d = disputes.get(("request", r["id"]), {})
    req.mediation, req.tribunal = d.get("refuse_assess_mediation", False), d.get("refuse_assess_tribunal", False)
    if decision:
        assess = decision["outcome"] != "not_assess"
        req.outcome, req.outcome_date = ("A" if assess else "N"), decision["occurred_on"]
    elif withdrawn:
        req.outcome, req.outcome_date = "W", withdrawn["occurred_on"]
    if req.outcome != "A" and plan is None:
        return req
    a = m.Assessment(mediation=d.get("not_issue_mediation", False), tribunal=d.get("not_issue_tribunal", False))
    not_issued, final = first.get("decision_not_to_issue"), first.get("final_plan_issued")
    if final or plan is not None:
        a.outcome = "I"
        a.outcome_date = issue_decisions.get(r["id"]) or (final["occurred_on"] if final else plan["first_issued_on"])
        a.week20 = r["id"] in exceptions
    elif not_issued:
        a.outcome, a.outcome_date = "N", not_issued["occurred_on"]
    elif withdrawn:
        a.outcome, a.outcome_date = "W", withdrawn["occurred_on"]
    req.assessments.append(a)
    if plan is not None:
        _attach_plan(req, plan, disputes)
    return req


def _attach_plan(req: m.Request, plan, disputes) -> None:
    assessment = req.assessments[0]
    d = disputes.get(("plan", plan["id"]), {})
    assessment.other_mediation = d.get("other_mediation", False)
    assessment.other_tribunal = d.get("other_tribunal", False)
    assessment.plans.append(m.NamedPlan(start_date=plan["first_issued_on"]))


def _active(child_id, plan, transfers, reviews, needs, placements, ehe, year, gap) -> m.ActivePlan:
    start, end = sen2_codes.activity_period(year)
    active = m.ActivePlan(transfer_la=transfers.get(plan["id"], ""))
    held = reviews.get(child_id, [])
    if held:
        last_on, last_outcome = held[-1]
        active.last_review = last_on
        in_period = [(on, out) for on, out in held if start <= on <= end]
        if in_period:
            active.review_meeting, outcome = in_period[-1]
            active.review_outcome = outcome
            if not outcome:
                gap("5 Active plans", "ReviewOutcome", "A review meeting was held but no decision is recorded")
    mains = [p for p in placements.get(child_id, []) if p["placement_type"] in MAIN_PLACEMENTS]
    others = [p for p in placements.get(child_id, []) if p["placement_type"] not in MAIN_PLACEMENTS]
    rank = 0
    for p in mains[:1] + others + mains[1:]:
        rank += 1
        detail = m.PlacementDetail(rank=rank, entry_date=p["start_date"], leaving_date=p["end_date"])
        if p["placement_type"] == "EOTAS":
            detail.sen_setting = "OLA"
        elif not _where(detail, p, year):
            gap("5 Active plans", "URN", f"{p['establishment__name']} has no URN or UKPRN")
        if p["placement_type"] == "UNIT":
            detail.sen_unit = bool(p["establishment__has_sen_unit"])
            detail.resourced = bool(p["establishment__has_resourced_provision"]) and not detail.sen_unit
        if p["placement_type"] in ("RES_38_51", "RES_52") and rank == 1:
            active.res = "A" if p["placement_type"] == "RES_38_51" else "B"
        active.placements.append(detail)
    if not active.placements:
        if child_id in ehe:
            active.placements.append(m.PlacementDetail(sen_setting="EHE", rank=1))
        else:
            gap("5 Active plans", "PlacementDetail", "No current placement is recorded for a child with a plan")
    active.needs = [m.SENneed(n["code"], n["rank"]) for n in needs.get(child_id, [])]
    if not any(n.rank == 1 for n in active.needs):
        gap("5 Active plans", "SENneed", "No primary (rank 1) SEN need is recorded")
    return active


def _where(detail: m.PlacementDetail, row: dict, year: int) -> bool:
    """Say where: the establishment's URN, else its UKPRN, else SEN2's code for a setting GIAS does not list (EYP an
    early years provider, OTH from 2025 with the setting's name). False when none applies."""
    detail.urn = str(row["establishment__urn"] or "")
    detail.ukprn = "" if detail.urn else str(row["establishment__ukprn"] or "")
    if detail.urn or detail.ukprn:
        return True
    if row["establishment__establishment_type"] == "EARLY_YEARS":
        detail.sen_setting = "EYP"
        return True
    if year >= 2025:
        detail.sen_setting, detail.sen_setting_other = "OTH", row["establishment__name"][:100]
        return True
    return False


def _reviews(child_ids, census, events) -> dict[int, list[tuple[date, str]]]:
    """Annual review meetings held by the census day, with the decision each led to, oldest first."""
    out = defaultdict(dict)
    for r in _values(
        lambda ids: AnnualReview.objects.filter(child_id__in=ids, held_on__lte=census),
        child_ids,
        "child_id",
        "held_on",
        "decision",
    ):
        out[r["child_id"]][r["held_on"]] = REVIEW_OUTCOMES.get(r["decision"], "")
    for child_id, rows in events.items():  # reviews kept as dated events (history, imports)
        meetings = sorted(e["occurred_on"] for e in rows if e["event_type"] == "annual_review_meeting")
        decisions = sorted((e["occurred_on"], e["outcome"] or "") for e in rows if e["event_type"] == "review_decision")
        for on in meetings:
            outcome = next((REVIEW_OUTCOMES.get(o, "") for d, o in decisions if d >= on), "")
            out[child_id].setdefault(on, outcome)
    return {k: sorted(v.items()) for k, v in out.items()}


def _disputes(child_ids, census, plans) -> dict:
    """Mediation held and appeals lodged by the census day, keyed to the request or the plan they were about."""
    notices = {
        n["id"]: n
        for n in _values(
            lambda ids: DecisionNotice.objects.filter(child_id__in=ids, sent_on__lte=census),
            child_ids,
            "id",
            "child_id",
            "matter",
            "request_id",
        )
    }
    notice_ids = list(notices)
    mediated = {
        x["notice_id"]
        for x in _values(
            lambda ids: Mediation.objects.filter(notice_id__in=ids, held_on__isnull=False, held_on__lte=census),
            notice_ids,
            "notice_id",
        )
    }
    appealed = {
        x["notice_id"]
        for x in _values(
            lambda ids: Appeal.objects.filter(notice_id__in=ids, lodged_on__lte=census), notice_ids, "notice_id"
        )
    }
    latest_plan = {p["child_id"]: p["id"] for p in sorted(plans, key=lambda p: p["first_issued_on"])}
    out = defaultdict(dict)
    for nid, n in notices.items():
        if n["matter"] in ("refuse_assess", "not_issue") and n["request_id"]:
            key, prefix = ("request", n["request_id"]), n["matter"]
        elif n["child_id"] in latest_plan:
            key, prefix = ("plan", latest_plan[n["child_id"]]), "other"
        else:
            continue
        if nid in mediated:
            out[key][f"{prefix}_mediation"] = True
        if nid in appealed:
            out[key][f"{prefix}_tribunal"] = True
    return out
