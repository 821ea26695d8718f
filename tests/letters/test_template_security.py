"""Finding 1: letter templates reached the database. The exploits from the finding, then the limits that keep
a template to its own plain fields (misspelt fields, runaway loops, huge output), then properties of the sandbox."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from highneeds.accounts.models import User
from highneeds.audit.models import AuditEvent
from highneeds.casework.services import submit_request
from highneeds.letters import rendering
from highneeds.letters.models import Letter, LetterTemplate
from highneeds.letters.services import save_template

WALK_TO_OTHER_CHILDREN = (
    "{% for p in child.placements.model.objects.all() %}{{ p.child.full_name }} "
    "{{ p.child.nhs_number }} {{ p.child.upn }}{% endfor %}"
)
RAW_UPDATE = "{{ child.placements.model.objects.raw(\"UPDATE accounts_user SET role = 'admin'\")|list }}"
PASSWORD_HASH = "{{ request.caseworker.password }}"


@pytest.fixture
def victim(make_child, make_establishment):
    """Another child, with identifiers a template must never reach, on roll at a school."""
    return make_child(
        first_name="Victim",
        last_name="Otherfamily",
        nhs_number="9434765919",
        upn="A123456789012",
        establishment=make_establishment(),
    )


def _plant(code: str, subject: str, body: str) -> None:
    """Store a template directly, as if it had been saved before these checks existed."""
    LetterTemplate.objects.update_or_create(code=code, defaults={"name": code, "subject": subject, "body": body})


@pytest.mark.parametrize("exploit", [WALK_TO_OTHER_CHILDREN, RAW_UPDATE, PASSWORD_HASH])
def test_saving_an_exploit_is_refused_naming_the_line(exploit, make_user):
    manager = make_user("manager")
    with pytest.raises(ValidationError) as refused:
        save_template(
            actor=manager,
            code="request_acknowledgement",
            subject="Hello",
            body=f"Dear {{{{ recipient }}}},\n\n{exploit}",
        )
    assert "line 3" in refused.value.message_dict["body"][0]
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize("exploit", [WALK_TO_OTHER_CHILDREN, RAW_UPDATE, PASSWORD_HASH])
def test_a_planted_exploit_reaches_nothing_when_a_letter_is_sent(exploit, victim, make_child, make_user):
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    target = make_user("caseworker")
    _plant("request_acknowledgement", "Hello", exploit)
    request = submit_request(
        actor=worker, child=make_child(), received_on=date(2024, 3, 1), source="1", caseworker=worker
    )
    assert User.objects.get(pk=target.pk).role == "caseworker"  # objects.raw("UPDATE ...") did not run
    assert not Letter.objects.filter(body__contains="9434765919").exists()
    assert not Letter.objects.filter(body__contains="Victim").exists()
    assert not Letter.objects.filter(body__contains="argon2").exists()
    # The step still happens: the letter goes out in the text as supplied, audited, and the page says so.
    letter = Letter.objects.get(request=request)
    assert letter.body.startswith("Dear ") and request.reference in letter.body
    assert AuditEvent.objects.filter(action="letter.template.fallback", child_id=request.child_id).exists()
    assert "line 1" in rendering.broken("request_acknowledgement")


def test_an_administrator_cannot_exfiltrate_through_the_subject(victim, make_user, make_child):
    admin = make_user("admin")
    subject = "{{ child.placements.model.objects.all()|join(',') }}"
    with pytest.raises(ValidationError) as refused:
        save_template(actor=admin, code="request_acknowledgement", subject=subject, body="Dear {{ recipient }}")
    assert "subject" in refused.value.message_dict
    _plant("request_acknowledgement", subject, "Dear {{ recipient }}")
    request = submit_request(actor=make_user("manager"), child=make_child(), received_on=date(2024, 3, 1), source="1")
    assert not Letter.objects.filter(subject__contains="Victim").exists()
    assert Letter.objects.get(request=request).subject.startswith("We have received a request")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{{ recipient }}\n\n{{ chlid.name }}", "line 3: 'chlid' is undefined"),
        ("{{ child.full_nam }}", "line 1"),
        ("{{ ''.__class__.__mro__ }}", "line 1"),
        ("{{ child.full_name.upper() }}", "cannot call"),
        ("{{ child.items() }}", "cannot call"),
        ("{{ child.date_of_birth.year }}", "no attribute 'year'"),
        ("{% set x = 1 %}", "'assign' is not allowed"),
        ("a\n{% macro m() %}{% endmacro %}", "line 2: 'macro' is not allowed"),
        ("{% include 'base.html' %}", "not allowed"),
        ("{{ 'x' * 1000000 }}", "longer than a letter"),
        ("{{ 'x' * 99999 + 'x' * 99999 }}", "longer than a letter"),
        ("{% for n in [1, 2] %}{{ loop.cycle('a', 'b') }}{% endfor %}", "cannot call"),
        ("{{ '%999999999d' % 1 }}", "not allowed"),
        ("{{ 9 ** 99999999 }}", "too large"),
        ("{{ child.full_name|center(1000000) }}", "No filter named 'center'"),
        ("{{ child.full_name|truncate(99999999) }}", "too large"),
        (
            "a\n{% for i in range(100000) %}\nxxxxxxxxxx{% endfor %}",
            "line 2: it makes more than 100,000 characters",
        ),  # the loop
        ("{{ recipient }\n", "line 1"),
    ],
)
def test_template_limits_name_the_problem(text, expected):
    with pytest.raises(ValidationError) as refused:
        rendering.trial_fill("request_acknowledgement", "Subject", text)
    assert expected in refused.value.message_dict["body"][0]


def test_a_runaway_loop_is_stopped_in_bounded_time():
    started = time.monotonic()
    with pytest.raises(ValidationError, match="line 2: it took longer than 1 second"):
        rendering.trial_fill(
            "request_acknowledgement",
            "Subject",
            "Dear {{ recipient }}\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        )
    assert time.monotonic() - started < 5


def test_the_context_must_be_exactly_the_documented_plain_fields(make_child):
    good = rendering.sample_context("request_withdrawn")
    rendering.check_context("request_withdrawn", good)
    with pytest.raises(TypeError, match="Child, not plain data"):
        rendering.check_context("request_withdrawn", {**good, "reason": make_child()})
    with pytest.raises(TypeError, match="not permitted: \\['extra'\\]"):
        rendering.check_context("request_withdrawn", {**good, "extra": "x"})
    with pytest.raises(TypeError, match="must be a dict"):
        rendering.check_context("request_withdrawn", {**good, "child": make_child()})
    with pytest.raises(TypeError, match="not plain data"):
        rendering.check_context("request_withdrawn", {**good, "reason": len})


def test_a_sent_letter_is_kept_as_sent_when_the_template_changes(make_child, make_user, client):
    manager = make_user("manager")
    child = make_child(first_name="Kit")
    request = submit_request(actor=manager, child=child, received_on=date(2024, 3, 1), source="1")
    letter = Letter.objects.get(request=request)
    before = (letter.subject, letter.body)
    save_template(
        actor=manager, code="request_acknowledgement", subject="Changed {{ child.first_name }}", body="Changed"
    )
    letter.refresh_from_db()
    assert (letter.subject, letter.body) == before
    client.force_login(manager)
    page = client.get(f"/cases/{request.pk}/letters/{letter.pk}/").content.decode()
    assert "Changed" not in page


# ---------------------------------------------------------------------------------------------
# Properties of the sandbox

plain_leaves = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.dates())
plain_data = st.recursive(
    plain_leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
names = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True)


@hsettings(max_examples=60, deadline=None)
@given(value=plain_data)
def test_plain_data_is_accepted_and_fills_in(value):
    assert rendering.is_plain(value)
    assert isinstance(rendering.fill("{{ value }}", {"value": value}), str)


@hsettings(max_examples=60, deadline=None)
@given(value=plain_data, bad=st.sampled_from([object(), len, str.upper, type, (lambda: 1), b"bytes", {1, 2}]))
def test_anything_else_anywhere_in_the_data_is_refused(value, bad):
    assert not rendering.is_plain({"a": [value, bad]})
    assert not rendering.is_plain([{"deep": {"er": bad}}])


@hsettings(max_examples=80, deadline=None)
@given(value=st.one_of(st.text(max_size=5), st.integers(), st.dates(), st.lists(st.integers(), max_size=3)), name=names)
def test_no_python_attribute_of_a_plain_value_is_reachable(value, name):
    """Dotted names read dict keys only: whatever the name, a string's, number's, date's or list's own
    attributes and methods are undefined (so refused), never returned."""
    with pytest.raises(Exception) as refused:
        rendering.fill(f"{{{{ value.{name} }}}}", {"value": value})
    assert "undefined" in str(refused.value) or "no attribute" in str(refused.value)


def test_loop_variables_work_and_nothing_else_of_the_loop_is_reachable():
    text = "{% for n in ['a', 'b', 'c'] %}{{ loop.index }}{{ n }}{{ ',' if not loop.last }}{% endfor %}"
    assert rendering.fill(text, {}) == "1a,2b,3c"
    with pytest.raises(Exception, match="no attribute '_iterator'"):
        rendering.fill("{% for n in [1] %}{{ loop._iterator }}{% endfor %}", {})


def test_large_numbers_in_the_data_are_fine_only_filter_arguments_are_capped():
    assert (
        rendering.fill("{{ n|round|int }} {{ [n, 5]|max }} {{ t|truncate(20) }}", {"n": 25000.4, "t": "x" * 50})
        == "25000 25000.4 xxxxxxxxxxxxxxxxx..."
    )
