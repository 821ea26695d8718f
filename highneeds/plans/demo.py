"""Demo plans: an issued plan document for every child of the synthetic council who has a plan (EHC SEN status
or a `final_plan_issued` case event), written from the child's recorded needs; one in twenty with an amended
version so the difference page has something to show. Bulk-created and idempotent (children who already
have a Plan are skipped)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from highneeds.audit import log
from highneeds.casework.models import CaseEvent
from highneeds.engine import codes as engine_codes
from highneeds.engine import schoolyear
from highneeds.people.models import Child, ChildNeed, Placement

from . import sections as S
from .demo_wording import ASPIRATIONS, INTERESTS, VIEWS, WORDING
from .models import Plan, PlanVersion

BATCH = 1000


def _sections(rng: random.Random, name: str, codes: list[str], ncy: int, setting: tuple[str, str] | None) -> dict:
    sections = S.blank()
    sections["A"].update(
        views=rng.choice(VIEWS).format(name=name),
        interests=rng.choice(INTERESTS),
        aspirations=rng.choice(ASPIRATIONS),
        written_by=f"{name}'s family",
        written_by_role="Parent or carer",
    )
    for i, code in enumerate(codes or ["MLD"], 1):
        need_text, outcome, provision = WORDING.get(code, WORDING["MLD"])
        need_id, outcome_id = f"b{i}", f"e{i}"
        sections["B"]["needs"].append(
            {
                "id": need_id,
                "area": S.AREA_OF_CODE.get(code, "cognition_learning"),
                "code": code if code in S.PLAN_NEED_CODES else "",
                "text": need_text.format(name=name),
            }
        )
        sections["E"]["outcomes"].append(
            {
                "id": outcome_id,
                "text": outcome.format(name=name),
                "by_when": "By the end of the school year",
                "measure": "Assessed each term by the class teacher and reviewed at the annual review",
                "needs": [need_id],
                "adulthood": "",
            }
        )
        for j, (what, who, expertise, frequency, duration, group) in enumerate(provision, 1):
            sections["F"]["items"].append(
                {
                    "id": f"f{i}{j}",
                    "what": what,
                    "who": who,
                    "expertise": expertise,
                    "frequency": frequency,
                    "duration": duration,
                    "group_size": group,
                    "needs": [need_id],
                    "outcomes": [outcome_id],
                }
            )
    if ncy >= 9:
        sections["E"]["outcomes"].append(
            {
                "id": "e_pfa",
                "text": f"{name} will travel to college independently on a familiar route",
                "by_when": "By the end of Year 11",
                "measure": "Travel training record",
                "needs": ["b1"],
                "adulthood": "independent_living",
            }
        )
    if rng.random() < 0.3:
        sections["C"]["text"] = f"{name} has asthma and uses an inhaler, kept in the classroom."
    if setting:
        sections["I"] = {"name": setting[0], "type": setting[1]}
    else:
        sections["I"] = {"name": "", "type": "Mainstream school"}
    return sections


def _amend(sections: dict) -> dict:
    import copy

    amended = copy.deepcopy(sections)
    first = amended["F"]["items"][0]
    first["frequency"] = "Twice a week" if first["frequency"] != "Twice a week" else "Three times a week"
    amended["F"]["items"].append(
        {
            "id": "f_new",
            "what": "Lunchtime social club",
            "who": "Learning mentor",
            "expertise": "Trained in social skills programmes",
            "frequency": "Twice a week",
            "duration": "30 minutes",
            "group_size": "Group of 6",
            "needs": ["b1"],
            "outcomes": ["e1"],
        }
    )
    amended["E"]["outcomes"][0]["by_when"] = "By the end of the next school year"
    return amended


def prepare(actor, progress=None) -> dict[str, int]:
    today = date.today()
    issued = defaultdict(list)
    ceased = {}
    for child_id, kind, on, detail in CaseEvent.objects.filter(
        event_type__in=("final_plan_issued", "plan_ceased")
    ).values_list("child_id", "event_type", "occurred_on", "detail"):
        if kind == "final_plan_issued":
            issued[child_id].append(on)
        else:
            ceased[child_id] = (on, (detail or {}).get("reason", "9") if isinstance(detail, dict) else "9")
    with_plans = set(Plan.objects.values_list("child_id", flat=True))
    ehc = set(Child.objects.filter(sen_status="E").values_list("pk", flat=True))
    wanted = sorted((ehc | set(issued)) - with_plans)
    counts = {"plans": 0, "plan_versions": 0}
    for start in range(0, len(wanted), BATCH):
        ids = wanted[start : start + BATCH]
        children = {
            c.pk: c
            for c in Child.objects.filter(pk__in=ids).only(
                "pk", "first_name", "preferred_name", "date_of_birth", "ncy_override", "sen_status"
            )
        }
        needs = defaultdict(list)
        for child_id, code in (
            ChildNeed.objects.filter(child_id__in=ids).order_by("rank").values_list("child_id", "code")
        ):
            needs[child_id].append(code)
        settings_ = {}
        for child_id, est_id, name, est_type in (
            Placement.objects.filter(child_id__in=ids, end_date__isnull=True)
            .order_by("child_id", "-start_date")
            .values_list("child_id", "establishment_id", "establishment__name", "establishment__establishment_type")
        ):
            settings_.setdefault(child_id, (est_id, name, est_type))
        plans, drafts = [], []
        for index, child_id in enumerate(ids, start):
            child = children[child_id]
            rng = random.Random(child_id)
            first = min(issued[child_id]) if issued[child_id] else today - timedelta(days=rng.randint(60, 900))
            stop = ceased.get(child_id) if child.sen_status != "E" else None
            plan = Plan(
                child_id=child_id,
                status="ceased" if stop else "final",
                first_issued_on=first,
                ceased_on=stop[0] if stop else None,
                cease_reason=str(stop[1])[:2] if stop else "",
            )
            setting = settings_.get(child_id)
            label = (setting[1], engine_codes.ESTABLISHMENT_TYPES.get(setting[2], setting[2])) if setting else None
            sections = _sections(
                rng,
                child.preferred_name or child.first_name,
                needs[child_id],
                schoolyear.national_curriculum_year(child.date_of_birth, today),
                label,
            )
            plans.append(plan)
            drafts.append(
                (
                    plan,
                    sections,
                    setting[0] if setting else None,
                    first,
                    index % 20 == 0 and not stop,
                    sorted(issued[child_id]),
                )
            )
        Plan.objects.bulk_create(plans, batch_size=500)
        versions = []
        for plan, sections, est_id, first, amended, dates in drafts:
            versions.append(
                PlanVersion(
                    plan=plan,
                    number=1,
                    kind="final",
                    sections=sections,
                    state="superseded" if amended else "issued",
                    source="assessment",
                    issued_on=first,
                    establishment_id=est_id,
                )
            )
            if amended:
                later = dates[-1] if len(dates) > 1 else min(today, first + timedelta(days=380))
                versions.append(
                    PlanVersion(
                        plan=plan,
                        number=2,
                        kind="amended_final",
                        sections=_amend(sections),
                        state="issued",
                        source="annual_review",
                        issued_on=max(later, first),
                        establishment_id=est_id,
                    )
                )
        PlanVersion.objects.bulk_create(versions, batch_size=500)
        log.record_many(
            actor=actor,
            entries=[log.Entry(action="plan.demo.create", after={"plans": len(plans), "versions": len(versions)})],
        )
        counts["plans"] += len(plans)
        counts["plan_versions"] += len(versions)
        if progress:
            progress(counts["plans"])
    return counts
