from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import reads, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page loads its script from a file (a CSP with no inline script) and Swagger UI
    # from our own static files (drf-spectacular-sidecar): no CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("teams/", reads.TeamListView.as_view(), name="api-teams"),
    path("teams/<slug:slug>/", reads.TeamDetailView.as_view(), name="api-team"),
    path("assessments/", reads.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", reads.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/results/", reads.ResultsView.as_view(), name="api-results"),
    path("teams/<slug:slug>/deployments/", views.DeploymentsView.as_view(), name="api-deployments"),
    path("teams/<slug:slug>/incidents/", views.IncidentsView.as_view(), name="api-incidents"),
    path("teams/<slug:slug>/metrics/", views.MetricsView.as_view(), name="api-metrics"),
]
