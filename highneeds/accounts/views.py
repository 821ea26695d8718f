"""Users: the list, inviting, editing, deactivating a leaver, reactivating, password resets and unlocking
sign-in. Each person's own second factor and password are in `own_views`. Views stay thin: every change is a service in services.py."""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from highneeds.audit import log
from highneeds.establishments.models import Establishment
from highneeds.web.access import requires
from highneeds.web.forms import GovukForm, add_errors, query_text

from . import services, two_factor
from .models import User
from .queries import display_name, held_by, linked_children
from .roles import Role


def link_base(request) -> str:
    """The site's address as the person who asked for the link reached it (links in emails are full URLs)."""
    return request.build_absolute_uri("/")


class UserDetailsForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(label="Role", choices=Role.CHOICES, error_messages={"required": "Select a role"})
    establishment_urn = forms.IntegerField(
        label="Setting URN (SENCOs only)",
        required=False,
        min_value=1,
        error_messages={"invalid": "Setting URN must be a number, like 108123"},
    )
    agency = forms.CharField(label="Organisation (professionals and panel members)", max_length=80, required=False)

    def establishment(self):
        """The setting the URN names; adds a form error when there is none."""
        urn = self.cleaned_data.get("establishment_urn")
        if not urn:
            return None
        found = Establishment.objects.filter(urn=urn).first()
        if found is None:
            self.add_error("establishment_urn", "No establishment has this URN")
        return found


class NewUserForm(UserDetailsForm):
    username = forms.CharField(label="Username", max_length=150, error_messages={"required": "Enter a username"})
    field_order = ["username", "first_name", "last_name", "email", "role", "establishment_urn", "agency"]


class DeactivateForm(GovukForm):
    reason = forms.CharField(
        label="Reason", max_length=200, error_messages={"required": "Enter the reason, for example 'left the council'"}
    )


def _row(u: User) -> dict:
    return {
        "pk": u.pk,
        "name": display_name(u),
        "username": u.username,
        "email": u.email,
        "role": u.role_label + (f", {u.establishment.name}" if u.establishment_id else ""),
        "active": u.is_active,
        "last_login": u.last_login,
        "invited": u.is_active and not u.has_usable_password(),
    }


@requires("accounts.view_users")
def user_list(request):
    found = User.objects.select_related("establishment").order_by("last_name", "first_name", "username")
    q = query_text(request.GET, "q")
    for word in q.split()[:4]:
        found = found.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(username__istartswith=word)
            | Q(email__istartswith=word)
        )
    role = request.GET.get("role", "")
    if role in Role.LABELS:
        found = found.filter(role=role)
    status = request.GET.get("status", "")
    if status in ("active", "inactive"):
        found = found.filter(is_active=status == "active")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {
            "page_title": "Users",
            "page": page,
            "rows": [_row(u) for u in page.object_list],
            "roles": Role.CHOICES,
            "q": q,
            "role": role,
            "status": status,
            "can_manage": request.user.has_perm("accounts.manage_users"),
        },
    )


@requires("accounts.manage_users")
@require_POST
def reset_authenticator(request, user_id: int):
    """A lost phone: remove the user's authenticator; they set up a new one at their next sign-in."""
    user = get_object_or_404(User, pk=user_id)
    removed = services.reset_second_factor(actor=request.user, user=user)
    messages.success(
        request,
        f"{user.username}'s authenticator was reset" if removed else f"{user.username} had no authenticator set up",
    )
    return redirect("user", user.pk)


