"""Settings for nkr, read from the environment.

Every setting that differs between a laptop and a clinic's server comes from an environment
variable, parsed by a small helper of nkr/env.py that fails loudly on a value it does not
understand (a typo in production must stop the start-up, not be read as a default).
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from nkr.env import database_from_url, envbaseurl, envbool, envint, envjson, envlist, envrate

BASE_DIR = Path(__file__).resolve().parent.parent

# Bounds on waiting for PostgreSQL (nkr/postgresql/base.py). The server ends a statement
# after DATABASE_STATEMENT_TIMEOUT ms; the client stops waiting a second later (the server's
# own cancel has had time to arrive, so only a hung database is cut off client-side), and the
# reuse check of a kept connection waits one second. With the 2 s connect timeout a request
# to a hung database gets its 503 within about 3 s.
DATABASE_STATEMENT_TIMEOUT_MS = envint("DATABASE_STATEMENT_TIMEOUT", "3000")
DATABASE_WAIT_TIMEOUT = DATABASE_STATEMENT_TIMEOUT_MS / 1000 + 1
DATABASE_HEALTH_CHECK_TIMEOUT = 1.0

DEBUG = envbool("DEBUG", "0")
# pytest sets PYTEST_VERSION for its session: tests need no secret and no collectstatic.
TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for local use set DEBUG=1, as make run does)"
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    # Django's admin with nkr's site: Danish titles, refused visits logged (nkr.audit).
    "recommendations.apps.NkrAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # A second factor for staff (TOTP apps; static codes to get in the first time).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Lockout after repeated failed logins (docs/security.md).
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "recommendations",
    "patients",
]

MIDDLEWARE = [
    # First: a request id for the logs, and every request's time, queries and status counted.
    "recommendations.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages in the reader's language; the API and CDS Hooks in Danish (API.md).
    "recommendations.middleware.ReaderLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (the admin may require it).
    "django_otp.middleware.OTPMiddleware",
    # Records the signed-in user on every history entry made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view that loses the database answers 503 (Danish page, or JSON for the API), not 500.
    "recommendations.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nkr.urls"
WSGI_APPLICATION = "nkr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.getenv("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        statement_timeout_ms=DATABASE_STATEMENT_TIMEOUT_MS,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Danish first: the guideline texts are Danish and so are the users. The interface strings
# are written in Danish in the templates (msgids) so a missing translation falls back to
# Danish, never to a half-English page; English comes from locale/en.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (and WhiteNoise serves from, in production). The test suite's
# production servers collect into a folder of their own: a collected copy in the project
# makes WhiteNoise index 36 MB of files for every test client (a third more test time).
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Tests and `make run` serve static files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["recommendations.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # drf-spectacular's, adding the 503 (and 429 where throttled) every operation can answer.
    "DEFAULT_SCHEMA_CLASS": "recommendations.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "recommendations.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Anonymous calls per client address; 429 with Retry-After beyond the rate. The counts live
    # in Redis or the database (THROTTLE_STORE below), shared by every worker and server. The
    # test suite makes many calls from one address: its own high default (one test checks a
    # low rate).
    "DEFAULT_THROTTLE_CLASSES": ["recommendations.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": envrate("API_THROTTLE_RATE", "100000/min" if TESTING else "120/min"),
        # A record system calls for all its clinicians from a few addresses.
        "cds": envrate("CDS_THROTTLE_RATE", "100000/min" if TESTING else "600/min"),
    },
    # Proxies in front that append to X-Forwarded-For; 0 means the client is REMOTE_ADDR.
    # Never leave it unset: DRF would then trust a client's own X-Forwarded-For.
    "NUM_PROXIES": envint("NUM_PROXIES", "0"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "nkr API",
    "DESCRIPTION": "Danske nationale kliniske retningslinjer (NKR) om smerter: læse-API og "
    "vurdering af et patientforløb.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per drug or unit set: the medication's fields carry several (all drugs, the
    # drugs per unit in the drug-unit pairs), and unnamed sets get hash names and a warning.
    "ENUM_NAME_OVERRIDES": {
        "DrugEnum": "recommendations.api.openapi.drug_codes",
        "DrugInMgEnum": "recommendations.api.openapi.drug_codes_in_mg",
        "DrugInMcgPerHourEnum": "recommendations.api.openapi.drug_codes_in_mcg_per_hour",
        "UnitEnum": "recommendations.api.openapi.dose_unit_choices",
        "UnitMgEnum": ["mg"],
        "UnitMcgPerHourEnum": ["mcg/h"],
        # A provenance's title and rationale share one set of text kinds.
        "TextKindEnum": "recommendations.provenance.TextKind.choices",
    },
}

# CDS Hooks (docs/integration.md): each record system signs its calls with a JWT; the trusted
# issuers and their public keys, as JSON {"<iss>": {"jwks_url" | "jwks" | "public_key_pem": ...}}.
# Verification may be switched off for local testing only: `check --deploy` warns.
CDS_HOOKS_VERIFY_JWT = envbool("CDS_HOOKS_VERIFY_JWT", "1")
CDS_HOOKS_ISSUERS = envjson("CDS_HOOKS_ISSUERS", "{}")
# The base of the FHIR export's canonical URLs (<base>/PlanDefinition/<slug>): a canonical URL
# names the guideline, so it must not change with the host or scheme a request came in on. The
# default is a reserved example domain (RFC 2606); `check --deploy` warns while it is in use.
FHIR_CANONICAL_BASE_DEFAULT = "https://nkr.example.org/fhir"
FHIR_CANONICAL_BASE = envbaseurl("FHIR_CANONICAL_BASE", FHIR_CANONICAL_BASE_DEFAULT)

# --- Security (docs/security.md) ----------------------------------------------------------

# HTTPS only, outside tests and `make run`. Behind a proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER=1 so Django believes its X-Forwarded-Proto (the proxy must set that
# header itself, replacing any a client sent); without it every request redirects to itself.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG or TESTING else "1")
# Load balancers probe, and Prometheus scrapes, over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
if envbool("SECURE_PROXY_SSL_HEADER", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 365 * 24 * 60 * 60  # sent on https responses only
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, the admin and Swagger UI included: an injected
# <script> or style="" is refused by the browser (tests/browser/test_csp.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Nothing reads the CSRF cookie: forms carry the token and htmx gets it from <body hx-headers>.
CSRF_COOKIE_HTTPONLY = True
# An editor idle for SESSION_IDLE_TIMEOUT seconds is signed out: each request renews the
# session, and closing the browser ends it (shared clinic computers).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_TIMEOUT", "1800")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed logins: after LOGIN_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for LOGIN_COOLOFF_MINUTES (429, Danish page). Client address as DRF sees it.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "recommendations.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "recommendations.security.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # nkr.audit logs logins; no table of addresses kept forever
AXES_VERBOSE = False  # no start-up banner; nkr.audit logs failures and lockouts
# Masked in axes' log lines and in the login form data it keeps of a failed attempt (the
# password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]

# Staff must sign in to the admin with a second factor (TOTP) when this is on; `check
# --deploy` warns while it is off (docs/security.md: turning it on).
OTP_REQUIRED_FOR_STAFF = envbool("OTP_REQUIRED_FOR_STAFF", "0")
OTP_TOTP_ISSUER = "nkr"

# Tests create many users; real hashing costs about half a second each and no test is about the
# hash's strength. Production keeps Django's default (PBKDF2).
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Shared state lives in PostgreSQL or in Redis, never in one process, so any number of servers
# can stand behind a load balancer (docs/operations.md). With REDIS_URL the caches and the API
# throttle counts go to Redis; without it, the caches are a database table (`manage.py
# createcachetable`, run by make run/serve) and the throttle counts a table counted atomically.
# Sessions, login lockouts and used CDS Hooks JWT ids are always in the database.
REDIS_URL = os.getenv("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}"
    )
if TESTING:
    # The suite runs in one process; tests of the shared stores choose them explicitly.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nkr",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "nkr_cache",
            # Culling drops a third of the entries: keep room for every page's cached answer.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
THROTTLE_STORE = "memory" if TESTING else "redis" if REDIS_URL else "database"

# Prometheus (recommendations/metrics.py): the connection addresses that may read /metrics.
METRICS_ALLOWED_ADDRESSES = envlist("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")
# LOG_FORMAT=json: one JSON object per log line, each with its request's id (X-Request-ID).
LOG_FORMAT = os.getenv("LOG_FORMAT", "text").strip() or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "recommendations.metrics.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "recommendations.metrics.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies can hold patient facts: never log them.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Logins, failed logins, refusals and publishing (recommendations/audit.py): user ids
        # and content keys only, never patient data.
        "nkr.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
