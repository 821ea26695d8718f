"""Filling in letter templates. Staff edit them, so a template is treated as hostile:

- it sees only the plain dictionary its sending service built (`letters.fields` lists each one), and
  `check_context` refuses anything else (a model, queryset, manager or callable) before rendering;
- dotted names read dictionary keys only, never Python attributes, and nothing can be called except
  `range`, so even plain values (a string's methods, a date's) cannot be walked;
- only `{{ ... }}`, `{% if %}` and `{% for %}` are allowed (no macros, set, with, include);
- a render is bounded in time and output, and filters that could build huge text are capped;
- errors name the line, and misspelt fields are errors (StrictUndefined), found when the template
  is saved because saving test-fills it with sample data.
"""

from __future__ import annotations

import functools
import sys
import time
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from .defaults import DEFAULT_TEMPLATES
from .fields import FIELDS, sample
from .models import LetterTemplate

MAX_OUTPUT = 100_000  # characters in a subject or body
MAX_SECONDS = 1.0  # to fill in one subject or body
MAX_FILTER_NUMBER = 1_000  # a number given to a filter (truncate(300), wordwrap(79), round(2))
PLAIN = (str, int, float, Decimal, bool, date, datetime, type(None))  # datetime is a date; listed for clarity
ALLOWED_STATEMENTS = (nodes.Output, nodes.If, nodes.For)
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0", "previtem", "nextitem"}
)
SAFE_FILTERS = (
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "max",
    "min",
    "replace",
    "reverse",
    "round",
    "sort",
    "string",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
    "wordwrap",
)


class LetterError(TemplateError):
    """A template broke one of the limits above."""


def _capped(name: str, func):
    """The filter with its arguments (not the value filtered: `{{ 25000|round }}` is fine) and result capped."""
    first_argument = 2 if getattr(func, "jinja_pass_arg", None) else 1  # after the environment or context

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for value in (*args[first_argument:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_FILTER_NUMBER:
                raise LetterError(f"the number given to '{name}' is too large (at most {MAX_FILTER_NUMBER})")
        result = func(*args, **kwargs)
        if isinstance(result, (str, list)) and len(result) > MAX_OUTPUT:
            raise LetterError(f"'{name}' made text longer than a letter may be")
        return result

    return wrapper


def govuk_date(value) -> str:
    return value.strftime("%-d %B %Y") if isinstance(value, date) else ""


class LetterEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def getattr(self, obj, attribute):
        """`child.full_name` reads the key of a plain dict; Python attributes are never reachable."""
        if isinstance(obj, Undefined):  # `chlid.name`: report the misspelt `chlid`, not `name`
            return obj
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:  # {{ loop.index }}, {% if loop.last %}
            return getattr(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, Undefined):
            return obj
        if isinstance(obj, dict) and isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, (list, tuple, str)) and isinstance(argument, (int, slice)):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        if __obj is not __self.globals.get("range"):
            raise SecurityError("letters cannot call functions or methods; use the fields listed")
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' formatting is not allowed in letters")
        if operator == "**" and (not isinstance(right, (int, float)) or abs(right) > 64):
            raise LetterError("the power is too large")
        if (
            operator == "+"
            and isinstance(left, (str, list, tuple))
            and isinstance(right, (str, list, tuple))
            and len(left) + len(right) > MAX_OUTPUT
        ):
            raise LetterError("that makes text longer than a letter may be")
        if operator == "*":
            sequence, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if (
                isinstance(sequence, (str, list, tuple))
                and isinstance(times, int)
                and len(sequence) * times > MAX_OUTPUT
            ):
                raise LetterError("that repetition makes text longer than a letter may be")
        return super().call_binop(context, operator, left, right)


ENV = LetterEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
ENV.filters = {name: _capped(name, ENV.filters[name]) for name in SAFE_FILTERS}
ENV.filters["govuk_date"] = govuk_date
ENV.globals = {"range": ENV.globals["range"]}


# ---------------------------------------------------------------------------------------------
# Plain data


def check_context(code: str, context: dict) -> None:
    """Refuse a context that is not exactly the template's documented fields, each plain data.
    A programming error (the sending service is wrong), so it raises TypeError, not a form error."""
    if code not in FIELDS:
        raise TypeError(f"letter '{code}' has no documented fields in letters.fields")
    _check_group(code, FIELDS[code], context, "")


def _check_group(code: str, spec: dict, context, path: str) -> None:
    if not isinstance(context, dict):
        raise TypeError(f"letter '{code}': '{path.rstrip('.')}' must be a dict of fields, not {type(context).__name__}")
    if context.keys() != spec.keys():
        extra, missing = sorted(context.keys() - spec.keys()), sorted(spec.keys() - context.keys())
        raise TypeError(
            f"letter '{code}': fields under '{path or 'the top'}' do not match letters.fields "
            f"(not permitted: {extra}; missing: {missing})"
        )
    for name, value in context.items():
        if value is None:
            continue
        if isinstance(spec[name], tuple):
            _check_plain(code, value, f"{path}{name}")
        else:
            _check_group(code, spec[name], value, f"{path}{name}.")


def _check_plain(code: str, value, path: str) -> None:
    if type(value) in (list, tuple):
        for i, item in enumerate(value):
            _check_plain(code, item, f"{path}[{i}]")
    elif type(value) is dict:
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"letter '{code}': '{path}' has a key that is not a string")
            _check_plain(code, item, f"{path}.{key}")
    elif type(value) not in PLAIN:  # exact types: a str or dict subclass could carry methods
        raise TypeError(f"letter '{code}': '{path}' is a {type(value).__name__}, not plain data")


