from django.urls import path

from . import views

urlpatterns = [
    path("", views.panel_list, name="panels"),
    path("new/", views.panel_create, name="panel-create"),
    path("outcomes/", views.outcomes, name="panel-outcomes"),
    path("<int:panel_id>/", views.panel_detail, name="panel"),
    path("<int:panel_id>/members/new/", views.member_add, name="panel-member-add"),
    path("<int:panel_id>/meetings/new/", views.meeting_create, name="panel-meeting-create"),
    path("members/<int:member_id>/remove/", views.member_remove, name="panel-member-remove"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="panel-meeting"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="panel-attendance"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="panel-agenda-add"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="panel-meeting-close"),
    path("meetings/<int:meeting_id>/pack.pdf", views.pack, name="panel-pack"),
    path("items/<int:item_id>/conflict/", views.conflict, name="panel-conflict"),
    path("items/<int:item_id>/recommendation/", views.recommendation, name="panel-recommendation"),
    path("items/<int:item_id>/remove/", views.item_remove, name="panel-item-remove"),
    path("items/<int:item_id>/decision/", views.decision, name="panel-decision"),
]
