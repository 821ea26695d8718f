from django.urls import path

from . import child_views, topup_views, views

app_name = "funding"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dsg/", views.dsg, name="dsg"),
    path("dsg/set/", views.dsg_set, name="dsg-set"),
    path("lines/<str:code>/", child_views.line, name="line"),
    path("children/<int:child_id>/", child_views.child, name="child"),
    path("children/<int:child_id>/commitments/new/", child_views.commitment_new, name="commitment-new"),
    path("children/<int:child_id>/commitments/end/", child_views.commitment_end, name="commitment-end"),
    path("panel-decisions/", child_views.panel_decisions, name="panel-decisions"),
    path("panel-decisions/<int:item_id>/", child_views.panel_decision, name="panel-decision"),
    path("plans-without-band/", child_views.plans_without_band, name="plans-without-band"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/compare/", views.compare_frameworks, name="compare"),
    path("frameworks/<int:pk>/", views.framework, name="framework"),
    path("actuals/", views.actuals, name="actuals"),
    path("top-ups/", topup_views.top_ups, name="top-ups"),
    path("top-ups/apply/", topup_views.top_up_apply, name="top-up-apply"),
    path("top-ups/<int:pk>/", topup_views.top_up_decide, name="top-up-decide"),
    path("statement/", views.own_statement, name="own-statement"),
    path("settings/<int:establishment_id>/statement/", views.statement, name="statement"),
]
