from django.urls import path

from . import document_views, edit_views, views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("child/<int:child_id>/", views.child_plan, name="child"),
    path("child/<int:child_id>/start/", views.start_plan, name="start"),
    path("<int:plan_id>/amend/", views.amend, name="amend"),
    path("version/<int:version_id>/", document_views.version_page, name="version"),
    path("version/<int:version_id>/plan.pdf", document_views.version_pdf, name="pdf"),
    path("version/<int:version_id>/profile/", document_views.profile, name="profile"),
    path("version/<int:version_id>/profile.pdf", document_views.profile_pdf, name="profile-pdf"),
    path("version/<int:version_id>/edit/<str:section>/", edit_views.edit_section, name="edit"),
    path("version/<int:version_id>/media/", edit_views.upload_media, name="upload"),
    path("version/<int:version_id>/quality/", edit_views.quality, name="quality"),
    path("version/<int:version_id>/advice/", edit_views.advice, name="advice"),
    path("version/<int:version_id>/send/", views.send, name="send"),
    path("version/<int:version_id>/issue/", views.issue, name="issue"),
    path("compare/<int:a>/<int:b>/", document_views.compare, name="compare"),
    path("media/<int:media_id>/", document_views.media_file, name="media"),
]
