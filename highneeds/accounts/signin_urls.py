"""The steps after the password: /sign-in/code/ and /sign-in/authenticator/."""

from django.urls import path

from . import own_views

urlpatterns = [
    path("code/", own_views.verify_code, name="sign-in-verify"),
    path("authenticator/", own_views.set_up_authenticator, name="two-factor-set-up"),
]
