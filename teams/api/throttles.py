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


class FailedTokens(SimpleRateThrottle):
    """Wrong tokens per client address and minute (settings' "failed_tokens" rate): a client
    that keeps guessing is refused with 429 before its token is even looked up. Only
    failures count; the authentication records them (authentication.py)."""

    scope = "failed_tokens"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def wait_before_next(self, request) -> float | None:
        """Seconds until this address may try again, or None when it may now."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self.wait() if len(self.history) >= self.num_requests else None

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
