from django.urls import path

from . import actions, metrics, reads

urlpatterns = [
    path("teams/<slug:slug>/", reads.TeamDetailView.as_view(), name="api-team"),
    path("teams/<slug:slug>/metrics/", metrics.MetricsView.as_view(), name="api-metrics"),
    path("teams/<slug:slug>/actions/", actions.ActionListView.as_view(), name="api-actions"),
    path(
        "teams/<slug:slug>/actions/<int:pk>/",
        actions.ActionDetailView.as_view(),
        name="api-action",
    ),
    path(
        "teams/<slug:slug>/actions/<int:pk>/moves/",
        actions.ActionMoveView.as_view(),
        name="api-action-move",
    ),
    path("assessments/", reads.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", reads.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/results/", reads.ResultsView.as_view(), name="api-results"),
]
