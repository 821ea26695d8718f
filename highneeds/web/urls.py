from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/", include("highneeds.accounts.signin_urls")),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("children/", include("highneeds.people.urls")),
    path("establishments/", include("highneeds.establishments.urls")),
    path("insight/", include("highneeds.insight.urls")),
    path("settings/", include("highneeds.council.urls")),
    path("users/", include("highneeds.accounts.urls")),
    path("account/", include("highneeds.accounts.account_urls")),
    path("audit/", include("highneeds.audit.urls")),
    path("cases/", include("highneeds.casework.urls")),
    path("panels/", include("highneeds.panels.urls")),
    path("letters/", include("highneeds.letters.urls")),
    path("plans/", include("highneeds.plans.urls")),
    path("reviews/", include("highneeds.reviews.urls")),
    path("disputes/", include("highneeds.disputes.urls")),
    path("planning/", include("highneeds.planning.urls")),
    path("funding/", include("highneeds.funding.urls")),
    path("returns/sen2/", include("highneeds.returns.urls")),
    path("admin/jobs/", include("highneeds.jobs.urls")),
    path("", include("highneeds.portal.urls")),
]
