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
from highneeds.audit.service import bookkeeping, require, service
from highneeds.people.models import Child
from highneeds.people.validation import refuse_hidden_characters

from . import two_factor
from .links import LINK_LIFETIME, end_sessions, new_link, send_link_email
from .models import ApiToken, OneTimeLink, User
from .queries import display_name, held_by
from .roles import Role

USER_FIELDS = ("first_name", "last_name", "email", "role", "establishment", "agency")


def _checked_password(user: User, password: str) -> None:
    """AUTH_PASSWORD_VALIDATORS in the service too, whatever form or command called it."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@service
def create_user(
    *,
    actor,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    establishment=None,
    child=None,
    agency: str = "",
) -> User:
    require(actor, "accounts.manage_users")
    _check_role_links(role, establishment, child)
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        establishment=establishment,
        child=child,
        agency=agency,
    )
    refuse_hidden_characters({"username": username, "first_name": first_name, "last_name": last_name, "agency": agency})
    if password:
        # AUTH_PASSWORD_VALIDATORS: length, common passwords, all digits, too like the username or name.
        _checked_password(user, password)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log.record(
        actor=actor,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "establishment": establishment, "child": child},
    )
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
        raise ValidationError(
            {"code": "The code is not right: check the time on your phone and enter the newest 6-digit code"}
        )
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
    match = getattr(request, "resolver_match", None)
    child_id = match.kwargs.get("child_id") if match else None
    child = Child.objects.filter(pk=child_id).first() if str(child_id or "").isdecimal() else None
    log.record(
        actor=actor,
        action="access.refused",
        child=child,
        after={"path": request.path, "method": request.method, "permission": permission},
    )


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
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key), expires_at=expires_at
    )
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
        with bookkeeping():  # not a change to anyone's record, so no service or audit event
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# ---------------------------------------------------------------------------------------------
# Managing users


def _check_role_links(role: str, establishment, child) -> None:
    if role not in Role.LABELS:
        raise ValidationError({"role": f"{role} is not a role"})
    if role == Role.SENCO and establishment is None:
        raise ValidationError({"establishment": "A SENCO must be linked to their setting"})
    if role == Role.YOUNG_PERSON and child is None:
        raise ValidationError({"child": "A young person's account must be linked to their own record"})


@service
def invite_user(
    *,
    actor,
    link_base: str,
    username: str,
    role: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    establishment=None,
    agency: str = "",
) -> User:
    """A new account with no password, and an email with a one-time link to set one."""
    require(actor, "accounts.manage_users")
    if not email:
        raise ValidationError({"email": "Enter their email address, so the invitation can be sent"})
    user = create_user(
        actor=actor,
        username=username,
        password=None,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        establishment=establishment,
        agency=agency,
    )
    _send_invitation(actor, user, link_base)
    return user


def _send_invitation(actor, user: User, link_base: str) -> None:
    token = new_link(actor=actor, purpose=OneTimeLink.INVITE, email=user.email, user=user)
    log.record(actor=actor, action="user.invite", obj=user, after={"email": user.email})
    send_link_email(
        user.email,
        "Your highneeds account",
        [
            f"{display_name(actor)} has given you an account ({user.role_label}). Your username is {user.username}.",
            f"Choose your password here (the link works once, for {LINK_LIFETIME[OneTimeLink.INVITE].days} days):\n"
            f"{link_base.rstrip('/')}/account/set-password/{token}/",
        ],
    )


def _snapshot(user: User) -> dict:
    return {f: getattr(user, f if f not in ("establishment",) else "establishment_id") for f in USER_FIELDS}


@service
def update_user(
    *, actor, user: User, first_name: str, last_name: str, email: str, role: str, establishment=None, agency: str = ""
) -> User:
    require(actor, "accounts.manage_users")
    if role != user.role and getattr(actor, "pk", None) == user.pk:
        raise ValidationError({"role": "You cannot change your own role: ask another administrator"})
    _check_role_links(role, establishment, user.child if role == Role.YOUNG_PERSON else None)
    before = _snapshot(user)
    user.first_name, user.last_name, user.email, user.role, user.agency = first_name, last_name, email, role, agency
    user.establishment = establishment if role == Role.SENCO else None
    user.full_clean(exclude=["password"])
    user.save()
    after = _snapshot(user)
    changed = {k for k in before if before[k] != after[k]}
    if changed:
        log.record(
            actor=actor,
            action="user.role_change" if "role" in changed else "user.update",
            obj=user,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return user


@service
def deactivate_user(*, actor, user: User, reason: str = "") -> dict[str, int]:
    """A leaver loses access at once: signed out everywhere, API tokens revoked, unused links cancelled.
    Their cases stay theirs until a manager reassigns them; the caseload page lists them under the leaver
    and the manager's home page counts them."""
    require(actor, "accounts.deactivate_users")
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError({"user": "You cannot deactivate your own account"})
    if user.role == Role.ADMIN and not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied("accounts.manage_users")
    if not user.is_active:
        raise ValidationError({"user": f"{display_name(user)} is already deactivated"})
    now = timezone.now()
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    links = user.one_time_links.filter(used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    sessions = end_sessions(user)
    held = held_by(user)
    log.record(
        actor=actor,
        action="user.deactivate",
        obj=user,
        before={"is_active": True},
        after={
            "is_active": False,
            "reason": reason,
            "sessions_ended": sessions,
            "tokens_revoked": tokens,
            "links_cancelled": links,
            **held,
        },
    )
    return {**held, "sessions_ended": sessions, "tokens_revoked": tokens}


@service
def reactivate_user(*, actor, user: User) -> User:
    """Access comes back, but not the old API tokens: the person asks for new ones."""
    require(actor, "accounts.manage_users")
    if user.is_active:
        raise ValidationError({"user": f"{display_name(user)} is already active"})
    user.is_active = True
    user.save(update_fields=["is_active"])
    log.record(actor=actor, action="user.reactivate", obj=user, before={"is_active": False}, after={"is_active": True})
    return user


@service
def send_password_reset(*, actor, user: User, link_base: str) -> None:
    """An administrator never sees or types the password: the person chooses it through a one-time link."""
    require(actor, "accounts.manage_users")
    if not user.is_active:
        raise ValidationError({"user": "Reactivate the account before resetting its password"})
    if not user.email:
        raise ValidationError({"email": f"Add an email address for {display_name(user)} first"})
    if not user.has_usable_password():  # never chose one: a fresh invitation, in the invitation's words
        _send_invitation(actor, user, link_base)
        return
    token = new_link(actor=actor, purpose=OneTimeLink.RESET, email=user.email, user=user)
    log.record(actor=actor, action="user.password_reset_sent", obj=user, after={"email": user.email})
    send_link_email(
        user.email,
        "Reset your highneeds password",
        [
            f"{display_name(actor)} has asked for your password to be reset.",
            f"Choose a new password here (the link works once, within "
            f"{int(LINK_LIFETIME[OneTimeLink.RESET].total_seconds() // 3600)} hours):\n"
            f"{link_base.rstrip('/')}/account/set-password/{token}/",
            "Your old password works until you choose a new one. If you did not expect this, tell the SEND team.",
        ],
    )


@service
def request_own_password_reset(*, email: str, link_base: str) -> None:
    """Someone who has forgotten their password asks for a link by email address. Nothing is said about
    whether an account has that address; only active accounts that have chosen a password get a link."""
    found = [u for u in User.objects.filter(email__iexact=email.strip(), is_active=True) if u.has_usable_password()]
    for user in found[:3]:  # one address may belong to a staff account and a family account
        token = new_link(actor=user, purpose=OneTimeLink.RESET, email=user.email, user=user)
        log.record(actor=user, action="user.password_reset_requested", obj=user)
        send_link_email(
            user.email,
            "Reset your highneeds password",
            [
                f"Someone asked for a link to reset the password of the account {user.username}.",
                f"Choose a new password here (the link works once, within "
                f"{int(LINK_LIFETIME[OneTimeLink.RESET].total_seconds() // 3600)} hours):\n"
                f"{link_base.rstrip('/')}/account/set-password/{token}/",
                "If it was not you, ignore this email: your password has not changed.",
            ],
        )


@service
def set_password_with_link(*, link: OneTimeLink, password: str) -> User:
    """The person behind an invitation or reset link chooses their password (already validated by the form).
    Every other session of theirs ends, so a stolen session dies with the old password."""
    link = OneTimeLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at or link.cancelled_at or link.expires_at <= timezone.now() or link.user is None:
        raise ValidationError({"password": "This link has already been used or has expired"})
    user = link.user
    _checked_password(user, password)
    user.set_password(password)
    user.save(update_fields=["password"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    end_sessions(user)
    log.record(actor=user, action="user.password_set", obj=user, after={"by": link.purpose})
    return user


@service
def change_own_password(*, actor, password: str) -> User:
    """The form has checked the old password and the validators; the caller keeps this session signed in."""
    require(actor, "web.home")
    actor.set_password(password)
    actor.save(update_fields=["password"])
    log.record(actor=actor, action="user.password_change", obj=actor)
    return actor
