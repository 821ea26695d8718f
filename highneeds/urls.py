from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("highneeds.api.urls")),
    path("", include("highneeds.web.urls")),
]
