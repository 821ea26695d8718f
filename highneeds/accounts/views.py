"""Users: the list, inviting, editing, deactivating a leaver, reactivating, password resets; and each
person's own password. Views stay thin: every change is a service in services.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.util import random_hex

from highneeds.establishments.models import Establishment
from highneeds.web.access import public, requires, safe_next_url
from highneeds.web.forms import add_errors

from . import services, two_factor
from .links import find_link
from .models import OneTimeLink, User
from .queries import display_name, held_by
from .roles import Role


def link_base(request) -> str:
    """The site's address as the person who asked for the link reached it (links in emails are full URLs)."""
    return request.build_absolute_uri("/")


class UserDetailsForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(label="Role", choices=Role.CHOICES, error_messages={"required": "Choose a role"})
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


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=200, error_messages={"required": "Say why, for example 'left the council'"}
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
    q = request.GET.get("q", "").strip()[:100]
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


# --- second factor (docs/security.md) -------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*(\d\s*){6}$",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the 6 digits from your authenticator app",
        },
    )


@requires("accounts.second_factor")
def verify_code(request):
    """The step after the password, for anyone with an authenticator (and staff when it is required)."""
    if not two_factor.has_device(request.user):
        return redirect(two_factor.next_step(request.user, safe_next_url(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(actor=request.user, request=request, code=form.cleaned_data["code"]):
            return redirect(safe_next_url(request))
        form.add_error(
            "code", "The code is not right, or too many wrong codes were tried: wait a moment and enter the newest code"
        )
    return render(
        request,
        "accounts/verify_code.html",
        {
            "page_title": "Enter your security code",
            "form": form,
            "next": safe_next_url(request),
            "error_title": bool(form.errors),
        },
    )


@requires("accounts.second_factor")
def set_up_authenticator(request):
    """Scan the QR code (or type the secret), then prove it with a first code. The key waits in the session."""
    if request.user.is_verified():
        return redirect(safe_next_url(request))
    if two_factor.has_device(request.user):  # a second authenticator only after a code from the first
        return redirect(two_factor.next_step(request.user, safe_next_url(request)))
    key = request.session.get("hn_totp_key") or random_hex(20)
    request.session["hn_totp_key"] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrol_authenticator(actor=request.user, request=request, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            del request.session["hn_totp_key"]
            messages.success(
                request, "Your authenticator app is set up. You will be asked for a code when you sign in."
            )
            return redirect(safe_next_url(request))
    context = {
        "page_title": "Set up your authenticator app",
        "form": form,
        "next": safe_next_url(request),
        "required": two_factor.required_for(request.user),
        "error_title": bool(form.errors),
        **two_factor.setup_details(two_factor.unsaved_device(request.user, key)),
    }
    return render(request, "accounts/set_up_authenticator.html", context)


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
    from axes.models import AccessAttempt

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
    from django.http import Http404

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


# ---------------------------------------------------------------------------------------------
# Each person's own password


@requires("web.home")
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(actor=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # stay signed in here
        messages.success(request, "Your password has been changed")
        return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"page_title": "Change your password", "form": form, "error_title": bool(form.errors)},
    )


class ForgottenForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of your account",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


@public
def forgotten_password(request):
    from highneeds.portal import ratelimit

    form = ForgottenForm(request.POST or None)
    if request.method == "POST":
        verdict = ratelimit.hit(request, "forgotten-password")
        if not verdict.allowed:
            response = render(request, "portal/too_many.html", {"page_title": "Too many attempts"}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if form.is_valid():
            services.request_own_password_reset(email=form.cleaned_data["email"], link_base=link_base(request))
            # The same answer whether or not the address is known, so addresses cannot be probed.
            return render(
                request,
                "accounts/forgotten_sent.html",
                {"page_title": "Check your email", "email": form.cleaned_data["email"]},
            )
    return render(
        request,
        "accounts/forgotten.html",
        {"page_title": "Reset your password", "form": form, "error_title": bool(form.errors)},
    )


@public
def set_password(request, token: str):
    """The page an invitation or reset link opens: the link itself is the proof of identity."""
    link = find_link(token, OneTimeLink.INVITE) or find_link(token, OneTimeLink.RESET)
    if link is None or link.user is None:
        return render(request, "accounts/link_expired.html", {"page_title": "This link has expired"})
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password_with_link(link=link, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Your password has been set. Sign in with your username and new password")
            return redirect("sign-in")
    return render(
        request,
        "accounts/set_password.html",
        {
            "page_title": "Choose your password",
            "form": form,
            "username": link.user.username,
            "error_title": bool(form.errors),
        },
    )
