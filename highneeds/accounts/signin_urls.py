"""The steps after the password: /sign-in/code/ and /sign-in/authenticator/."""

from django.urls import path

from . import views

urlpatterns = [
    path("code/", views.verify_code, name="sign-in-verify"),
    path("authenticator/", views.set_up_authenticator, name="two-factor-set-up"),
]
