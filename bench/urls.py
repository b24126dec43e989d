"""The site's URLs plus bare views: the benchmark's baselines for the middleware stack."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from dora_site.urls import urlpatterns as site_urlpatterns


def baseline(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/baseline/", baseline),
    # For reference only: the same view behind sign-in, so it also reads the session and user.
    path("bench/baseline-signed-in/", login_required(baseline)),
    *site_urlpatterns,
]
