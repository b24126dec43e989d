from django.urls import path

from .views import (
    answering,
    compare,
    dashboard,
    delivery,
    improvements,
    overview,
    results,
    teams,
)

app_name = "assessments"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("assessments/start/", answering.start, name="start"),
    path("assessments/<int:pk>/", answering.assessment_detail, name="detail"),
    path("assessments/<int:pk>/answer/<int:step>/", answering.answer, name="answer"),
    path("assessments/<int:pk>/review/", answering.review, name="review"),
    path("assessments/<int:pk>/submit/", answering.submit, name="submit"),
    path("assessments/<int:pk>/results/", results.results, name="results"),
    path("assessments/<int:pk>/what-if/", results.what_if, name="what_if"),
    path("assessments/<int:pk>/summary/", results.summary, name="summary"),
    path("assessments/<int:pk>/results.json", results.results_json, name="results_json"),
    path("assessments/<int:pk>/results.csv", results.results_csv, name="results_csv"),
    path("teams/", teams.team_list_view, name="team_list"),
    path("teams/<slug:slug>/", teams.team_detail, name="team_detail"),
    path("teams/<slug:slug>/actions/new/", improvements.action_new, name="action_new"),
    path("teams/<slug:slug>/actions/limit/", improvements.focus_limit, name="focus_limit"),
    path(
        "teams/<slug:slug>/actions/from-recommendation/",
        improvements.action_from_recommendation,
        name="action_from_recommendation",
    ),
    path("teams/<slug:slug>/actions/<int:pk>/", improvements.action_detail, name="action"),
    path(
        "teams/<slug:slug>/actions/<int:pk>/move/",
        improvements.action_move_view,
        name="action_move",
    ),
    path("teams/<slug:slug>/actions/<int:pk>/edit/", improvements.action_edit, name="action_edit"),
    path("teams/<slug:slug>/delivery/", delivery.team_delivery, name="delivery"),
    path("teams/<slug:slug>/delivery/tokens/", delivery.team_tokens, name="tokens"),
    path("teams/<slug:slug>/delivery/rules/", delivery.team_rules, name="delivery_rules"),
    path(
        "teams/<slug:slug>/delivery/measured/",
        delivery.delivery_measured,
        name="delivery_measured",
    ),
    path("teams/<slug:slug>/delivery/data/", delivery.delivery_rows, name="delivery_rows"),
    path(
        "teams/<slug:slug>/delivery/arrivals/<int:pk>/withdraw/",
        delivery.arrival_withdraw_view,
        name="arrival_withdraw",
    ),
    path("delivery/templates/<str:kind>.csv", delivery.delivery_template, name="delivery_template"),
    path("compare/", compare.compare_view, name="compare"),
    path("compare.json", compare.compare_json, name="compare_json"),
    path("overview/", overview.overview, name="overview"),
    path("overview/teams/", overview.overview_teams, name="overview_teams"),
    path("overview.csv", overview.overview_csv, name="overview_csv"),
]
