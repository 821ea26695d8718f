"""The one Jinja2 environment (built once by Django's backend, never per render)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader, pass_context

from highneeds.council.models import CouncilSettings
from highneeds.people.voice import voice_for

from .navigation import nav_items


def format_date(value, fmt: str = "%-d %B %Y") -> str:
    """GOV.UK style dates: 27 September 2014."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime(fmt + ", %H:%M")
    if isinstance(value, date):
        return value.strftime(fmt)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime(fmt)
        except ValueError:
            pass
    return str(value)


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def has_perm(user, perm: str, obj=None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm, obj))


@pass_context
def voice(context, child=None):
    """Family pages speak to a young person reading their own record as "you" (highneeds/people/voice.py)."""
    request = context.get("request")
    return voice_for(getattr(request, "user", None), child)


def environment(**options) -> Environment:
    options["loader"] = ChoiceLoader(
        [options["loader"], PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    # The GOV.UK macros read optional params without defaults; ChainableUndefined lets them.
    options.setdefault("undefined", ChainableUndefined)
    options.setdefault("extensions", ["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    env = Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        council=CouncilSettings.current,
        has_perm=has_perm,
        voice=voice,
        nav_items=nav_items,
        get_messages=get_messages,
        debug=settings.DEBUG,
    )
    env.filters.update(govuk_date=format_date)
    return env
