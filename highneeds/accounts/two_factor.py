"""Who must give a second factor, and the authenticator set-up details (TOTP, django-otp). Writes are in services."""

from __future__ import annotations

import re
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup

from .roles import Role


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user) -> bool:
    """Families and young people are never forced; everyone else is when TWO_FACTOR_REQUIRED is on."""
    return settings.TWO_FACTOR_REQUIRED and getattr(user, "role", None) not in Role.FAMILY


def needs_code(user) -> bool:
    return required_for(user) or has_device(user)


def next_step(user, next_url: str) -> str:
    """Where a password-only session goes: the code page, or set-up for someone without an authenticator yet."""
    step = "sign-in-verify" if has_device(user) else "two-factor-set-up"
    return f"{reverse(step)}?{urlencode({'next': next_url})}"


def unsaved_device(user, key: str) -> TOTPDevice:
    """The device being set up, from the key held in the session until the first code proves it works."""
    return TOTPDevice(user=user, key=key, name="Authenticator app", confirmed=False)


def setup_details(device: TOTPDevice) -> dict:
    """The QR code (SVG drawn here, nothing fetched) and the same secret as text, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    # Our own SVG of a URL we built; the title makes it an image with a name for screen readers.
    markup = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="220" height="220" role="img" aria-labelledby="qr-title"',
        svg.to_string(encoding="unicode"),
    )
    markup = markup.replace(">", '><title id="qr-title">QR code to scan with your authenticator app</title>', 1)
    return {
        "qr_svg": Markup(markup),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": device.user.get_username(),
    }
