from django.urls import path

from . import views

urlpatterns = [
    path("teams/<slug:slug>/deployments/", views.DeploymentsView.as_view(), name="api-deployments"),
    path(
        "teams/<slug:slug>/deployments/latest/",
        views.LatestDeploymentView.as_view(),
        name="api-deployment-latest",
    ),
    path("teams/<slug:slug>/incidents/", views.IncidentsView.as_view(), name="api-incidents"),
]
