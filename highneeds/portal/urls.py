from django.urls import path

from . import views

urlpatterns = [
    path("request-an-assessment/", views.request_assessment, name="portal-request"),
    path("request-an-assessment/sent/", views.request_sent, name="portal-request-sent"),
    path("portal/requests/", views.my_requests, name="portal-requests"),
    path("portal/requests/<int:request_id>/", views.request_progress, name="portal-request-progress"),
    path("portal/requests/<int:request_id>/respond/", views.respond, name="portal-respond"),
    path("portal/requests/<int:request_id>/letters/<int:letter_id>/", views.family_letter, name="portal-letter"),
    path("portal/advice/", views.my_advice, name="portal-advice"),
    path("portal/advice/<int:advice_id>/", views.give_advice, name="portal-advice-give"),
]
