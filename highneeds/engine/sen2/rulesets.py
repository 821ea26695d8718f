"""Rule sets by collection year: each year inherits the previous year's and lists only what changed.
Code lists change by year in data/codes.json (`from`/`until`), not here."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import (
    Rule,
    rule_active_plan_placement,
    rule_age,
    rule_ceased_reason,
    rule_code_lists,
    rule_dates_in_order,
    rule_duplicate_person,
    rule_formats,
    rule_need_rank,
    rule_person_required,
    rule_placement_rank,
    rule_review_outcome,
    rule_uln,
    rule_upn,
    rule_upn_unknown,
    rule_urn_or_setting,
    rule_week20,
    rule_week20_on_time,
)


@dataclass(frozen=True)
class RuleSet:
    year: int
    parent: RuleSet | None = None
    added: tuple[Rule, ...] = ()
    removed: tuple[str, ...] = field(default=())

    @property
    def rules(self) -> list[Rule]:
        inherited = self.parent.rules if self.parent else []
        by_code = {r.code: r for r in inherited if r.code not in self.removed}
        by_code.update({r.code: r for r in self.added})  # a changed rule replaces its code
        return sorted(by_code.values(), key=lambda r: r.code)


Y2024 = RuleSet(
    2024,
    added=tuple(
        m.RULE
        for m in (
            rule_person_required,
            rule_upn,
            rule_uln,
            rule_upn_unknown,
            rule_age,
            rule_duplicate_person,
            rule_code_lists,
            rule_formats,
            rule_dates_in_order,
            rule_week20,
            rule_week20_on_time,
            rule_placement_rank,
            rule_active_plan_placement,
            rule_need_rank,
            rule_urn_or_setting,
            rule_ceased_reason,
        )
    ),
)
# 2025: ReviewOutcome required when a review meeting is given; SENtype DS and SENsetting OTH (code lists).
Y2025 = RuleSet(2025, parent=Y2024, added=(rule_review_outcome.RULE,))
Y2026 = RuleSet(2026, parent=Y2025)
Y2027 = RuleSet(2027, parent=Y2026)

RULESETS = {rs.year: rs for rs in (Y2024, Y2025, Y2026, Y2027)}


def for_year(year: int) -> RuleSet:
    """The year's rule set; a later year not yet listed uses the latest one."""
    if year in RULESETS:
        return RULESETS[year]
    known = sorted(RULESETS)
    return RULESETS[max(y for y in known if y <= year)] if year >= known[0] else RULESETS[known[0]]
