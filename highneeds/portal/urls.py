from django.urls import path

from . import family_views, plan_views, school_views, views

urlpatterns = [
    path("request-an-assessment/", views.request_assessment, name="portal-request"),
    path("request-an-assessment/sent/", views.request_sent, name="portal-request-sent"),
    path("portal/requests/", views.my_requests, name="portal-requests"),
    path("portal/requests/<int:request_id>/", views.request_progress, name="portal-request-progress"),
    path("portal/requests/<int:request_id>/respond/", views.respond, name="portal-respond"),
    path("portal/requests/<int:request_id>/letters/<int:letter_id>/", views.family_letter, name="portal-letter"),
    path("portal/plans/", plan_views.plans, name="portal-plans"),
    path("portal/plans/<int:child_id>/", plan_views.plan, name="portal-plan"),
    path("portal/plans/<int:child_id>/letters/<int:letter_id>/", plan_views.plan_letter, name="portal-plan-letter"),
    path("portal/plans/version/<int:version_id>/about/", plan_views.about_me, name="portal-plan-about"),
    path("portal/plans/version/<int:version_id>/media/", plan_views.add_media, name="portal-plan-media"),
    path("portal/plans/version/<int:version_id>/comment/", plan_views.comment, name="portal-plan-comment"),
    path("portal/children/<int:child_id>/letters/", family_views.letters, name="portal-letters"),
    path("portal/children/<int:child_id>/letters/<int:letter_id>/", family_views.letter, name="portal-child-letter"),
    path("portal/children/<int:child_id>/disagreements/", family_views.disagreements, name="portal-disagreements"),
    path("schools/requests/", school_views.school_requests, name="school-requests"),
    path("schools/requests/new/", school_views.school_request_new, name="school-request-new"),
    path("schools/requests/<int:request_id>/", school_views.school_request, name="school-request"),
    path("schools/reviews/", school_views.school_reviews, name="school-reviews"),
    path("schools/reviews/<int:review_id>/", school_views.school_review, name="school-review"),
    path("portal/advice/", views.my_advice, name="portal-advice"),
    path("portal/advice/<int:advice_id>/", views.give_advice, name="portal-advice-give"),
]
