"""Each person's own sign-in: the second factor (a code, setting up an authenticator) and their own password
(change it, forgotten it, set it from an emailed link). docs/security.md."""

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django_otp.util import random_hex

from highneeds.portal import ratelimit
from highneeds.web.access import public, requires, safe_next_url
from highneeds.web.forms import GovukForm, GovukRequired, add_errors

from . import services, two_factor
from .links import find_link
from .models import OneTimeLink
from .views import link_base


class PasswordChangeForm(GovukRequired, auth_forms.PasswordChangeForm):
    """Django's form with the project's wording for an empty field."""


class SetPasswordForm(GovukRequired, auth_forms.SetPasswordForm):
    """Django's form with the project's wording for an empty field."""


class CodeForm(GovukForm):
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


class ForgottenForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of your account",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


@public
def forgotten_password(request):
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
