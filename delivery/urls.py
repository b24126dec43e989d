from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("teams/<slug:slug>/delivery/", views.team_delivery, name="team"),
    path("teams/<slug:slug>/delivery/tokens/", views.team_tokens, name="tokens"),
]
