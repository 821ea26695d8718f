from django.urls import path

from . import views

urlpatterns = [
    path("", views.template_list, name="letter-templates"),
    path("<slug:code>/", views.template_edit, name="letter-template"),
    path("<slug:code>/restore/", views.template_restore, name="letter-template-restore"),
]
