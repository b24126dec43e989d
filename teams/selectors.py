"""Reads of teams for pages and the API, scoped by the one access rule."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from .models import Team, member_of_team


def get_team_for(user, slug: str) -> Team:
    """The team, if the user may read its assessments; else 404. `user_may_change` tells
    whether the user may also change them (is a member). One query: the access rule is
    asked in it."""
    teams = Team.objects.visible_to(user, inline=True).annotate(
        user_may_change=member_of_team(user)
    )
    return get_object_or_404(teams, slug=slug)


def team_members(team: Team) -> list:
    """The team's members (user names and names only), by user name."""
    User = get_user_model()
    return list(
        User.objects.filter(memberships__team=team)
        .only(User.USERNAME_FIELD, "first_name", "last_name")
        .order_by(User.USERNAME_FIELD)
    )
