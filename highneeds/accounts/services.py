from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.people.validation import refuse_hidden_characters

from . import two_factor
from .models import ApiToken, User
from .roles import Role


@service
def create_user(*, actor, username: str, password: str | None, role: str, first_name: str = "", last_name: str = "",
                email: str = "", establishment=None, child=None, agency: str = "") -> User:
    require(actor, "accounts.manage_users")
    if role not in Role.LABELS:
        raise ValidationError({"role": f"{role} is not a role"})
    if role == Role.SENCO and establishment is None:
        raise ValidationError({"establishment": "A SENCO must be linked to their setting"})
    if role == Role.YOUNG_PERSON and child is None:
        raise ValidationError({"child": "A young person's account must be linked to their own record"})
    user = User(username=username, role=role, first_name=first_name, last_name=last_name, email=email,
                establishment=establishment, child=child, agency=agency)
    refuse_hidden_characters({"username": username, "first_name": first_name, "last_name": last_name,
                              "agency": agency})
    if password:
        # AUTH_PASSWORD_VALIDATORS: length, common passwords, all digits, too like the username or name.
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log.record(actor=actor, action="user.create", obj=user,
               after={"username": username, "role": role, "establishment": establishment, "child": child})
    return user


@service
def sign_in(*, request, user: User) -> None:
    login(request, user)
    log.record(actor=user, action="auth.sign_in", obj=user)


@service
def sign_out(*, request) -> None:
    user = request.user
    log.record(actor=user, action="auth.sign_out", obj=user if user.is_authenticated else None)
    logout(request)


# --- sign-in security: failures, lockouts, unlocking, second factor -----------------------------------------


def _typed_username(username: str | None) -> tuple[User | None, dict]:
    """The account a failed sign-in named. What was typed is kept only if it is a real username: a password
    typed into the username box must not end up in the audit log."""
    user = User.objects.filter(username=username).first() if username else None
    return user, {"username": user.username if user else None, "known_user": user is not None}


@service
def record_failed_sign_in(*, request, username: str | None) -> None:
    """A wrong password, an unknown username, or any attempt while locked out (Django's user_login_failed)."""
    user, after = _typed_username(username)
    after["locked_out"] = bool(getattr(request, "axes_locked_out", False))
    after["ip_address"] = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    log.record(actor=AnonymousUser(), action="auth.sign_in_failed", obj=user, after=after)


@service
def record_lockout(*, request, username: str | None) -> None:
    """django-axes locked (or kept locked) a username after too many failures."""
    user, after = _typed_username(username)
    after["ip_address"] = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    log.record(actor=AnonymousUser(), action="auth.locked_out", obj=user, after=after)


@service
def unlock_sign_in(*, actor, username: str) -> int:
    """Clear a username's failed attempts so its owner can sign in again now. Returns the attempts cleared."""
    require(actor, "accounts.unlock_sign_in")
    from axes.models import AccessAttempt

    cleared, _ = AccessAttempt.objects.filter(username=username).delete()
    if not cleared:
        raise ValidationError({"username": f"{username} is not locked out"})
    user, after = _typed_username(username)
    log.record(actor=actor, action="auth.unlock", obj=user, after={"username": username, "attempts_cleared": cleared})
    return cleared


@service
def enrol_authenticator(*, actor, request, key: str, code: str) -> TOTPDevice:
    """Save the authenticator being set up once its first code proves the phone holds the key; the session then
    counts as verified. A wrong code saves nothing."""
    require(actor, "accounts.second_factor")
    if two_factor.has_device(actor):  # someone with only the password must not add their own authenticator
        raise PermissionDenied("accounts.second_factor")
    device = two_factor.unsaved_device(actor, key)
    device.save()
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": "The code is not right: check the time on your phone and enter the newest "
                                       "6-digit code"})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    log.record(actor=actor, action="auth.second_factor.enrol", obj=actor)
    return device


@service
def verify_second_factor(*, actor, request, code: str) -> bool:
    """Check a code against the user's authenticator; repeated failures slow down (django-otp throttling)."""
    require(actor, "accounts.second_factor")
    allowed = True
    for device in TOTPDevice.objects.filter(user=actor, confirmed=True):
        allowed, _ = device.verify_is_allowed()
        if device.verify_token(_digits(code)):
            otp_login(request, device)
            log.record(actor=actor, action="auth.second_factor.verified", obj=actor)
            return True
    log.record(actor=actor, action="auth.second_factor.failed", obj=actor, after={"throttled": not allowed})
    return False


@service
def reset_second_factor(*, actor, user: User) -> int:
    """Remove a user's authenticators (a lost phone); they set one up again at their next sign-in."""
    require(actor, "accounts.manage_users")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    log.record(actor=actor, action="auth.second_factor.reset", obj=user, after={"removed": removed})
    return removed


@service
def record_refused_access(*, actor, request, permission: str) -> None:
    """A 403 (page or API), audited with the user. The path only: a query string may hold a searched-for name."""
    from highneeds.people.models import Child

    match = getattr(request, "resolver_match", None)
    child_id = match.kwargs.get("child_id") if match else None
    child = Child.objects.filter(pk=child_id).first() if str(child_id or "").isdigit() else None
    log.record(actor=actor, action="access.refused", child=child,
               after={"path": request.path, "method": request.method, "permission": permission})


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


@service
def issue_api_token(*, actor, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is never stored and cannot be shown again.

    Every token expires: without `expires_at`, after settings.API_TOKEN_DEFAULT_DAYS."""
    if actor != user:
        require(actor, "accounts.manage_users")
    if expires_at is None:
        expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key),
                                    expires_at=expires_at)
    log.record(actor=actor, action="api_token.issue", obj=token, after={"user": user.pk, "name": name})
    return token, key


@service
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if actor != token.user:
        require(actor, "accounts.manage_users")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log.record(actor=actor, action="api_token.revoke", obj=token)
    return token


def authenticate_token(key: str) -> User | None:
    """The user behind a bearer token, or None if unknown, revoked or expired."""
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key or "")).first()
    now = timezone.now()
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # bookkeeping, not a record change
    return token.user
