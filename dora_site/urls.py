from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from dora_site.forms import SignInForm

admin.site.site_header = "DORA Assessments administration"
admin.site.site_title = "DORA Assessments admin"
admin.site.index_title = "Frameworks, teams and users"

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
        auth_views.PasswordChangeView.as_view(),
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
    path("api/v1/", include("delivery.api.urls")),
    path("", include("delivery.urls")),
    path("", include("assessments.urls")),
]