def is_plain(value) -> bool:
    try:
        _check_plain("", value, "value")
    except TypeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Checking and filling templates


def _line_of(exc: BaseException) -> int | None:
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    line = _line_of(exc)
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, RecursionError):
        message = "it goes too deep"
    return f"line {line}: {message}" if line else message


@functools.lru_cache(maxsize=256)
def compile_template(text: str):
    """Parse, refuse statements other than if and for, and compile (cached by text: compiling is most of the
    cost of a letter, and a compiled template holds no data)."""
    ast = ENV.parse(text)
    for node in ast.iter_child_nodes():
        _allowed(node)
    return ENV.from_string(ast)


def _allowed(node) -> None:
    if isinstance(node, nodes.Stmt) and not isinstance(node, ALLOWED_STATEMENTS):
        kind = type(node).__name__.lower()
        raise LetterError(f"line {node.lineno}: '{kind}' is not allowed in letters (use only if and for)")
    for child in node.iter_child_nodes():
        _allowed(child)


def _tracer(deadline: float, position: list[int]):
    """Stops a template that runs too long, checked on every line the template executes (loops included),
    and keeps the (compiled) line it is on in `position`."""

    def local(frame, event, arg):
        position[0] = frame.f_lineno
        if time.monotonic() > deadline:
            raise LetterError(
                f"it took longer than {MAX_SECONDS:g} second{'' if MAX_SECONDS == 1 else 's'} "
                "to fill in (a loop that runs away?)"
            )
        return local

    def on_call(frame, event, arg):
        return local if frame.f_code.co_filename == "<template>" else None

    return on_call


def fill(text: str, context: dict) -> str:
    """Fill in one subject or body. Raises TemplateError (with the line) or LetterError."""
    template = compile_template(text)
    previous = sys.gettrace()
    deadline = time.monotonic() + MAX_SECONDS
    chunks, size, position = [], 0, [0]
    sys.settrace(_tracer(deadline, position))
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                line = template.get_corresponding_lineno(position[0])
                raise LetterError(f"line {line}: it makes more than {MAX_OUTPUT:,} characters")
            chunks.append(chunk)
    except RecursionError as exc:
        raise LetterError(_describe(exc)) from None
    finally:
        sys.settrace(previous)
    return "".join(chunks)


def template_for(code: str) -> LetterTemplate:
    """The council's edited template, or the one supplied (unsaved) if it has not been edited."""
    found = LetterTemplate.objects.filter(code=code).first()
    if found:
        return found
    default = DEFAULT_TEMPLATES[code]
    return LetterTemplate(code=code, name=default["name"], subject=default["subject"], body=default["body"])


def fill_pair(code: str, subject: str, body: str, context: dict) -> tuple[str, str]:
    """Fill in a subject and body, as the form errors a user can act on (naming the field and line)."""
    results = []
    for field, text in (("subject", subject), ("body", body)):
        try:
            results.append(fill(text, context))
        except (TemplateError, RecursionError) as exc:
            raise ValidationError(
                {field: f"Check the {'subject' if field == 'subject' else 'letter'}, {_describe(exc)}"}
            ) from None
    subject_line = " ".join(results[0].split())  # one line, as an email subject must be
    if len(subject_line) > LetterTemplate._meta.get_field("subject").max_length:
        raise ValidationError({"subject": "Check the subject: filled in, it is longer than 200 characters"})
    return subject_line, results[1]


def render(code: str, context: dict, *, supplied: bool = False) -> tuple[str, str]:
    """The letter's subject and body, from the template in use (or, with `supplied`, the text as supplied),
    filled from checked plain data."""
    check_context(code, context)
    template = LetterTemplate(**DEFAULT_TEMPLATES[code]) if supplied else template_for(code)
    return fill_pair(code, template.subject, template.body, context)


def broken(code: str) -> str:
    """Why the council's saved text of this letter no longer fills in ('' when it does, or is not edited)."""
    template = LetterTemplate.objects.filter(code=code).first()
    if template is None:
        return ""
    try:
        trial_fill(code, template.subject, template.body)
    except ValidationError as exc:
        return "; ".join(m for ms in exc.message_dict.values() for m in ms)
    return ""


def sample_context(code: str) -> dict:
    """The synthetic child and made-up values a template is test-filled and previewed with."""
    return sample(FIELDS[code])


def trial_fill(code: str, subject: str, body: str) -> tuple[str, str]:
    """Check a template before saving it: it must fill in with the sample data, within the limits."""
    return fill_pair(code, subject, body, sample_context(code))
