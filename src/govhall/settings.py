"""Django settings for govhall, read from GOVHALL_* environment variables.

Defaults are safe for production (DEBUG off, secure cookies); `govhall run` and the
test suite switch DEBUG on explicitly.
"""

import base64
import importlib.util
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("GOVHALL_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("GOVHALL_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("GOVHALL_DEBUG", False)


def _key_outside_the_database(env: str, file_name: str, make: Callable[[], str]) -> str:
    """The environment variable `env`, else a key made once and kept in var/<file_name> (0600)."""
    key = os.environ.get(env, "")
    if key:
        return key
    path = VAR_DIR / file_name
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = make()
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _key_outside_the_database(
    "GOVHALL_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50)
)
# Fernet keys of the encrypted fields (exchange secrets); the first encrypts, all decrypt, so a
# new key is put first and the old one kept after a comma until the rows are re-saved.
FIELD_ENCRYPTION_KEYS = _key_outside_the_database(
    "GOVHALL_FIELD_KEY",
    "field_key",
    lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
).split(",")
# The HMAC key of the searchable hashes of encrypted personal numbers (core.crypto.keyed_hash).
# Changing it makes every stored hash unfindable: back it up with the field key.
FIELD_HASH_KEY = _key_outside_the_database(
    "GOVHALL_HASH_KEY", "hash_key", lambda: secrets.token_urlsafe(32)
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GOVHALL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GOVHALL_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

GOVHALL_APPS = [
    "govhall.core",
    "govhall.notify",
    "govhall.org",
    "govhall.catalog",
    "govhall.queueing",
    "govhall.cases",
    "govhall.feedback",
    "govhall.attendance",
    "govhall.training",
    "govhall.performance",
    "govhall.exchange",
    "govhall.supervision",
]
# The simulated hall (`govhall simulate`): an optional extra (`pip install .[sim]`, SimPy) for the
# demo, the tests and the benchmarks. On where GOVHALL_SIMULATION says so (by default with
# DEBUG) and SimPy is installed; a production server leaves it off (docs/deployment.md).
SIMULATION = (
    _env_bool("GOVHALL_SIMULATION", DEBUG) and importlib.util.find_spec("simpy") is not None
)
if SIMULATION:
    GOVHALL_APPS.append("govhall.simulation")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *GOVHALL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the collected STATIC_ROOT, so `govhall serve` needs no web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govhall.core.middleware.NulCharacterMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govhall.core.middleware.AccountControlsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "govhall.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govhall.urls"
WSGI_APPLICATION = "govhall.wsgi.application"
ASGI_APPLICATION = "govhall.asgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govhall.core.context_processors.govhall",
                "csp.context_processors.nonce",
                "govhall.org.context_processors.access",
            ],
        },
    }
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'govhall.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("GOVHALL_DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing; IMMEDIATE makes a write
        # transaction take the lock at BEGIN, which serialises call_next and numbering.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker process (rate limits count across them): Redis where
