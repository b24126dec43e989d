from rest_framework.throttling import SimpleRateThrottle

from .permissions import team_token


class TeamTokenThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in user) and minute: settings' "delivery" rate.
    The counts live in Django's cache, shared between app servers through CACHE_URL."""

    scope = "delivery"

    def get_cache_key(self, request, view):
        if (token := team_token(request)) is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
