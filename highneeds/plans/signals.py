"""What other domains may follow in a plan's life, without the plans app importing them: each signal is sent
inside the issuing service's transaction, so a receiver's writes (and audit events) commit or roll back with
the plan. Receivers live in the other domain's `flows.py` (e.g. highneeds/funding/flows.py)."""

from django.dispatch import Signal

# sender=PlanVersion; kwargs: actor, version (the issued final or amended final version), issued_on
plan_issued = Signal()
# sender=Plan; kwargs: actor, plan, ceased_on
plan_ceased = Signal()
