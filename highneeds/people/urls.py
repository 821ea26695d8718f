from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="child-search"),
    path("new/", views.create, name="child-create"),
    path("<int:child_id>/", views.record, name="child"),
    path("<int:child_id>/change/", views.edit, name="child-edit"),
    path("<int:child_id>/access-log/", views.access_log, name="child-access-log"),
]
