"""A site that outgrows one machine runs several app servers on one database with a shared
cache (CACHE_URL). Two gunicorn processes here share the test database and Django's
database cache: a save through one is seen at once through the other, and a change made
by a third process (a script) is served by neither as it was."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from assessments.tests.make import make_assessment, make_team, make_user, page_data, questions_of
from frameworks.models import Question
from frameworks.services import content_version_renew
from frameworks.tests.make import make_framework

ROOT = Path(__file__).resolve().parents[2]
CACHE_TABLE = "dora_test_shared_cache"

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The URL of the test database this process uses, for the servers."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db["USER"] or "")
    password = urllib.parse.quote(db["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env():
    call_command("createcachetable", CACHE_TABLE, verbosity=0)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dora_site.settings",
        "DATABASE_URL": database_url(),
        "CACHE_URL": f"dbcache://{CACHE_TABLE}",
        "DEBUG": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
    }
    return env


@pytest.fixture
def servers(server_env):
    """Two app servers (gunicorn, one worker each); yields their base URLs."""
    started = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:dora_site.gunicorn",
                    "dora_site.wsgi",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=server_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            wait_until_up(process, base)
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(process, base: str) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=1)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"the server at {base} did not start")


class Browser:
    """One person's browser: its cookies go to every server, as behind a load balancer."""

    def __init__(self, session_key: str):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.session_key = session_key

    def _headers(self) -> dict:
        cookies = {c.name: c.value for c in self.jar}
        cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    def get(self, url: str) -> str:
        request = urllib.request.Request(url, headers=self._headers())
        with self.opener.open(request, timeout=10) as response:
            assert response.status == 200, url
            return response.read().decode()

    def post(self, url: str, data: dict) -> int:
        token = next(c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(url, data=body.encode(), headers=self._headers())
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            return answer.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_two_app_servers_on_one_database_and_cache_never_serve_stale_pages(servers, server_env):
    # Both servers really use the shared database cache.
    backend = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import caches; "
            "print(type(caches['default']).__name__)",
        ],
        cwd=ROOT,
        env=server_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert backend == "DatabaseCache"

    first, second = servers
    framework = make_framework(weights=(60, 40), questions=(2, 1))
    member = make_user("mia")
    team = make_team("Team A", members=[member])
    draft = make_assessment(team=team, framework=framework, user=member, title="Shared draft")
    client = Client()
    client.force_login(member)
    browser = Browser(client.session.session_key)
    questions = questions_of(framework)
    answer_url = f"/assessments/{draft.pk}/answer/1/"

    assert "0 of 3 answered" in browser.get(second + "/")
    assert "Question 1.1?" in browser.get(second + answer_url)  # its tree is now cached
    browser.get(first + answer_url)  # the CSRF cookie, and first's tree cached too

    page = questions[:2]  # the first step holds domain 1's two questions
    status = browser.post(
        first + answer_url,
        page_data(page, go="save", **{f"q{page[0].pk}-choice": "4"}),
    )
    assert status == 302
    assert "1 of 3 answered" in browser.get(second + "/")
    shown = browser.get(second + answer_url)
    assert re.search(rf'id="q{page[0].pk}-s4" value="4" checked', shown)

    # A change made by neither server (a script, a data migration) shows on both at once,
    # once it renews the framework's content version as every writer of content does.
    Question.objects.filter(pk=page[0].pk).update(text="Reworded by a script?")
    content_version_renew(framework_ids=[framework.pk])
    for base in servers:
        text = browser.get(base + answer_url)
        assert "Reworded by a script?" in text and "Question 1.1?" not in text, base
