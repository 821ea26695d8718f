from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("child/<int:child_id>/", views.child_history, name="child"),
    path("child/<int:child_id>/schedule/", views.schedule, name="schedule"),
    path("child/<int:child_id>/transfer/", views.add_transfer, name="add-transfer"),
    path("child/<int:child_id>/reassessment/", views.add_reassessment, name="add-reassessment"),
    path("<int:review_id>/", views.review_page, name="review"),
    path("<int:review_id>/<slug:slug>/", views.review_step, name="review-step"),
    path("transfers/<int:transfer_id>/", views.transfer_page, name="transfer"),
    path("transfers/<int:transfer_id>/<slug:slug>/", views.transfer_step, name="transfer-step"),
    path("reassessments/<int:item_id>/", views.reassessment_page, name="reassessment"),
    path("reassessments/<int:item_id>/<slug:slug>/", views.reassessment_step, name="reassessment-step"),
    path("family/", views.family_reviews, name="family"),
    path("family/<int:review_id>/", views.family_review, name="family-review"),
    path("family/<int:review_id>/views/", views.contribute, name="contribute"),
]
