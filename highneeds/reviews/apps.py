from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "highneeds.reviews"
    label = "reviews"
    verbose_name = "Annual reviews, phase transfer and reassessment"
    default_auto_field = "django.db.models.BigAutoField"
