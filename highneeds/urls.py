from django.urls import include, path

urlpatterns = [
    path("", include("highneeds.web.urls")),
]
