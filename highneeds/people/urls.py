from django.urls import path

from highneeds.accounts import family_views

from . import views

urlpatterns = [
    path("", views.search, name="child-search"),
    path("new/", views.create, name="child-create"),
    path("portal-access-at-16/", family_views.reviews_due, name="portal-access-reviews"),
    path("<int:child_id>/", views.record, name="child"),
    path("<int:child_id>/change/", views.edit, name="child-edit"),
    path("<int:child_id>/access-log/", views.access_log, name="child-access-log"),
    path("<int:child_id>/sen-status/", views.sen_status, name="child-sen-status"),
    path("<int:child_id>/circumstances/new/", views.add_flag, name="child-add-flag"),
    path("<int:child_id>/placements/new/", views.add_placement, name="child-add-placement"),
    path("<int:child_id>/parents/new/", views.add_parent, name="child-add-parent"),
    path("<int:child_id>/portal-access/", family_views.access, name="child-portal-access"),
]
