"""The caseworker's page for one child's family portal access, and the page an invitation link opens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from highneeds.people.models import ParentCarer
from highneeds.people.queries import open_child_record
from highneeds.web.access import public, requires
from highneeds.web.forms import GovukForm, GovukRequired

from . import family
from .links import find_link
from .models import AccessReview, OneTimeLink
from .views import link_base


class YoungPersonForm(GovukForm):
    email = forms.EmailField(
        label="Their own email address",
        error_messages={
            "required": "Enter the young person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class EndForm(GovukForm):
    reason = forms.CharField(
        label="Why is access ending?", max_length=200, error_messages={"required": "Enter why access is ending"}
    )


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="What happens to the parents' access?",
        choices=AccessReview.DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the parents keep access"},
    )
    note = forms.CharField(label="Note (optional)", max_length=500, required=False, widget=forms.Textarea)


def _parent(child, request) -> ParentCarer:
    pk = request.POST.get("parent", "")
    found = child.parents.filter(pk=int(pk)).first() if pk.isdecimal() else None
    if found is None:  # another child's parent, or nonsense: the same answer
        raise PermissionDenied("people.view_child")
    return found


def _act(request, child, action: str):
    """Run one POSTed action; returns (message or None, {form name: bound form with errors})."""
    base = link_base(request)
    if action == "invite_parent":
        parent = _parent(child, request)
        return f"Invitation sent to {family.invite_parent(actor=request.user, parent=parent, link_base=base)}", {}
    if action == "end_parent":
        parent, form = _parent(child, request), EndForm(request.POST, prefix=f"end{request.POST.get('parent')}")
        if not form.is_valid():
            return None, {f"end_{parent.pk}": form}
        family.end_parent_access(actor=request.user, parent=parent, reason=form.cleaned_data["reason"])
        return f"{parent.full_name} no longer has portal access for {child.first_name}", {}
    if action == "invite_young_person":
        form = YoungPersonForm(request.POST, prefix="yp")
        if not form.is_valid():
            return None, {"young_person": form}
        sent = family.invite_young_person(
            actor=request.user, child=child, email=form.cleaned_data["email"], link_base=base
        )
        return f"Invitation sent to {sent}", {}
    if action == "end_young_person":
        form = EndForm(request.POST, prefix="endyp")
        if not form.is_valid():
            return None, {"end_young_person": form}
        family.end_young_person_access(actor=request.user, child=child, reason=form.cleaned_data["reason"])
        return f"{child.first_name} no longer has their own portal access", {}
    if action == "review":
        form = ReviewForm(request.POST, prefix="review")
        if not form.is_valid():
            return None, {"review": form}
        family.record_access_review(
            actor=request.user, child=child, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
        )
        return "The decision about the parents' access has been recorded", {}
    raise PermissionDenied("unknown action")


@requires("accounts.invite_family")
def access(request, child_id: int):
    child = open_child_record(request.user, child_id, what="family.access.view")
    bound: dict = {}
    if request.method == "POST":
        try:
            done, bound = _act(request, child, request.POST.get("action", ""))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("child-portal-access", child.pk)
        if done:
            messages.success(request, done)
            return redirect("child-portal-access", child.pk)
    state = family.access_for(child)
    forms_ = {
        "young_person": YoungPersonForm(prefix="yp"),
        "end_young_person": EndForm(prefix="endyp"),
        "review": ReviewForm(prefix="review"),
        **{f"end_{p['id']}": EndForm(prefix=f"end{p['id']}") for p in state.parents},
        **bound,
    }
    return render(
        request,
        "accounts/family_access.html",
        {
            "page_title": f"Family portal access for {child.full_name}",
            "child": {"pk": child.pk, "name": child.full_name, "first_name": child.first_name},
            "state": state,
            "forms": forms_,
            "error_title": bool(bound),
            "min_age": family.YOUNG_PERSON_AGE,
        },
    )


@requires("accounts.invite_family")
def reviews_due(request):
    page = Paginator(family.reviews_due(request.user).order_by("date_of_birth", "last_name", "id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [{"pk": c.pk, "name": c.full_name, "age": c.age(), "born": c.date_of_birth} for c in page.object_list]
    return render(
        request,
        "accounts/reviews_due.html",
        {
            "page_title": "Young people aged 16 or over: portal access to decide",
            "page": page,
            "rows": rows,
            "min_age": family.YOUNG_PERSON_AGE,
        },
    )


class JoinForm(GovukRequired, SetPasswordForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name"})
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]


@public
def join(request, token: str):
    """An invited parent or young person sets up their account: the link, sent to the email address on the
    child's record, is the proof that they are who the caseworker meant."""
    link = find_link(token, OneTimeLink.FAMILY)
    if link is None:
        return render(request, "accounts/link_expired.html", {"page_title": "This link has expired"})
    existing = family.existing_account(link)
    whose = f"{link.child.first_name}'s" if link.parent_id else "your"
    if existing is not None:
        if request.method == "POST":
            try:
                family.add_child_to_account(link=link)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(
                    request,
                    f"{link.child.first_name} has been added to your account. Sign in as "
                    f"{existing.username} to see their records",
                )
                return redirect("sign-in")
        return render(
            request,
            "accounts/join_existing.html",
            {
                "page_title": f"Add {link.child.first_name} to your account",
                "username": existing.username,
                "child_first_name": link.child.first_name,
            },
        )
    who = link.parent or link.child
    form = JoinForm(None, request.POST or None, initial={"first_name": who.first_name, "last_name": who.last_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = family.accept_invitation(
                link=link,
                password=form.cleaned_data["new_password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                f"Your account is ready. Sign in with your username, {user.username}, and the password you chose",
            )
            return redirect("sign-in")
    return render(
        request,
        "accounts/set_password.html",
        {
            "page_title": "Set up your family portal account",
            "form": form,
            "button": "Create account",
            "intro": f"You have been invited to see {whose} EHC needs assessment, plan, reviews and letters. Your "
            f"username will be your email address, {link.email}.",
            "error_title": bool(form.errors),
        },
    )
