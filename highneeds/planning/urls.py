from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="new"),
    path("scenarios/<int:pk>/", views.scenario_page, name="scenario"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="edit"),
    path("scenarios/<int:pk>/copy/", views.scenario_duplicate, name="duplicate"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="delete"),
    path("scenarios/<int:pk>/goal-seek/", views.goal_seek, name="goal-seek"),
    path("scenarios/<int:pk>/export.<str:fmt>", views.export_scenario, name="export"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.<str:fmt>", views.export_comparison, name="compare-export"),
    path("neighbours/", views.neighbours, name="neighbours"),
]
