from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("children/<int:child_id>/", views.case_file, name="case-file"),
    path("children/<int:child_id>/documents/add/", views.upload, name="upload"),
    path("children/<int:child_id>/notes/add/", views.add_note, name="add-note"),
    path("children/<int:child_id>/tasks/add/", views.add_task, name="add-task"),
    path("children/<int:child_id>/contacts/add/", views.log_contact, name="log-contact"),
    path("children/<int:child_id>/history/", views.history, name="history"),
    path("documents/<int:document_id>/", views.download, name="download"),
    path("documents/<int:document_id>/share/", views.share, name="share"),
    path("documents/<int:document_id>/delete/", views.delete_document, name="delete"),
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:task_id>/done/", views.complete_task, name="task-done"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter-pdf"),
    path("letterhead/", views.letterhead, name="letterhead"),
    path("letterhead/logo/", views.letterhead_logo, name="letterhead-logo"),
]
