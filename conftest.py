import os

import pytest
from django.conf import settings
from django.core.cache import cache

from frameworks import tree

# Tests need no collected static files: the manifest storage of production is swapped for
# the plain one, which serves files straight from the finders.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Password hashing is deliberately slow; tests create many users and need no such protection.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cold_caches():
    """Every test starts with empty caches, so query counts are exact."""
    tree.clear_cache()
    cache.clear()
    yield
    tree.clear_cache()
    cache.clear()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="alice-pass-1")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="sam", password="sam-pass-1", is_staff=True, is_superuser=True
    )


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(scope="session")
def shipped_trees(django_db_setup, django_db_blocker) -> dict:
    """Each shipped framework's tree, read once per session: loaded the way a site loads it
    (loaddata, with its integrity check), read back, and the load rolled back."""
    from django.core.management import call_command
    from django.db import transaction

    from frameworks.models import Framework
    from frameworks.tree import load_tree

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "dora", "calms", "mvp", verbosity=0)
        trees = {framework.slug: load_tree(framework) for framework in Framework.objects.all()}
        transaction.set_rollback(True)
    return trees


def shipped(trees: dict, slug: str):
    """A shipped framework in this test's database, written from the session's tree by the
    site's own import (a few queries, where loaddata takes thousands)."""
    from frameworks.services import framework_import

    tree = trees[slug]
    return framework_import(tree=tree, publish=tree.is_published)


@pytest.fixture
def dora(db, shipped_trees):
    """The shipped DORA framework, as fixtures/dora.json has it."""
    return shipped(shipped_trees, "dora")


@pytest.fixture
def calms(db, shipped_trees):
    return shipped(shipped_trees, "calms")


@pytest.fixture
def mvp(db, shipped_trees):
    return shipped(shipped_trees, "mvp")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser page; fails the test on any console error (such as a CSP violation)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"
