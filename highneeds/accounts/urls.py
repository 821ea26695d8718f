from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="users"),
    path("new/", views.user_create, name="user-create"),
    path("<int:user_id>/", views.user_detail, name="user"),
    path("<int:user_id>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("<int:user_id>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("<int:user_id>/reset-password/", views.user_reset_password, name="user-reset-password"),
]
