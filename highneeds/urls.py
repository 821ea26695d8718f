from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("highneeds.api.urls")),
    path("records/", include("highneeds.records.urls")),
    path("", include("highneeds.web.urls")),
]

handler403 = "highneeds.web.views.permission_denied"
handler404 = "highneeds.web.views.page_not_found"
handler500 = "highneeds.web.views.server_error"
