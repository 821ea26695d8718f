"""The integration API at /api/v1/ (django-ninja). Placeholder until the API lands."""

urlpatterns = []
