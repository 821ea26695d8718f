from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "highneeds.funding"
    label = "funding"
    verbose_name = "Funding: bands, commitments and the high needs budget"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from highneeds.plans import signals  # why: ready() is the first moment models may be imported

        from . import flows  # why: ready() is the first moment models may be imported

        signals.plan_issued.connect(flows.plan_issued, dispatch_uid="funding.plan_issued")
        signals.plan_ceased.connect(flows.plan_ceased, dispatch_uid="funding.plan_ceased")
