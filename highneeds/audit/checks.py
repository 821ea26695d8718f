"""`check --deploy` flags a deployment still using the published development audit key."""

from django.conf import settings
from django.core import checks

from .key import is_development_key


@checks.register(checks.Tags.security, deploy=True)
def audit_key_check(app_configs, **kwargs):
    if not is_development_key():
        return []
    message = (
        "The audit chain uses the published development key, so anyone who can write to the database "
        "can rewrite the audit log undetected."
    )
    hint = "Set HIGHNEEDS_AUDIT_KEY (32+ random characters) or HIGHNEEDS_AUDIT_KEY_FILE outside the database."
    if getattr(settings, "SECURE", False):
        return [checks.Error(message, hint=hint, id="audit.E001")]
    return [checks.Warning(message, hint=hint, id="audit.W001")]
