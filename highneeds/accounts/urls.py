from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="users"),
    path("new/", views.user_create, name="user-create"),
    path("locked/", views.locked_users, name="locked-users"),
    path("<int:user_id>/reset-authenticator/", views.reset_authenticator, name="user-reset-authenticator"),
    path("<int:user_id>/", views.user_detail, name="user"),
    path("<int:user_id>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("<int:user_id>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("<int:user_id>/reset-password/", views.user_reset_password, name="user-reset-password"),
]
