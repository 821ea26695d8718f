"""The bridge between the statutory state machines (highneeds.engine.clock.machines) and the services.

Every service that moves a statutory process on calls `enforce` before it writes: a step out of order
becomes a ValidationError naming the step, shown on the form like any other error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.engine.clock.machines import Machine, StepRefused


def enforce(machine: Machine, state: str | None, step: str, *, to: str | None = None, field: str = "__all__") -> None:
    try:
        machine.check(state or "", step, to)
    except StepRefused as refused:
        raise ValidationError({field: str(refused)}) from None
