"""Deployment hardening: sign-in throttling, security headers, pages that satisfy the CSP."""

import re

import pytest
from django.urls import reverse

from assessments.tests.make import make_assessment, make_team, make_user, submitted_assessment

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_is_locked_after_repeated_failures_for_that_user_and_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    make_user("victim")
    make_user("bystander")
    for _ in range(4):
        response = sign_in(client, "victim", "wrong")
        assert response.status_code == 200
        assert "do not match" in response.content.decode()
    assert sign_in(client, "victim", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "victim", "victim-pass-1")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = sign_in(client, "bystander", "bystander-pass-1")
    assert other.status_code == 302  # another user from the same address is not locked


def test_a_successful_sign_in_resets_the_failure_count(client):
    make_user("forgetful")
    for _ in range(4):
        sign_in(client, "forgetful", "wrong")
    assert sign_in(client, "forgetful", "forgetful-pass-1").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "forgetful", "wrong")
    assert sign_in(client, "forgetful", "forgetful-pass-1").status_code == 302


def test_pages_carry_the_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_session_and_csrf_cookies_are_secure_when_debug_is_off():
    from dora_site.tests.test_settings import PRODUCTION, manage

    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "True True True", result.stderr


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"\sstyle=\"", re.I), "inline style attribute"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"\son[a-z]+=\"", re.I), "inline event handler"),
    (
        re.compile(
            r"https?://(?!testserver|grafana\.example\.com)[a-z0-9.-]+\.[a-z]{2,}/[^\"']*\.(?:js|css)",
            re.I,
        ),
        "third-party asset",
    ),
]


def test_every_page_satisfies_the_content_security_policy(client, dora):
    user = make_user("dana")
    team = make_team("Platform", members=[user])
    draft = make_assessment(team=team, framework=dora, user=user)
    done = submitted_assessment(team=team, framework=dora, user=user, scores=[3] * 25)
    earlier = submitted_assessment(team=team, framework=dora, user=user, scores=[2] * 25)
    urls = [reverse("login")]
    client.force_login(user)
    urls += [
        reverse("assessments:dashboard"),
        reverse("assessments:start"),
        reverse("assessments:answer", args=[draft.pk, 1]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:results", args=[done.pk]),
        reverse("assessments:team_list"),
        reverse("assessments:team_detail", args=["platform"]),
        reverse("assessments:compare") + f"?a={earlier.pk}&b={done.pk}",
        reverse("assessments:overview"),
        reverse("frameworks:list"),
        reverse("frameworks:detail", args=["dora", "1.0"]),
        reverse("password_change"),
    ]
    for url in urls:
        if url == urls[0]:
            client.logout()
        text = client.get(url).content.decode()
        if url == urls[0]:
            client.force_login(user)
        for pattern, what in INLINE:
            match = pattern.search(text)
            assert match is None, f"{url}: {what}: {match and match.group(0)}"
