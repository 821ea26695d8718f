"""Each person's own account: their password, and the pages one-time links open (mounted at /account/)."""

from django.urls import path

from . import family_views, own_views

urlpatterns = [
    path("password/", own_views.change_password, name="password-change"),
    path("forgotten-password/", own_views.forgotten_password, name="password-forgotten"),
    path("set-password/<str:token>/", own_views.set_password, name="set-password"),
    path("join/<str:token>/", family_views.join, name="family-join"),
]
