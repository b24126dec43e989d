from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assessments/start/", views.start, name="start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/answer/<int:step>/", views.answer, name="answer"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/<int:pk>/results/", views.results, name="results"),
    path("assessments/<int:pk>/results.json", views.results_json, name="results_json"),
    path("assessments/<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("compare/", views.compare_view, name="compare"),
    path("compare.json", views.compare_json, name="compare_json"),
    path("overview/", views.overview, name="overview"),
    path("overview.csv", views.overview_csv, name="overview_csv"),
]
