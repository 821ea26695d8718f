from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highneeds.accounts"
    label = "accounts"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from . import services  # why: ready(): the app registry is loaded only now

        def failed(sender, credentials, request=None, **kwargs):
            if request is not None:  # sign-ins from code (tests, shells) have no request to describe
                services.record_failed_sign_in(request=request, username=credentials.get("username"))

        def locked(sender, request=None, username=None, **kwargs):
            if request is not None:
                services.record_lockout(request=request, username=username)

        # Every failed sign-in and every lockout is an audit event (docs/security.md).
        user_login_failed.connect(failed, dispatch_uid="highneeds.audit_failed_sign_in", weak=False)
        user_locked_out.connect(locked, dispatch_uid="highneeds.audit_lockout", weak=False)
