"""Reads of teams for pages and the API, scoped by the one access rule."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from .models import Team


def get_team_for(user, slug: str) -> Team:
    """The team, if the user may read its assessments; else 404."""
    return get_object_or_404(Team.objects.visible_to(user), slug=slug)


def team_members(team: Team) -> list:
    """The team's members (user names and names only), by user name."""
    User = get_user_model()
    return list(
        User.objects.filter(memberships__team=team)
        .only(User.USERNAME_FIELD, "first_name", "last_name")
        .order_by(User.USERNAME_FIELD)
    )
