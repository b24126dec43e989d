from django.conf import settings


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
