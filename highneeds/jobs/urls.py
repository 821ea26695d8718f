from django.urls import path

from . import views

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<str:job_id>/", views.job_status, name="job-status"),
    path("<str:job_id>/retry/", views.job_retry, name="job-retry"),
]
