"""Installing a funding framework version from a JSON definition (audited); `services` re-exports these names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.funding import pricing

from .examples import install
from .models import AreaOfNeed, Band, Framework

# ---------------------------------------------------------------------------------------------
# Frameworks: a new version from a JSON definition (the shape of highneeds/funding/frameworks/*.json)


def _framework_errors(definition) -> list[str]:
    if not isinstance(definition, dict):
        return ["framework: must be a JSON object"]
    errors = []
    code = definition.get("code")
    if not isinstance(code, str) or not code or slugify(code) != code:
        errors.append("code: must be lower-case letters, digits and hyphens, like mainstream-top-up")
    version = definition.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors.append("version: must be a whole number from 1")
    if not str(definition.get("name") or "").strip():
        errors.append("name: is required")
    if definition.get("kind") not in dict(Framework.KINDS):
        errors.append(f"kind: must be one of {', '.join(dict(Framework.KINDS))}")
    for key in ("effective_from", "effective_to"):
        value = definition.get(key)
        if value is None and key == "effective_to":
            continue
        try:
            date.fromisoformat(str(value))
        except ValueError:
            errors.append(f"{key}: must be a date (YYYY-MM-DD)")
    for section in ("areas", "bands"):
        items = definition.get(section)
        if not isinstance(items, list) or not items:
            errors.append(f"{section}: must be a non-empty list")
            continue
        seen = set()
        for n, item in enumerate(items):
            where = f"{section}[{n}]"
            if (
                not isinstance(item, dict)
                or not str(item.get("code") or "").strip()
                or not str(item.get("name") or "").strip()
            ):
                errors.append(f"{where}: needs a code and a name")
                continue
            if item["code"] in seen:
                errors.append(f"{where}.code: {item['code']!r} appears twice")
            seen.add(item["code"])
            if section == "bands":
                amounts = [("top_up", item.get("top_up"))] + [
                    (f"prices.{k}", v) for k, v in (item.get("prices") or {}).items()
                ]
                for k in item.get("prices") or {}:
                    if k not in pricing.PLACE_FUNDING:
                        errors.append(f"{where}.prices.{k}: unknown setting type")
                for name, value in amounts:
                    if value is None:
                        continue
                    try:
                        ok = Decimal(str(value)) >= 0
                    except InvalidOperation:
                        ok = False
                    if not ok:
                        errors.append(f"{where}.{name}: must be an amount of at least 0, or null")
    return errors


@service
def install_framework(*, actor, definition) -> Framework:
    """Install a framework version. Existing versions are never changed: a change is a higher version."""
    require(actor, "funding.edit_frameworks")
    errors = _framework_errors(definition)
    if not errors and Framework.objects.filter(code=definition["code"], version=definition.get("version", 1)).exists():
        latest = Framework.objects.filter(code=definition["code"]).order_by("-version").first()
        errors.append(
            f"version: {definition['code']} version {definition.get('version', 1)} exists; "
            f"give version {latest.version + 1}"
        )
    if errors:
        raise ValidationError(errors)
    framework = install(Framework, AreaOfNeed, Band, definition, is_example=bool(definition.get("is_example")))
    log.record(actor=actor, action="funding.framework_install", obj=framework, after=framework.snapshot())
    return framework
