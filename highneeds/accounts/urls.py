from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="users"),
    path("new/", views.user_create, name="user-create"),
    path("locked/", views.locked_users, name="locked-users"),
]
