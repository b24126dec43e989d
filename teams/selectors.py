"""Reads of teams for pages and the API, scoped by the one access rule."""

from django.contrib.auth import get_user_model
from django.http import Http404

from .models import Team, may_change, may_read


def get_team_for(user, slug: str) -> Team:
    """The team, if the user may read its assessments; else 404 (as for a team that does not
    exist). `user_may_change` tells whether the user may also change them."""
    team = Team.objects.filter(slug=slug).first()
    if team is None or not may_read(user, team.pk):
        raise Http404("No such team.")
    team.user_may_change = may_change(user, team.pk)
    return team


def team_members(team: Team) -> list:
    """The team's members (user names and names only), by user name."""
    User = get_user_model()
    return list(
        User.objects.filter(memberships__team=team)
        .only(User.USERNAME_FIELD, "first_name", "last_name")
        .order_by(User.USERNAME_FIELD)
    )
