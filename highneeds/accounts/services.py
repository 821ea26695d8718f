from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.people.validation import refuse_hidden_characters

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


@service
def issue_api_token(*, actor, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is never stored and cannot be shown again.

    Every token expires: without `expires_at`, after settings.API_TOKEN_DEFAULT_DAYS."""
    if actor != user:
        require(actor, "accounts.manage_users")
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    if expires_at <= now:
        raise ValidationError({"expires_at": "A token must expire in the future"})
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
