from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="sen2"),
    path("tables/", views.tables, name="sen2-tables"),
    path("<int:pk>/", views.detail, name="sen2-return"),
    path("<int:pk>/sen2.xml", views.download, name="sen2-download"),
    path("<int:pk>/submit/", views.submit, name="sen2-submit"),
]
