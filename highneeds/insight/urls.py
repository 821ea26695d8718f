from django.urls import path

from . import timeliness, views

urlpatterns = [
    path("", views.overview, name="insight"),
    path("timeliness/", timeliness.timeliness_page, name="insight-timeliness"),
]
