"""Which team a request of the API may reach: a team token its own team only; a signed-in
user what the one access rule allows (reading the teams it may read, writing those it is a
member of)."""

from django.http import Http404
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission

from ..models import Team, TeamToken, may_change, may_read


def team_token(request) -> TeamToken | None:
    """The team token the request came with (authentication.TeamTokenAuthentication)."""
    return request.auth if isinstance(request.auth, TeamToken) else None


def team_for(request, slug: str, *, write: bool) -> Team:
    token = team_token(request)
    if token is not None:
        if token.team.slug != slug:
            raise PermissionDenied("This token belongs to another team.")
        return token.team
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated("Sign in, or send a team token: Authorization: Token <token>.")
    team = Team.objects.filter(slug=slug).first()
    if team is None or not may_read(user, team.pk):
        raise Http404("No such team.")
    if write and not may_change(user, team.pk):
        raise PermissionDenied(f"Only members of {team} can send its delivery data.")
    return team


class SignedIn(BasePermission):
    """A signed-in session; never a team token (which reaches only its own team's delivery
    endpoints: see permissions.team_for)."""

    message = "A team token reaches only its team's delivery endpoints: sign in to read."

    def has_permission(self, request, view):
        if team_token(request) is not None:
            return False
        if not request.user.is_authenticated:
            raise NotAuthenticated("Sign in to read teams, assessments and results.")
        return True


class SignedInOrToken(BasePermission):
    """A signed-in session or a team token: for what describes the API (its index and
    schema), which a CI's script may read with its token."""

    def has_permission(self, request, view):
        if team_token(request) is None and not request.user.is_authenticated:
            raise NotAuthenticated("Sign in, or send a team token: Authorization: Token <token>.")
        return True