@requires("accounts.manage_users")
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        establishment = form.establishment()
        if not form.errors:
            try:
                user = services.invite_user(
                    actor=request.user,
                    link_base=link_base(request),
                    username=data["username"],
                    role=data["role"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    establishment=establishment,
                    agency=data["agency"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{display_name(user)} has been invited: an email with a link to "
                    f"choose a password has been sent to {user.email}",
                )
                return redirect("user", user.pk)
    return render(
        request,
        "accounts/user_create.html",
        {"page_title": "Invite a user", "form": form, "error_title": bool(form.errors)},
    )


# --- locked-out usernames --------------------------------------------------------------------------------------


@requires("accounts.unlock_sign_in")
def locked_users(request):
    if request.method == "POST":
        try:
            services.unlock_sign_in(actor=request.user, username=request.POST.get("username", ""))
        except ValidationError as exc:
            messages.error(request, exc.message_dict["username"][0])
        else:
            messages.success(request, f"{request.POST['username']} can sign in again")
        return redirect("locked-users")
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time"
    )
    known = set(User.objects.filter(username__in=[a.username for a in attempts]).values_list("username", flat=True))
    # Only real accounts are listed: a locked "username" that matches none may be a password typed in the wrong box.
    rows = [
        {"username": a.username, "failures": a.failures_since_start, "last": a.attempt_time}
        for a in attempts
        if a.username in known
    ]
    return render(
        request,
        "accounts/locked_users.html",
        {
            "page_title": "Locked sign-ins",
            "rows": rows,
            "unknown": sum(a.username not in known for a in attempts),
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


def _user_or_404(user_id: int) -> User:
    found = User.objects.select_related("establishment").filter(pk=user_id).first()
    if found is None:
        raise Http404("user")
    return found


@requires("accounts.view_users")
def user_detail(request, user_id: int):
    user = _user_or_404(user_id)
    can_manage = request.user.has_perm("accounts.manage_users")
    form = None
    if can_manage:
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "agency": user.agency,
            "establishment_urn": user.establishment.urn if user.establishment_id else None,
        }
        form = UserDetailsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            establishment = form.establishment()
            if not form.errors:
                try:
                    services.update_user(
                        actor=request.user,
                        user=user,
                        first_name=d["first_name"],
                        last_name=d["last_name"],
                        email=d["email"],
                        role=d["role"],
                        establishment=establishment,
                        agency=d["agency"],
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, f"Details saved for {display_name(user)}")
                    return redirect("user", user.pk)
    elif request.method == "POST":
        raise PermissionDenied("accounts.manage_users")
    children = linked_children(user)
    for row in children:  # naming a child here is a read of their record
        log.record_read(actor=request.user, child=row.pop("child"), what="child.view_family_account")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "page_title": display_name(user),
            "u": _row(user),
            "form": form,
            "can_manage": can_manage,
            "can_deactivate": _may_deactivate(request.user, user),
            "held": held_by(user),
            "is_self": user.pk == request.user.pk,
            "error_title": bool(form and form.errors),
            "has_authenticator": two_factor.has_device(user),
            "children": children,
            "is_family": user.role in Role.FAMILY,
        },
    )


def _may_deactivate(actor, user: User) -> bool:
    return (
        user.is_active
        and actor.pk != user.pk
        and actor.has_perm("accounts.deactivate_users")
        and (user.role != Role.ADMIN or actor.has_perm("accounts.manage_users"))
    )


@requires("accounts.deactivate_users")
def user_deactivate(request, user_id: int):
    user = _user_or_404(user_id)
    if not _may_deactivate(request.user, user):
        messages.error(request, f"{display_name(user)} cannot be deactivated by you")
        return redirect("user", user.pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.deactivate_user(actor=request.user, user=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{display_name(user)} can no longer sign in and has been signed out" + _held_text(done)
            )
            return redirect("user", user.pk)
    return render(
        request,
        "accounts/user_deactivate.html",
        {
            "page_title": f"Deactivate {display_name(user)}",
            "u": _row(user),
            "form": form,
            "held": held_by(user),
            "error_title": bool(form.errors),
        },
    )


def _held_text(held: dict) -> str:
    parts = [
        f"{n} {word if n == 1 else plural}"
        for n, word, plural in (
            (held["open_requests"], "open request", "open requests"),
            (held["children_led"], "child", "children"),
        )
        if n
    ]
    return f". Reassign their {' and '.join(parts)} from the caseload page" if parts else ""


@requires("accounts.manage_users")
@require_POST
def user_reactivate(request, user_id: int):
    user = _user_or_404(user_id)
    try:
        services.reactivate_user(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"{display_name(user)} can sign in again. Send a password reset if they have forgotten their password",
        )
    return redirect("user", user.pk)


@requires("accounts.manage_users")
@require_POST
def user_reset_password(request, user_id: int):
    user = _user_or_404(user_id)
    try:
        services.send_password_reset(actor=request.user, user=user, link_base=link_base(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"A link to choose a password has been sent to {user.email}")
    return redirect("user", user.pk)
