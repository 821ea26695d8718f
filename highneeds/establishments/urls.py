from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory, name="establishments"),
    path("<int:establishment_id>/", views.detail, name="establishment"),
]