# GOVHALL_REDIS_URL is set, else a table in the database (`migrate` creates it).
GOVHALL_REDIS_URL = os.environ.get("GOVHALL_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": GOVHALL_REDIS_URL}
        if GOVHALL_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govhall_cache"}
    )
}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("GOVHALL_CACHE_KEY_PREFIX", "govhall")
RATELIMIT_USE_CACHE = "default"
# Anonymous ticket issuing per client address, and per address and category (docs/queueing.md).
GOVHALL_TICKET_RATE = os.environ.get("GOVHALL_TICKET_RATE", "10/h")
GOVHALL_TICKET_CATEGORY_RATE = os.environ.get("GOVHALL_TICKET_CATEGORY_RATE", "3/h")
# The hall's kiosk machines (addresses or networks, comma-separated): not limited.
GOVHALL_KIOSK_NETWORKS = [
    n.strip() for n in os.environ.get("GOVHALL_KIOSK_NETWORKS", "").split(",") if n.strip()
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "govhall.core.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("GOVHALL_PASSWORD_MIN_LENGTH", "8"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0: letters, digits and symbols together.
    {"NAME": "govhall.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Account controls (docs/security.md). A password older than this many days must be changed
# before anything else (0: never expires).
GOVHALL_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("GOVHALL_PASSWORD_MAX_AGE_DAYS", "90"))
# A staff session that sees no request for this long ends (the next request logs out).
GOVHALL_SESSION_IDLE_MINUTES = int(os.environ.get("GOVHALL_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = GOVHALL_SESSION_IDLE_MINUTES * 60
# Superusers, centre administrators and admin-site users log in with a TOTP second factor.
GOVHALL_ADMIN_OTP = _env_bool("GOVHALL_ADMIN_OTP", True)
OTP_TOTP_ISSUER = "govhall"
# Security events (logins, permission changes, exports) are kept at least this long; the
# purge refuses anything under six months (GB/T 22239-2019 8.1.4.3).
GOVHALL_SECURITY_EVENT_RETENTION_DAYS = int(
    os.environ.get("GOVHALL_SECURITY_EVENT_RETENTION_DAYS", "365")
)

# The proxies whose X-Forwarded-For / X-Real-IP are believed (addresses or networks,
# comma-separated); every other peer is the client itself (govhall.core.clients).
GOVHALL_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GOVHALL_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Login lockout: a username at one address is locked after AXES_FAILURE_LIMIT failures, the
# account everywhere after GOVHALL_ACCOUNT_FAILURE_LIMIT failures from any addresses, both for
# AXES_COOLOFF_TIME. `govhall axes_reset_username NAME` unlocks earlier (README).
AXES_FAILURE_LIMIT = int(os.environ.get("GOVHALL_LOGIN_FAILURE_LIMIT", "5"))
GOVHALL_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("GOVHALL_ACCOUNT_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "govhall.core.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "govhall.core.lockout.lockout_address"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = _env_bool("GOVHALL_AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GOVHALL_STATIC_ROOT", VAR_DIR / "static"))
# Under `govhall run` (debug) static files come straight from the apps, uncollected.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GOVHALL_MEDIA_ROOT", VAR_DIR / "media"))
# Evidence uploads (core.uploads): outside MEDIA_ROOT, served only by the permission-checked view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("GOVHALL_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# The largest file an import reads (core.tabular), in bytes.
IMPORT_MAX_BYTES = int(os.environ.get("GOVHALL_IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "govhall.org.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "govhall.core.api.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["govhall.core.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "govhall.core.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "govhall.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govhall API",
    "DESCRIPTION": "政务服务大厅一体化管理平台 REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `check --deploy` is about the running site's safety; the schema's enum names are a
    # matter of the schema (its warnings show in `govhall spectacular --validate`).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # Each app's error codes with their statuses (govhall.core.api_schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "govhall.core.api_schema.error_codes_hook",
    ],
    # Several apps name a field `state` or `channel`: give each enum its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "TicketStateEnum": "govhall.queueing.models.Ticket.State",
        "TicketChannelEnum": "govhall.queueing.models.Ticket.Channel",
        "AppointmentStateEnum": "govhall.queueing.models.Appointment.State",
    },
}

# Production hardening: on unless DEBUG. Behind a TLS-terminating proxy set
# GOVHALL_SECURE_PROXY=1 so Django trusts X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("GOVHALL_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("GOVHALL_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = _env_bool("GOVHALL_SSL_REDIRECT", False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("GOVHALL_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if _env_bool("GOVHALL_SECURE_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# An intranet (政务外网) host name cannot be on the browsers' HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): every script, style, image and font from this site;
# an inline script needs the request's nonce. Inline style stays allowed for the charts' SVG
# (pygal writes <style> into it) and a few style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Error pages never show settings, not even the debug page (it showed the database URL with
# its password): the filter hides them all.
DEFAULT_EXCEPTION_REPORTER_FILTER = "govhall.core.errors.SettingsHidingReporterFilter"

# Signing key for rating links and upstream exchange defaults (per-centre keys live in the DB).
GOVHALL_SITE_URL = os.environ.get("GOVHALL_SITE_URL", "http://127.0.0.1:8000")
GOVHALL_SITE_NAME = _("政务服务中心")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVHALL_LOG_LEVEL", "WARNING")},
}

# SMS notifications (govhall.notify, docs/notifications.md): the backend and, for Tencent Cloud
# SMS, the account, the signature and one approved template per kind of message.
GOVHALL_SMS_BACKEND = os.environ.get("GOVHALL_SMS_BACKEND", "file")
GOVHALL_SMS_FILE = Path(os.environ.get("GOVHALL_SMS_FILE", VAR_DIR / "sms.log"))
GOVHALL_SMS_TENCENT = {
    "secret_id": os.environ.get("GOVHALL_SMS_TENCENT_SECRET_ID", ""),
    "secret_key": os.environ.get("GOVHALL_SMS_TENCENT_SECRET_KEY", ""),
    "sdk_app_id": os.environ.get("GOVHALL_SMS_TENCENT_SDK_APP_ID", ""),
    "sign_name": os.environ.get("GOVHALL_SMS_TENCENT_SIGN_NAME", ""),
    "region": os.environ.get("GOVHALL_SMS_TENCENT_REGION", "ap-guangzhou"),
    "endpoint": os.environ.get("GOVHALL_SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/"),
    "templates": {
        kind: os.environ.get(f"GOVHALL_SMS_TEMPLATE_{kind.upper()}", "")
        for kind in ("ticket_due", "appointment_reminder", "rating_invitation", "case_ready")
    },
}
