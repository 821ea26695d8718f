"""The quality of an EHC plan's wording (the difference between two versions is in plandiff.py).
Pure: no Django.

A plan's sections are plain dicts (see highneeds/plans/sections.py for the structure):
B {"needs": [{"id", "area", "code", "text"}]}, E {"outcomes": [{"id", "text", "by_when", "measure", "needs",
"adulthood"}]}, F {"items": [{"id", "what", "who", "expertise", "frequency", "duration", "group_size", "needs",
"outcomes"}]}, the other sections text fields.

The rules come from the SEND Code of Practice 9.69 (provision "must be detailed and specific and should
normally be quantified"), Worcestershire CC v SE [2020] UKUT 217 (AAC) on vague terms, and R 12(3) / CoP 9.63
(preparation for adulthood from Year 9). See docs/plans.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTION_TITLES = {
    "A": "Section A: views, interests and aspirations",
    "B": "Section B: special educational needs",
    "C": "Section C: health needs",
    "D": "Section D: social care needs",
    "E": "Section E: outcomes",
    "F": "Section F: special educational provision",
    "G": "Section G: health provision",
    "H1": "Section H1: social care provision (Chronically Sick and Disabled Persons Act 1970, section 2)",
    "H2": "Section H2: other social care provision",
    "I": "Section I: placement",
    "J": "Section J: personal budget and direct payments",
    "K": "Section K: advice and information (appendices)",
}
SECTION_ORDER = tuple(SECTION_TITLES)

# Words and phrases that leave provision unenforceable: a finding each time one appears in section F.
HEDGE_PHRASES = (
    "access to",
    "opportunities",
    "opportunity to",
    "regular",
    "regularly",
    "as appropriate",
    "where appropriate",
    "as required",
    "as needed",
    "when needed",
    "where needed",
    "if needed",
    "as and when",
    "up to",
    "where possible",
    "if possible",
    "when possible",
    "might",
    "could",
    "should",
    "ongoing",
    "periodic",
    "periodically",
    "some",
    "various",
    "frequent",
    "frequently",
    "if available",
)
_HEDGE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(HEDGE_PHRASES, key=len, reverse=True)) + r")\b", re.I
)
# "Support" on its own says nothing about what is done: flagged when a field is nothing more than it.
_BARE_SUPPORT = re.compile(
    r"^\s*(some |additional |extra |adult |general )?support\s*(given|provided)?\s*[.!]?\s*$", re.I
)

F_FIELDS = ("what", "who", "expertise", "frequency", "duration", "group_size")
QUANTIFIERS = {
    "who": "who delivers it",
    "frequency": "how often",
    "duration": "for how long",
    "group_size": "group size or ratio",
}

# Each rule's share of the 100-point score.
WEIGHTS = {
    "needs_have_provision": 25,
    "provision_quantified": 25,
    "no_hedge_words": 20,
    "outcomes_linked": 20,
    "adulthood_outcomes": 10,
}
RULE_TITLES = {
    "needs_have_provision": "Every need in section B has provision in section F",
    "provision_quantified": "Every item in section F says who, how often, for how long and in what group size",
    "no_hedge_words": 'Section F has no vague words (such as "access to", "regular", "up to")',
    "outcomes_linked": "Every outcome in section E is linked to a need, has a time frame and says how progress "
    "is measured",
    "adulthood_outcomes": "From Year 9, the plan has preparation-for-adulthood outcomes",
}


def hedges(text: str) -> list[str]:
    """The vague phrases in one piece of text, in order (lower case)."""
    text = text or ""
    found = [m.group(1).lower() for m in _HEDGE.finditer(text)]
    if _BARE_SUPPORT.match(text):
        found.append("support (on its own)")
    return found


@dataclass(frozen=True)
class Finding:
    rule: str
    section: str
    item: str  # the item's id, or "" for the section as a whole
    message: str


@dataclass
class RuleResult:
    rule: str
    title: str
    weight: int
    passed: int
    total: int

    @property
    def score(self) -> float:
        return self.weight if self.total == 0 else self.weight * self.passed / self.total

    @property
    def ok(self) -> bool:
        return self.passed == self.total


@dataclass
class Report:
    rules: list[RuleResult]
    findings: list[Finding] = field(default_factory=list)

    @property
    def score(self) -> int:
        return int(sum(r.score for r in self.rules))  # floor: a score of 100 means every rule passed

    @property
    def max_score(self) -> int:
        return sum(WEIGHTS.values())

    def findings_for(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "rules": [
                {
                    "rule": r.rule,
                    "title": r.title,
                    "passed": r.passed,
                    "total": r.total,
                    "score": round(r.score, 1),
                    "weight": r.weight,
                }
                for r in self.rules
            ],
            "findings": [f.__dict__ for f in self.findings],
        }


def _items(sections: dict, section: str, key: str) -> list[dict]:
    value = (sections.get(section) or {}).get(key) or []
    return [i for i in value if isinstance(i, dict)]


def _label(item: dict, n: int, noun: str) -> str:
    text = " ".join(str(item.get("what") or item.get("text") or "").split())
    return f"{noun} {n}" + (f' ("{text[:60]}{"…" if len(text) > 60 else ""}")' if text else "")


def check(sections: dict, ncy: int | None = None) -> Report:
    """Run every rule over a plan's sections. `ncy` is the child's National Curriculum year (None: unknown,
    the adulthood rule then does not apply)."""
    needs = _items(sections, "B", "needs")
    outcomes = _items(sections, "E", "outcomes")
    provision = _items(sections, "F", "items")
    findings: list[Finding] = []
    rules: list[RuleResult] = []

    # 1. every B need has F provision linked to it
    provided = {n for item in provision for n in (item.get("needs") or [])}
    passed = 0
    for i, need in enumerate(needs, 1):
        if need.get("id") in provided:
            passed += 1
        else:
            findings.append(
                Finding(
                    "needs_have_provision",
                    "B",
                    need.get("id", ""),
                    f"{_label(need, i, 'Need')} has no provision in section F linked to it",
                )
            )
    rules.append(
        RuleResult(
            "needs_have_provision",
            RULE_TITLES["needs_have_provision"],
            WEIGHTS["needs_have_provision"],
            passed,
            len(needs),
        )
    )

    # 2. every F item quantified (a quantity that is itself hedged, "up to 3 hours", does not count)
    passed = 0
    for i, item in enumerate(provision, 1):
        missing = [
            label
            for key, label in QUANTIFIERS.items()
            if not str(item.get(key) or "").strip() or hedges(str(item.get(key)))
        ]
        if missing:
            findings.append(
                Finding(
                    "provision_quantified",
                    "F",
                    item.get("id", ""),
                    f"{_label(item, i, 'Provision')} does not say {', '.join(missing)} in definite terms",
                )
            )
        else:
            passed += 1
    rules.append(
        RuleResult(
            "provision_quantified",
            RULE_TITLES["provision_quantified"],
            WEIGHTS["provision_quantified"],
            passed,
            len(provision),
        )
    )

    # 3. hedge words anywhere in an F item
    passed = 0
    for i, item in enumerate(provision, 1):
        found = [(key, word) for key in F_FIELDS for word in hedges(str(item.get(key) or ""))]
        if found:
            words = ", ".join(f'"{w}"' for w in dict.fromkeys(w for _, w in found))
            findings.append(
                Finding(
                    "no_hedge_words",
                    "F",
                    item.get("id", ""),
                    f"{_label(item, i, 'Provision')} uses vague wording: {words}",
                )
            )
        else:
            passed += 1
    rules.append(
        RuleResult("no_hedge_words", RULE_TITLES["no_hedge_words"], WEIGHTS["no_hedge_words"], passed, len(provision))
    )

    # 4. outcomes linked to needs, with a time frame and a measure
    need_ids = {n.get("id") for n in needs}
    passed = 0
    for i, outcome in enumerate(outcomes, 1):
        problems = []
        if not set(outcome.get("needs") or []) & need_ids:
            problems.append("is not linked to a need in section B")
        if not str(outcome.get("by_when") or "").strip():
            problems.append("has no time frame")
        if not str(outcome.get("measure") or "").strip():
            problems.append("does not say how progress is measured")
        if problems:
            findings.append(
                Finding(
                    "outcomes_linked",
                    "E",
                    outcome.get("id", ""),
                    f"{_label(outcome, i, 'Outcome')} {' and '.join(problems)}",
                )
            )
        else:
            passed += 1
    rules.append(
        RuleResult("outcomes_linked", RULE_TITLES["outcomes_linked"], WEIGHTS["outcomes_linked"], passed, len(outcomes))
    )

    # 5. Year 9 and above: at least one preparation-for-adulthood outcome
    applies = ncy is not None and ncy >= 9
    has_pfa = any(str(o.get("adulthood") or "").strip() for o in outcomes)
    if applies and not has_pfa:
        findings.append(
            Finding(
                "adulthood_outcomes",
                "E",
                "",
                f"The child is in Year {ncy}: add at least one preparation-for-adulthood outcome "
                f"(employment, independent living, community participation or health)",
            )
        )
    rules.append(
        RuleResult(
            "adulthood_outcomes",
            RULE_TITLES["adulthood_outcomes"],
            WEIGHTS["adulthood_outcomes"],
            int(has_pfa) if applies else 0,
            1 if applies else 0,
        )
    )

    # A plan with no needs or no provision at all is not a plan: say so, and score those rules nil.
    for rule, section, what in (("needs_have_provision", "B", "needs"), ("provision_quantified", "F", "provision")):
        result = next(r for r in rules if r.rule == rule)
        if result.total == 0:
            result.total = 1
            findings.append(Finding(rule, section, "", f"Section {section} has no {what} yet"))
    return Report(rules=rules, findings=findings)


# The rules a plan must pass before it is issued (the rest of the score is advice): a need described in B,
# provision in F that is specific and quantified, and a named setting or type in I.
ISSUE_RULES = ("provision_quantified", "no_hedge_words")


def issue_blockers(sections: dict) -> list[Finding]:
    """Why these sections cannot be issued as a final plan: [] when they can."""
    blockers = []
    if not any(str(n.get("text") or "").strip() for n in _items(sections, "B", "needs")):
        blockers.append(
            Finding("needs_present", "B", "", "Section B must describe at least one special educational need")
        )
    blockers += [f for f in check(sections).findings if f.rule in ISSUE_RULES]
    if not any(str(v or "").strip() for v in (sections.get("I") or {}).values()):
        blockers.append(
            Finding("placement_named", "I", "", "Section I must name the school or college, or the type of setting")
        )
    return blockers
