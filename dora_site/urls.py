from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dora_site.forms import CheckedPasswordChangeView, SignInForm
from teams.api.index import ApiIndexView
from teams.api.permissions import SignedInOrToken

admin.site.site_header = "DORA Assessments administration"
admin.site.site_title = "DORA Assessments admin"
admin.site.index_title = "Frameworks, teams and users"

# The JSON API: each app's endpoints, and the schema and its documentation. The docs page
# loads its script from a file (a CSP with no inline script) and Swagger UI from our own
# static files (drf-spectacular-sidecar): no CDN. Like every page but sign-in, the index,
# the schema and the docs need a signed-in session (or, but for the docs page, a token).
api_v1 = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[SignedInOrToken]),
        name="api-schema",
    ),
    path(
        "docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/docs.html"
            )
        ),
        name="api-docs",
    ),
    path("", include("teams.api.urls")),
    path("", include("delivery.api.urls")),
    path("", include("assessments.api.urls")),
]

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        CheckedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", lambda request: redirect(static("favicon.svg"))),
    path("frameworks/", include("frameworks.urls")),
    path("api/v1/", include(api_v1)),
    path("", include("assessments.urls")),
]
