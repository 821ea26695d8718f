"""The form page of one step of a record (a request, a review, a cessation...), driven by a table of steps.

A step names its form, how to build it (`form_kwargs`, `initial`) and how to save it (`save(user, record, data)`,
returning the message to show). Each app keeps its own table and its own rules for when a step is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from .forms import add_errors


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a record's table. `shown(record)` says whether it is open now; casework also lists the
    statuses in which it is `allowed` (others leave it empty and decide in `shown`)."""

    slug: str
    title: str
    form: type
    save: Callable
    shown: Callable = lambda record: True
    allowed: tuple[str, ...] = ()
    form_kwargs: Callable = lambda record: {}
    initial: Callable = lambda record: {}

    def is_open(self, record) -> bool:
        return (not self.allowed or record.status in self.allowed) and bool(self.shown(record))


def open_step(request, steps: dict, slug: str, record, *, back: str, page: Callable, not_open: str):
    """Step `slug` of `steps` for record: a 404 if there is no such step; back to `back` with `not_open` flashed
    when the step is not open now (a stale link, a second tab); else `page(spec)`, the step's form page."""
    spec = steps.get(slug)
    if spec is None:
        raise Http404("step")
    if not spec.is_open(record):
        messages.success(request, not_open)
        return redirect(back)
    return page(spec)


def step_form_page(request, spec, record, *, done: str, template: str, context: dict, prepare=None):
    """Show spec's form for record; on a valid POST save it, flash its message and redirect to `done`. A
    ValidationError from the save is shown on the form. `prepare(data)` may adjust the cleaned data first."""
    form = spec.form(request.POST or None, initial=spec.initial(record), **spec.form_kwargs(record))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if prepare is not None:
            prepare(data)
        try:
            message = spec.save(request.user, record, data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(done)
    return render(
        request, template, {"page_title": spec.title, "form": form, "error_title": bool(form.errors), **context}
    )
