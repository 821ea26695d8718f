from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_page, name="settings"),
    path("child/<int:child_id>/", views.child_page, name="child"),
    path("child/<int:child_id>/letters/<int:letter_id>/", views.letter, name="letter"),
    path("child/<int:child_id>/notice/", views.new_notice, name="new-notice"),
    path("child/<int:child_id>/complaint/", views.new_complaint, name="new-complaint"),
    path("child/<int:child_id>/cessation/", views.new_cessation, name="new-cessation"),
    path("notice/<int:pk>/<slug:slug>/", views.notice_step, name="notice-step"),
    path("appeal/<int:pk>/<slug:slug>/", views.appeal_step, name="appeal-step"),
    path("order/<int:pk>/<slug:slug>/", views.order_step, name="order-step"),
    path("complaint/<int:pk>/<slug:slug>/", views.complaint_step, name="complaint-step"),
    path("cessation/<int:pk>/<slug:slug>/", views.cessation_step, name="cessation-step"),
]
