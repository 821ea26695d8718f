from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="users"),
    path("new/", views.user_create, name="user-create"),
    path("locked/", views.locked_users, name="locked-users"),
    path("<int:user_id>/reset-authenticator/", views.reset_authenticator, name="user-reset-authenticator"),
]
