from django.urls import path

from . import queue_views, views

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("reassign/", queue_views.reassign, name="queue-reassign"),
    path("caseload/", queue_views.caseload, name="caseload"),
    path("new/", views.new_request, name="case-new"),
    path("<int:request_id>/", views.case_page, name="case"),
    path("<int:request_id>/letters/<int:letter_id>/", views.letter, name="case-letter"),
    *[path(f"<int:request_id>/{slug}/", views.step, {"slug": slug}, name=f"case-{slug}") for slug in views.STEPS],
]
