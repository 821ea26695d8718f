from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from highneeds.establishments.models import Establishment
from highneeds.web.access import requires, safe_next_url
from highneeds.web.forms import add_errors

from . import services, two_factor
from .models import User
from .roles import Role


class NewUserForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="Email address", required=False)
    role = forms.ChoiceField(label="Role", choices=Role.CHOICES)
    establishment_urn = forms.IntegerField(label="Setting URN (SENCOs only)", required=False)
    agency = forms.CharField(label="Organisation (professionals and panel members)", max_length=80, required=False)
    password = forms.CharField(label="Temporary password", widget=forms.PasswordInput, min_length=12,
                               help_text="At least 12 characters")


@requires("accounts.manage_users")
def user_list(request):
    page = Paginator(User.objects.order_by("role", "username"), 50).get_page(request.GET.get("page"))
    enrolled = set(TOTPDevice.objects.filter(user__in=list(page.object_list), confirmed=True)
                   .values_list("user_id", flat=True))
    return render(request, "accounts/users.html", {"page_title": "Users", "page": page, "roles": Role.LABELS,
                                                   "enrolled": enrolled})


@requires("accounts.manage_users")
@require_POST
def reset_authenticator(request, user_id: int):
    """A lost phone: remove the user's authenticator; they set up a new one at their next sign-in."""
    user = get_object_or_404(User, pk=user_id)
    removed = services.reset_second_factor(actor=request.user, user=user)
    messages.success(request, f"{user.username}'s authenticator was reset" if removed
                     else f"{user.username} had no authenticator set up")
    return redirect("users")


@requires("accounts.manage_users")
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        establishment = None
        if data["establishment_urn"]:
            establishment = Establishment.objects.filter(urn=data["establishment_urn"]).first()
            if establishment is None:
                form.add_error("establishment_urn", "No establishment has this URN")
        if not form.errors:
            try:
                services.create_user(actor=request.user, username=data["username"], password=data["password"],
                                     role=data["role"], first_name=data["first_name"], last_name=data["last_name"],
                                     email=data["email"], establishment=establishment, agency=data["agency"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"User {data['username']} created")
                return redirect("users")
    return render(request, "accounts/user_create.html", {"page_title": "Add a user", "form": form,
                                                         "error_title": bool(form.errors)})


# --- second factor (docs/security.md) -------------------------------------------------------------------------

class CodeForm(forms.Form):
    code = forms.RegexField(label="Code from your authenticator app", regex=r"^\s*(\d\s*){6}$",
                            error_messages={"required": "Enter the 6-digit code from your authenticator app",
                                            "invalid": "Enter the 6 digits from your authenticator app"})


@requires("accounts.second_factor")
def verify_code(request):
    """The step after the password, for anyone with an authenticator (and staff when it is required)."""
    if not two_factor.has_device(request.user):
        return redirect(two_factor.next_step(request.user, safe_next_url(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(actor=request.user, request=request, code=form.cleaned_data["code"]):
            return redirect(safe_next_url(request))
        form.add_error("code", "The code is not right, or too many wrong codes were tried: wait a moment and enter "
                               "the newest code")
    return render(request, "accounts/verify_code.html", {"page_title": "Enter your security code", "form": form,
                                                         "next": safe_next_url(request), "error_title": bool(form.errors)})


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
            messages.success(request, "Your authenticator app is set up. You will be asked for a code when you sign in.")
            return redirect(safe_next_url(request))
    context = {"page_title": "Set up your authenticator app", "form": form, "next": safe_next_url(request),
               "required": two_factor.required_for(request.user), "error_title": bool(form.errors),
               **two_factor.setup_details(two_factor.unsaved_device(request.user, key))}
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

    attempts = (AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
                .order_by("-attempt_time"))
    known = set(User.objects.filter(username__in=[a.username for a in attempts]).values_list("username", flat=True))
    # Only real accounts are listed: a locked "username" that matches none may be a password typed in the wrong box.
    rows = [{"username": a.username, "failures": a.failures_since_start, "last": a.attempt_time}
            for a in attempts if a.username in known]
    return render(request, "accounts/locked_users.html", {
        "page_title": "Locked sign-ins", "rows": rows, "unknown": sum(a.username not in known for a in attempts),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)})
