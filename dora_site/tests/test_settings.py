"""Settings come from the environment and fail loudly when they are wrong."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "dora.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://dora.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
}


def manage(*args, **env):
    # A clean environment: nothing of the test run's own (such as the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) may leak into the production-like check.
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    base = {k: v for k, v in os.environ.items() if k in keep | {"DORA_DOTENV"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("name", ["DEBUG", "SECURE_SSL_REDIRECT"])
def test_it_refuses_a_malformed_boolean(name):
    result = manage("check", **{**PRODUCTION, name: "ture"})
    assert result.returncode != 0
    assert f"{name} must be true or false" in result.stderr


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **env,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


@pytest.mark.django_db
def test_sqlite_is_set_up_for_several_people_at_once():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    # PRAGMAs are SQLite's own statements, which the ORM cannot express.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "ture", "DEBUG must be true or false"),
        ("SESSION_COOKIE_SECURE", "maybe", "SESSION_COOKIE_SECURE must be true or false"),
        ("AXES_COOLOFF_HOURS", "2h", "AXES_COOLOFF_HOURS='2h' is not valid: expected a number"),
        ("AXES_COOLOFF_HOURS", "nan", "AXES_COOLOFF_HOURS='nan' is not valid"),
        ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT='five' is not valid: expected a whole"),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT='0' is not valid"),
        ("AXES_PROXY_COUNT", "-1", "AXES_PROXY_COUNT='-1' is not valid"),
        ("CONN_MAX_AGE", "10m", "CONN_MAX_AGE='10m' is not valid: expected a whole number"),
        ("SECURE_HSTS_SECONDS", "1y", "SECURE_HSTS_SECONDS='1y' is not valid"),
        ("DATABASE_URL", "postgress://x@y/z", "DATABASE_URL='postgress://x@y/z' is not valid"),
        ("CACHE_URL", "nocache://", "CACHE_URL='nocache://' is not valid"),
        ("CSRF_TRUSTED_ORIGINS", "dora.example.com", "CSRF_TRUSTED_ORIGINS='dora.example.com'"),
        ("ALLOWED_HOSTS", "https://dora.example.com/", "ALLOWED_HOSTS='https://dora"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE='Mars/Olympus' is not valid"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not valid: expected one of DEBUG"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(name, value, expected):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert expected in lines[0], lines[0]


def test_gunicorn_refuses_a_malformed_worker_count():
    result = subprocess.run(
        [sys.executable, "-c", "import dora_site.gunicorn"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "WEB_CONCURRENCY": "two"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "WEB_CONCURRENCY='two' is not valid: expected a whole number" in result.stderr
