"""Team tokens for the API: `Authorization: Token <token>`."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from ..models import TeamToken
from .throttles import FailedTokens


class TeamTokenAuthentication(BaseAuthentication):
    """A request that names a token is its team's CI: it has no user, and request.auth is
    the token (its team's delivery endpoints only: see permissions.team_for)."""

    keyword = b"token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        failures = FailedTokens()
        if (wait := failures.wait_before_next(request)) is not None:
            raise Throttled(wait=wait, detail="Too many requests with a wrong token.")
        if len(parts) != 2:
            failures.record_failure()
            raise AuthenticationFailed("Send the token as: Authorization: Token <token>.")
        key = parts[1].decode("ascii", errors="replace")
        token = (
            TeamToken.objects.select_related("team")
            .filter(digest=TeamToken.digest_of(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            failures.record_failure()
            raise AuthenticationFailed("This token is unknown or revoked.")
        TeamToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return "Token"


class TeamTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes a team token."""

    target_class = "teams.api.authentication.TeamTokenAuthentication"
    name = "teamToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A team token: `Token <token>` (manage.py create_team_token).",
        }
