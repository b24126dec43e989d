from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("teams/<slug:slug>/delivery/", views.team_delivery, name="team"),
]
