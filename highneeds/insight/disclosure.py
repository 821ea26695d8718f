"""Disclosure control as each reader gets it: the one entry point for aggregate pages, exports and API answers.

Caseworkers and managers, who may open every child's record, see exact figures (`insight.exact_figures`).
Everyone else reaching a count (strategic leads and the lead member, finance, schools, families, panel members)
gets the engine's protection with the council's threshold and rounding, and fixed reporting periods.
"""

from __future__ import annotations

from datetime import date

from highneeds.council.models import CouncilSettings
from highneeds.engine import disclosure, timeliness
from highneeds.engine.disclosure import Policy, Protected

EXACT = Policy(threshold=1, rounding=1)
HIDDEN_TEXT = "Not shown"


def policy_for(user) -> Policy:
    if user is not None and user.has_perm("insight.exact_figures"):
        return EXACT
    current = CouncilSettings.current()
    return Policy(threshold=current.disclosure_threshold, rounding=current.disclosure_rounding)


def is_exact(policy: Policy) -> bool:
    return policy == EXACT


def protect(user_or_policy, cells: list[list[int]]) -> Protected:
    policy = user_or_policy if isinstance(user_or_policy, Policy) else policy_for(user_or_policy)
    return disclosure.protect(cells, policy)


def protect_list(policy: Policy, counts: list[int]) -> tuple[list[int | None], int | None]:
    return disclosure.protect_list(counts, policy)


def modelled(policy: Policy, value: float) -> float | int | None:
    """A modelled count (a forecast's middle projection): exact readers get it as it is; others get it to a whole
    number, hidden when small and rounded, since a first-year projection by need or setting is close to the
    children counted in casework."""
    if is_exact(policy):
        return value
    n = round(value)
    return None if policy.small(n) else policy.round(n)


def shown(value: int | None) -> str:
    """A protected count as text."""
    return HIDDEN_TEXT if value is None else f"{value:,}"


def percent_text(part: int, whole: int, policy: Policy, *, empty: str = "No cases", places: int = 1) -> str:
    """A percentage as text; exact readers get `places` decimal places (1: DfE style, halves up)."""
    if not whole:
        return empty
    if is_exact(policy):
        return f"{timeliness.percent(part, whole):.1f}%" if places == 1 else f"{round(100 * part / whole)}%"
    value = disclosure.percent(part, whole, policy)
    return HIDDEN_TEXT if value is None else f"{value:.0f}%"


def period_for(policy: Policy, first: date, last: date) -> tuple[date, date]:
    """The period a reader may see: as asked for exact readers, whole calendar quarters for the rest."""
    return (first, last) if is_exact(policy) else disclosure.reporting_period(first, last)


def note(policy: Policy) -> str:
    """One sentence saying how the figures were protected (empty for exact readers)."""
    if is_exact(policy):
        return ""
    rounding = f", and other counts are rounded to the nearest {policy.rounding}" if policy.rounding > 1 else ""
    return (
        f"To protect children's privacy, counts from 1 to {policy.threshold - 1} are not shown (nor any count "
        f"from which one could be worked out){rounding}."
    )
