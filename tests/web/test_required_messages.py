"""One wording for a required field (issue 11): every form of the project says "Enter ..." or "Select ...",
GOV.UK's wording, and gets it from one place (web.forms.GovukRequired), not from Django's "This field is
required."."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

import highneeds
from highneeds.web.forms import DJANGO_REQUIRED, REQUIRED_WORDING, GovukDateField, GovukRequired, required_message

SKIP = ("highneeds.engine", "highneeds.demo.synthetic", "highneeds.cli", "highneeds.__main__", "highneeds.wsgi")


def _project_forms() -> list[type]:
    for info in pkgutil.walk_packages(highneeds.__path__, "highneeds."):
        if not info.name.startswith(SKIP) and ".migrations" not in info.name:
            importlib.import_module(info.name)
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("highneeds.") and cls not in found and "Govuk" not in cls.__name__:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _project_forms()


# Constructor arguments the project's forms ask for, empty; a form that needs a real object is built bare below.
ARGUMENTS = {"members": [], "establishments": [], "children": [], "choices": [], "kind": "assess", "user": None}


def _empty(cls):
    """The form bound to an empty submission; where its constructor needs real objects, a bare form with only
    its declared fields (which is what the wording is about)."""
    needed = [
        name
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    ]
    try:
        return cls(data={}, **{name: ARGUMENTS[name] for name in needed}), True
    except (KeyError, TypeError, AttributeError):
        form = cls.__new__(cls)
        forms.BaseForm.__init__(form, data={})
        return form, False


def test_the_walk_finds_the_forms():
    names = {c.__name__ for c in FORMS}
    assert {"RequestForm", "DecisionForm", "ChildForm", "SignInForm"} <= names and len(FORMS) > 80


@pytest.mark.parametrize("cls", FORMS, ids=[f"{c.__module__}.{c.__qualname__}" for c in FORMS])
def test_every_form_uses_the_one_wording(cls, db, make_user):
    assert issubclass(cls, GovukRequired), f"{cls.__qualname__} must derive from web.forms.GovukForm"
    ARGUMENTS["user"] = make_user("manager")
    form, built = _empty(cls)
    if built:
        form.is_valid()  # the wording is applied as the form is cleaned
    else:
        form.use_required_wording()
    for name, field in form.fields.items():
        if field.required and not isinstance(field, forms.MultiValueField):
            message = str(field.error_messages["required"])
            assert message != DJANGO_REQUIRED and REQUIRED_WORDING.match(message), (name, message)
            if built and name in form.errors and not isinstance(field, GovukDateField):
                assert form.errors[name][0] == message, (name, form.errors[name])


@pytest.mark.parametrize(
    "field,message",
    [
        (forms.CharField(label="Reasons"), "Enter the reasons"),
        (GovukDateField(label="Date of the decision"), "Enter the date of the decision"),
        (forms.ChoiceField(label="Kind of advice", choices=[("a", "A")]), "Select the kind of advice"),
        (forms.IntegerField(label="URN of the school or college"), "Enter the URN of the school or college"),
        (forms.CharField(label="Their email address (optional)"), "Enter their email address"),
        (forms.ChoiceField(label="Is this the child?", choices=[("yes", "Yes"), ("no", "No")]), "Select yes or no"),
        (forms.ChoiceField(label="Who can see it?", choices=[("a", "A")]), "Select who can see it"),
        (forms.FileField(label="Photo or short video"), "Select the photo or short video"),
        (forms.BooleanField(label="I confirm"), "Select the box: I confirm"),
    ],
)
def test_the_wording_from_a_label(field, message):
    assert required_message(field) == message


@given(st.text(max_size=80), st.sampled_from([forms.CharField, forms.ChoiceField, forms.BooleanField]))
def test_any_label_gets_the_wording(label, kind):
    assert REQUIRED_WORDING.match(required_message(kind(label=label)))


def test_an_empty_submission_shows_the_wording_beside_the_field(client, make_user):
    worker = make_user("caseworker")
    client.post("/sign-in/", {"username": worker.username, "password": "correct horse battery staple"})
    page = client.post("/cases/new/?child=0", {}).status_code
    assert page in (403, 404)
    body = client.get("/cases/new/", {"q": ""}).content.decode()
    assert "This field is required" not in body and "Enter the child or young person" in body
