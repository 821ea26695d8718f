"""Sign-in, sign-out, the home page for each role, and the error pages."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from highneeds.accounts import family, two_factor
from highneeds.accounts import services as accounts
from highneeds.accounts.roles import Role
from highneeds.casework import queries as case_queries
from highneeds.casework import queue as wq
from highneeds.people.queries import current_settings, visible_children
from highneeds.portal import family as portal_family
from highneeds.records import queries as record_queries
from highneeds.reviews import queries as review_queries
from highneeds.web.forms import GovukForm

from .access import public, requires, safe_next_url


class SignInForm(GovukForm):
    username = forms.CharField(label="Username", max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )


@public
def sign_in(request):
    next_url = safe_next_url(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            # One message for both unknown user and wrong password, so usernames cannot be probed.
            form.add_error("username", "Enter a correct username and password")
        else:
            accounts.sign_in(request=request, user=user)
            if two_factor.needs_code(user):  # the password was right; the code comes next
                return redirect(two_factor.next_step(user, next_url))
            return redirect(next_url)
    return render(
        request,
        "web/sign_in.html",
        {"form": form, "next": next_url, "page_title": "Sign in", "error_title": bool(form.errors)},
    )


@public
@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        accounts.sign_out(request=request)
    return redirect("sign-in")


@public
def accessibility(request):
    return render(request, "web/accessibility.html", {"page_title": "Accessibility statement"})


@public
def health(request):
    return HttpResponse("ok", content_type="text/plain")


@requires("web.home")
def home(request):
    user = request.user
    context = {"page_title": "Home", "role": user.role}
    if user.role in (Role.CASEWORKER, Role.MANAGER):
        # Every figure here comes from the same query function as the page that lists it (the work queue,
        # the caseload page), so the two can never disagree.
        led = wq.children_led_by(user, user)
        mine = list(led.order_by("last_name", "first_name")[:10])
        context["my_children"] = mine
        context["my_children_count"] = led.count()
        context["settings_by_child"] = current_settings(mine)
        context["open_requests"] = sum(wq.rag_counts(user).values())
        context["access_reviews_due"] = family.reviews_due(user).count()
        tasks = record_queries.open_tasks(user)  # the same query as the My tasks page
        context["my_tasks"], context["my_tasks_overdue"] = tasks.count(), record_queries.overdue(tasks).count()
        if user.role == Role.MANAGER:
            context["caseloads"] = wq.caseloads(user)
            leavers = [row for row in context["caseloads"] if row.held_by_leaver]
            context["leavers"] = {
                "people": len(leavers),
                "open_requests": sum(r.open_requests for r in leavers),
                "children": sum(r.children_led for r in leavers),
            }
    elif user.role in (Role.SENCO, Role.PROFESSIONAL, Role.PANEL_MEMBER, Role.PARENT, Role.YOUNG_PERSON):
        visible = visible_children(user)
        children = list(visible.order_by("last_name", "first_name")[:50])
        context["children"] = children
        context["children_count"] = visible.count() if len(children) == 50 else len(children)
        context["settings_by_child"] = current_settings(children)
        if user.role in Role.FAMILY:
            context["family_links"] = portal_family.home_links(user)
        if user.role == Role.SENCO:
            # The same queries as the review dates and requests pages, so the figures agree with them.
            rows = review_queries.school_review_dates(user, date.today())
            context["school_reviews"] = review_queries.school_review_counts(rows)
            context["school_requests"] = case_queries.school_requests(user).count()
    if user.has_perm("casework.give_advice"):  # the same query as My deadlines
        context["counts"] = case_queries.advice_counts(case_queries.my_advice_requests(user))
    return render(request, "web/home.html", context)


def _error(template: str, status: int, title: str):
    def view(request, exception=None):
        return render(request, template, {"page_title": title}, status=status)

    return view


def permission_denied(request, exception=None):
    """403, audited with the user: who tried to open what (docs/security.md)."""
    if request.user.is_authenticated and not getattr(exception, "audited", False):
        accounts.record_refused_access(actor=request.user, request=request, permission=str(exception or ""))
    return render(request, "web/403.html", {"page_title": "You do not have access to this page"}, status=403)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username is locked: say so plainly, and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "web/locked_out.html", {"page_title": "Sign-in locked", "minutes": minutes}, status=429)


page_not_found = _error("web/404.html", 404, "Page not found")


def server_error(request):
    return render(request, "web/500.html", {"page_title": "Sorry, there is a problem with the service"}, status=500)


def csrf_failure(request, reason=""):
    return render(request, "web/403_csrf.html", {"page_title": "Your form expired"}, status=403)
