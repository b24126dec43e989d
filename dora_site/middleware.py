from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy on every response that has none yet.

    Django 5.2 has no built-in CSP support; the policy itself lives in settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PrivateCacheMiddleware:
    """Keep a signed-in user's pages out of shared caches: every response to a signed-in
    user says `Cache-Control: private` (to be checked again before reuse), and a download
    (an attachment: results, overview) says `no-store` as well, so that no copy of a team's
    results stays behind. Static files are served before this runs (WhiteNoise) and keep
    their long-lived caching. A request with an Authorization header (an API token) gets
    `private, no-store` and `Vary: Authorization`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "HTTP_AUTHORIZATION" in request.META:
            # A token's request (the API authenticates it in the view, unseen here): its
            # answer is the token's team's alone, and depends on the header.
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Authorization"])
        elif request.user.is_authenticated:
            if response.get("Content-Disposition", "").startswith("attachment"):
                patch_cache_control(response, private=True, no_store=True)
            else:
                patch_cache_control(response, private=True, no_cache=True)
        return response
