from rest_framework.throttling import SimpleRateThrottle

from ..models import TeamToken


class TeamTokenThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in user) and minute: settings' "delivery" rate.
    The counts live in Django's cache, shared between app servers through CACHE_URL."""

    scope = "delivery"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, TeamToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
