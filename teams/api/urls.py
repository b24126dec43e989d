from django.urls import path

from . import reads

urlpatterns = [
    path("teams/", reads.TeamListView.as_view(), name="api-teams"),
]
