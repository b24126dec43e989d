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


def test_an_expired_session_signs_nobody_in(client, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = make_user("sleepy")
    client.force_login(user)
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_deactivated_or_deleted_user_is_signed_out_at_once(client):
    user = make_user("leaver")
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("assessments:dashboard")).status_code == 302
    user.is_active = True
    user.save()
    client.force_login(user)
    user.delete()
    assert client.get(reverse("assessments:dashboard")).status_code == 302


def test_signing_in_survives_a_password_change_only_in_the_session_that_made_it(client):
    from django.test import Client

    user = make_user("changer")
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "changer-pass-1",
            "new_password1": "A-much-longer-pass-42",
            "new_password2": "A-much-longer-pass-42",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    assert other.get(reverse("assessments:dashboard")).status_code == 302


# Sign-in throttling behind a proxy -------------------------------------------------------


def sign_in_from(client, username, password, forwarded_for):
    """A sign-in as it reaches gunicorn through a proxy on this machine (REMOTE_ADDR is the
    proxy) that appends the client's address to X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def behind_proxies(settings, count: int) -> None:
    from dora_site.settings import client_address_settings

    settings.AXES_FAILURE_LIMIT = 5
    for name, value in client_address_settings(count).items():
        setattr(settings, name, value)


def test_behind_the_documented_proxy_a_lock_holds_for_one_address_only(client, settings):
    behind_proxies(settings, 1)
    make_user("victim")
    for _ in range(5):
        sign_in_from(client, "victim", "wrong", "203.0.113.9")
    assert sign_in_from(client, "victim", "victim-pass-1", "203.0.113.9").status_code == 429
    # A client that writes its own X-Forwarded-For cannot dodge the lock: the proxy
    # appends the address it saw, and that one counts.
    spoofed = sign_in_from(client, "victim", "victim-pass-1", "198.51.100.1, 203.0.113.9")
    assert spoofed.status_code == 429
    client.logout()
    # The same user from another address signs in: the proxy's own address locks nobody.
    assert sign_in_from(client, "victim", "victim-pass-1", "198.51.100.4").status_code == 302


def test_without_the_proxy_setting_forwarded_headers_are_ignored(client, settings):
    behind_proxies(settings, 0)
    make_user("victim")
    for n in range(5):
        sign_in_from(client, "victim", "wrong", f"203.0.113.{n}")
    # Each failure named another address, but only REMOTE_ADDR counts: locked.
    assert sign_in_from(client, "victim", "victim-pass-1", "198.51.100.4").status_code == 429


# Caching by browsers and proxies ---------------------------------------------------------


def test_signed_in_pages_are_private_and_downloads_are_not_stored(client):
    from frameworks.tests.make import make_framework

    framework = make_framework(weights=(60, 40), questions=(2, 1))
    member = make_user("mia")
    team = make_team("Team A", members=[member])
    done = submitted_assessment(team=team, framework=framework, user=member, scores=[1, 2, 3])
    client.force_login(member)
    for url in (
        reverse("assessments:dashboard"),
        reverse("assessments:results", args=[done.pk]),
        reverse("assessments:team_detail", args=[team.slug]),
    ):
        header = client.get(url)["Cache-Control"]
        assert "private" in header and "public" not in header, url
    for url in (
        reverse("assessments:results_csv", args=[done.pk]),
        reverse("assessments:results_json", args=[done.pk]),
        reverse("assessments:overview_csv"),
    ):
        header = client.get(url)["Cache-Control"]
        assert "private" in header and "no-store" in header, url


# Formulas in CSV cells ---------------------------------------------------------------------


def test_framework_content_reaches_no_csv_cell_as_a_formula(client):
    from frameworks.models import Domain, Framework, MaturityLevel
    from frameworks.tests.make import make_framework

    framework = make_framework(weights=(60, 40), questions=(2, 1))
    member = make_user("mia")
    team = make_team("@Team", members=[member])
    Framework.objects.filter(pk=framework.pk).update(name="=HYPERLINK(1)")
    Domain.objects.filter(framework=framework).update(name="+SUM(1)")
    MaturityLevel.objects.filter(framework=framework).update(name="-1+2")
    done = submitted_assessment(team=team, framework=framework, user=member, scores=[1, 2, 3])
    client.force_login(member)
    results = client.get(reverse("assessments:results_csv", args=[done.pk])).content.decode()
    overview = b"".join(client.get(reverse("assessments:overview_csv")).streaming_content).decode()
    for text in (results, overview):
        cells = [cell for line in text.splitlines() for cell in line.split(",")]
        assert not [c for c in cells if c.lstrip("\ufeff").startswith(("=", "+", "@"))], text
        assert not [c for c in cells if c.startswith("-") and not c[1:2].isdigit()], text
    assert "'=HYPERLINK(1)" in results and "'+SUM(1)" in results and "'-1+2" in results
    assert "'@Team" in overview and "'-1+2" in overview


def test_wrong_old_passwords_on_the_change_form_count_like_failed_sign_ins(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = make_user("victim")
    client.force_login(user)
    url = reverse("password_change")

    def change(old):
        new = "a-new-long-password-9"
        return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})

    for _ in range(4):
        response = change("wrong")
        assert response.status_code == 200 and "incorrectly" in response.content.decode()
    assert change("wrong").status_code == 429  # the fifth wrong guess locks, as a sign-in does
    assert change("victim-pass-1").status_code == 429  # even the right one, meanwhile
    user.refresh_from_db()
    assert user.check_password("victim-pass-1")
