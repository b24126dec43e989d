"""Settings for dora_site, read from the environment through django-environ.

Local use works with no environment at all: SQLite in the project folder and, with DEBUG
on, a development secret key. Production values come from the environment (or a `.env`
file next to manage.py); a missing or malformed value stops start-up with a clear message.
"""

import zoneinfo
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DORA_DOTENV names another file to read, or none when empty (the tests set it so: a
# developer's .env must not change what they check).
_dotenv = env.str("DORA_DOTENV", default=str(BASE_DIR / ".env"))
if _dotenv:
    environ.Env.read_env(_dotenv, overwrite=False)


def _bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo such as DEBUG=ture must not silently mean False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def _bad(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={raw!r} is not valid: {expected}.")


def _number(name: str, default, kind, minimum, maximum=None, unit: str = ""):
    """A whole (kind=int) or decimal (kind=float) number within bounds; anything else, such
    as "2h" or "ten", stops start-up naming the variable, the value and what is expected."""
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    expected = (
        f"expected a {'whole ' if kind is int else ''}number"
        + (f" of {unit}" if unit else "")
        + f" from {minimum}"
        + (f" to {maximum}" if maximum is not None else " up")
    )
    try:
        value = kind(raw)
    except ValueError:
        raise _bad(name, raw, expected) from None
    if value != value or value < minimum or (maximum is not None and value > maximum):
        raise _bad(name, raw, expected)
    return value


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    if raw.upper() not in choices:
        raise _bad(name, raw, "expected one of " + ", ".join(choices))
    return raw.upper()


def _list(name: str, default: list[str], check=None, expected: str = "") -> list[str]:
    items = [item.strip() for item in env.str(name, default="").split(",") if item.strip()]
    if not items:
        return default
    for item in items:
        if check is not None and not check(item):
            raise _bad(name, item, expected)
    return items


def _url(name: str, default: str, read, schemes):
    """A DATABASE_URL or CACHE_URL, parsed by django-environ; a URL it cannot read, or of a
    kind it does not know, stops start-up with the variable's name."""
    raw = env.str(name, default="").strip() or default
    scheme = raw.split(":", 1)[0]
    if scheme not in schemes:
        raise _bad(name, raw, f"{scheme!r} is no known kind of URL (such as the README shows)")
    try:
        return read(raw)
    except Exception as error:  # django-environ raises several kinds for a bad URL
        raise _bad(name, raw, f"expected a URL such as the README shows ({error})") from None


DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or in .env), or set DEBUG=1 "
            "for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"

ALLOWED_HOSTS = _list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"],
    check=lambda host: "/" not in host and " " not in host,
    expected="expected host names separated by commas, such as dora.example.com",
)
CSRF_TRUSTED_ORIGINS = _list(
    "CSRF_TRUSTED_ORIGINS",
    [],
    check=lambda origin: origin.startswith(("https://", "http://")) and " " not in origin,
    expected="expected origins with their scheme, such as https://dora.example.com",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_include_bootstrap",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "frameworks",
    "teams",
    "delivery",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dora_site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dora_site.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dora_site.urls"

# The site's own pages are Jinja2 templates in templates/ (see dora_site/jinja2.py); the
# admin and crispy-forms use Django templates from the apps (our admin overrides live in
# frameworks/templates/admin/).
TEMPLATES = [
    {
        "BACKEND": "dora_site.jinja2.Jinja2Backend",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "dora_site.jinja2.environment",
            "context_processors": ["dora_site.jinja2.page_context"],
            "autoescape": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Django's engine renders the admin (and DRF's and drf-spectacular's own pages);
        # templates/django/ holds our overrides of the admin's.
        "DIRS": [BASE_DIR / "templates" / "django"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "dora_site.wsgi.application"

# Database: SQLite in the project folder unless DATABASE_URL says otherwise
# (postgres://user:password@host:5432/name in production).
DATABASES = {
    "default": _url(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", env.db_url_config, env.DB_SCHEMES
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people saving at once must never see "database is locked": WAL lets readers
    # run beside the writer, IMMEDIATE takes the write lock when a transaction starts (so a
    # read-then-write transaction cannot deadlock), and the busy timeout makes a writer wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests use a file, not Django's shared in-memory database: shared-cache memory databases
    # lock whole tables and ignore the busy timeout, so concurrency tests would be meaningless.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
# Keep connections open between requests: opening one (and, for SQLite, running its
# PRAGMAs) costs more than most of our pages' queries.
DATABASES["default"]["CONN_MAX_AGE"] = _number("CONN_MAX_AGE", 600, int, 0, unit="seconds")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC").strip() or "UTC"
if TIME_ZONE not in zoneinfo.available_timezones():
    raise _bad("TIME_ZONE", TIME_ZONE, "expected a time zone name such as UTC or Europe/Berlin")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages travel in a cookie (falling back to the session when one is too long), so a
# save that reports "Saved 2 answers" does not write the session row.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def client_address_settings(proxy_count: int) -> dict:
    """How django-axes reads the client's address, through django-ipware.

    `proxy_count` (AXES_PROXY_COUNT) is how many proxies of your own stand in front of
    gunicorn: 1 for the README's TLS proxy. With none, only REMOTE_ADDR counts and any
    X-Forwarded-For is ignored, so a client cannot name an address to dodge a lock. With
    N, the address is the Nth entry from the right of X-Forwarded-For: the one that your
    outermost proxy appended; whatever a client wrote to the left of it is ignored.
    (ipware counts the proxies named after the client in the header, one fewer than the
    proxies in front of us; IPWARE_STRICT off lets a client's own entries stand left.)"""
    if not proxy_count:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"]}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1,
        "AXES_IPWARE_PROXY_ORDER": "left-most",
        "IPWARE_STRICT": False,
    }


# Django's cache holds the API's request counts (teams/api/throttles.py) and nothing a page
# shows. By default it is Django's database cache (its table is made by a migration), so
# that every worker and app server counts together; a per-process cache would let each
# gunicorn worker allow the whole rate. CACHE_URL may name another shared one
# (rediscache://host:6379/1, pymemcache://host:11211).
CACHES = {
    "default": _url("CACHE_URL", "dbcache://dora_cache", env.cache_url_config, env.CACHE_SCHEMES)
}

# Sign-in is locked for a while after repeated failures of one user name from one address.
AXES_FAILURE_LIMIT = _number("AXES_FAILURE_LIMIT", 5, int, 1, unit="failed sign-ins")
AXES_COOLOFF_TIME = _number("AXES_COOLOFF_HOURS", 0.25, float, 0.01, unit="hours")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# (The environment variable keeps its name; axes warns of a setting called so.)
PROXY_COUNT = _number("AXES_PROXY_COUNT", 0, int, 0, 10, unit="proxies")
globals().update(client_address_settings(PROXY_COUNT))

# The JSON API (delivery/api): team tokens or the signed-in session (which keeps Django's
# CSRF check); which team a request reaches is decided per view by the one access rule.
# JSON only: DRF's browsable pages use inline scripts, which the CSP forbids; the
# documentation is Swagger UI served from our own static files (drf-spectacular-sidecar).
REST_FRAMEWORK = {
    # The client's address for throttles, read as for sign-in locks: REMOTE_ADDR, or with
    # proxies of your own the Nth entry from the right of X-Forwarded-For.
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.api.authentication.TeamTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["teams.api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["teams.api.throttles.TeamTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "delivery": f"{_number('API_REQUESTS_PER_MINUTE', 600, int, 1, unit='requests')}/minute",
        # Requests with a wrong token, per client address (teams/api/authentication.py).
        "failed_tokens": "20/minute",
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dora_site API",
    "DESCRIPTION": "Delivery data in, DORA's key metrics out. See the README.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets are called "status": a deployment's and an improvement action's.
    "ENUM_NAME_OVERRIDES": {
        "DeploymentStatusEnum": "delivery.models.Deployment.Status",
        "ActionStatusEnum": "assessments.models.Action.Status",
    },
}

# Deployment switches. Cookies are secure by default whenever DEBUG is off; HTTPS redirect
# and HSTS are switched on by the environment of a site that is served over HTTPS.
SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = _bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = _number("SECURE_HSTS_SECONDS", 0, int, 0, unit="seconds")
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", False)
if _bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every page is built to satisfy this policy: no inline script, no inline style, no
# third-party origin (Bootstrap is served from our own static files).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": _choice("LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}
