"""One settings module, configured by environment variables (see docs/configuration.md).

DJANGO_ENV=production switches on the secure defaults that `check --deploy` demands;
everything else has a default that lets a commune run the platform on a laptop.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-3f9a7c1e5b"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Lower apps first; an app may import only from apps above it in this list
# (core/audit <- units <- agencies <- workdays <- accounts <- notifications <- domain apps
# <- dashboard). tests/test_layering.py checks it.
LOCAL_APPS = [
    "chinhquyenso.core",
    "chinhquyenso.audit",
    "chinhquyenso.units",
    "chinhquyenso.agencies",
    "chinhquyenso.workdays",
    "chinhquyenso.accounts",
    "chinhquyenso.notifications",
    # Domain apps (ARCHITECTURE.md): each may use the ones above it, never the ones below.
    "chinhquyenso.signatures",
    "chinhquyenso.procedures",
    "chinhquyenso.dossiers",
    "chinhquyenso.feedback",
    "chinhquyenso.questions",
    "chinhquyenso.documents",
    "chinhquyenso.exchange",
    "chinhquyenso.sectordata",
    "chinhquyenso.community",
    # The operations centre reads every domain app; the assessment reads the operations centre.
    "chinhquyenso.dashboard",
    "chinhquyenso.assessment",
    "chinhquyenso.portal",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chinhquyenso.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chinhquyenso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chinhquyenso.core.middleware.RequestContextMiddleware",
    "chinhquyenso.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chinhquyenso.accounts.middleware.OfficialIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "chinhquyenso.urls"
WSGI_APPLICATION = "chinhquyenso.wsgi.application"
ASGI_APPLICATION = "chinhquyenso.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chinhquyenso.core.context_processors.site",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """sqlite:///path or postgres://user:pass@host:port/name?sslmode=... → DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path[1:]) if parsed.path not in ("", "/") else str(PROJECT_DIR / "db.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # WAL + a busy timeout let the web process and the task worker share the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            "TEST": {"NAME": env("DB_TEST_NAME") or None},
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


DATABASES = {"default": database_from_url(env("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"))}
# --- Databases for scale-out (docs/configuration.md "Scale-out", docs/deploy/) ------------------
# DATABASE_REPLICA_URL: a streaming replica; the IOC and search pages read from it
# (core.dbrouter, explicit use_replica()), everything else and every write uses "default". Its
# test database is the default one (TEST MIRROR).
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(env("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["chinhquyenso.core.dbrouter.ReplicaRouter"]
# Behind PgBouncer in transaction pooling mode: no server-side cursors (a cursor would outlive
# the pooled transaction) and no persistent connections (PgBouncer pools them).
if env_bool("DB_PGBOUNCER"):
    for _db in DATABASES.values():
        if _db["ENGINE"] == "django.db.backends.postgresql":
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
            _db["CONN_MAX_AGE"] = 0
# --- end of databases for scale-out -------------------------------------------------------------
# --- Cache (rate limits, short-lived page data) -------------------------------------------------
# Default: memory of each process, sized for the per-address rate-limit counters of a busy day
# (Django's default of 300 entries evicted live counters under load). Each process then counts
# alone, so a limit of N per address allows N per worker process. CACHE_URL=redis://host:6379/1
# shares one cache across processes and hosts: exact rate limits, and invalidations (working-day
# calendar, Q&A search) reach every worker at once.
if env("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("CACHE_URL"),
                          "KEY_PREFIX": env("CACHE_KEY_PREFIX", "cqs")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", "50000"))}}}
# Seconds a Q&A search result (the ranked ids and the count, never the rows) is reused
# (questions.search); 0 = never, e.g. to measure the search itself.
QUESTIONS_SEARCH_CACHE_SECONDS = int(env("QUESTIONS_SEARCH_CACHE_SECONDS", "300"))
# --- end of cache -------------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index(include=…)) serve the IOC's index-only scans on PostgreSQL, the production
# database; SQLite builds the same index on its key columns only, which is what W040 reports.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "chinhquyenso.accounts.backends.PhoneOrEmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection (accounts.lockout): failures per account and per address in a window.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(env("LOGIN_LOCKOUT_MINUTES", "15"))
# Roles that must pass TOTP two-factor authentication before using the site.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "leader,agency_admin,system_admin")

# Login providers (accounts.providers). OIDC_* configure the real OpenID Connect provider
# (VNeID / national portal style); it is enabled only when an issuer is set.
OIDC_ISSUER = env("OIDC_ISSUER")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_SCOPES = env("OIDC_SCOPES", "openid profile email phone")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "VNeID")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(PROJECT_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(PROJECT_DIR / "var" / "media")))
# --- Uploaded files (docs/configuration.md "Scale-out") -----------------------------------------
# MEDIA_ROOT on the local disk by default. STORAGE_BACKEND=s3 keeps them in any S3-compatible store
# (MinIO, Ceph RGW, a government cloud's object storage) so several application hosts share them.
# Files stay private: no ACL, signed URLs, and the platform's own views stream them after the
# access check. Every read and write goes through the storage API (FieldFile.open/save).
STORAGE_BACKEND = env("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND not in {"filesystem", "s3"}:
    raise ValueError(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}")
_DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "location": env("AWS_LOCATION"),  # key prefix, e.g. the province code
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most on-premises stores
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(env("AWS_QUERYSTRING_EXPIRE", "600")),
            "file_overwrite": False,
        },
    }
    if not _DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ValueError("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# --- end of uploaded files ----------------------------------------------------------------------
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise warns on every request when STATIC_ROOT is missing; in development files come
    # from the finders, so an empty folder is all it needs.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Background tasks (ADR 0013; docs/configuration.md "Scale-out") -----------------------------
# django.tasks with the database backend by default, so the default run needs no broker.
# TASKS_BACKEND=celery (or a dotted backend path) sends the same tasks to Celery on RabbitMQ or
# Redis (CELERY_BROKER_URL) with no change to task code. One queue per concern, so worker hosts
# can be sized per queue: notifications, PDF rendering and signing, national-portal sync,
# document exchange, IOC rollups, and everything else on "default".
TASK_QUEUES = ["default", "notifications", "signing", "national_sync", "exchange", "rollups"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "celery": "chinhquyenso.core.tasks_celery.CeleryBackend",
}
TASKS_BACKEND = _TASK_BACKENDS.get(env("TASKS_BACKEND", "database"), env("TASKS_BACKEND"))
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": TASK_QUEUES}}
# Read by the Celery app (namespace CELERY) only when the Celery backend is used.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
if TASKS_BACKEND == "chinhquyenso.core.tasks_celery.CeleryBackend":
    # Prefix of the broker queue names, to share one broker between deployments (or test runs).
    TASKS["default"]["OPTIONS"] = {"QUEUE_PREFIX": env("CELERY_QUEUE_PREFIX")}
# IOC rollups after a dossier change: in the signal receiver (default, the page is exact at once)
# or as a task on the "rollups" queue (the write path does not wait for them).
DASHBOARD_ROLLUPS_IN_TASK = env_bool("DASHBOARD_ROLLUPS_IN_TASK")
# --- end of background tasks ------------------------------------------------------------------

# E-mail (Django 6.1 MAILERS): console in development, SMTP in production or when EMAIL_HOST is set.
MAILERS = {
    "default": {
        "BACKEND": env(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if env("EMAIL_HOST") or PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            k: v
            for k, v in {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT", "25")),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS"),
            }.items()
            if env("EMAIL_HOST")
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Chính quyền số <no-reply@localhost>")

# Notification channels (notifications.channels). "LocalChannel" records messages in the database.
# Real backends: SMS_BACKEND=chinhquyenso.notifications.channels.BrandnameSmsChannel (generic
# brandname-SMS JSON API; a carrier with another format gets a small subclass) and
# ZALO_BACKEND=chinhquyenso.notifications.channels.ZaloZnsChannel (Zalo OA, ZNS template API).
NOTIFICATION_CHANNELS = {
    "email": {"BACKEND": "chinhquyenso.notifications.channels.EmailChannel"},
    "sms": {
        "BACKEND": env("SMS_BACKEND", "chinhquyenso.notifications.channels.LocalChannel"),
        "URL": env("SMS_API_URL"),
        "TOKEN": env("SMS_API_TOKEN"),
        "BRANDNAME": env("SMS_BRANDNAME", "CHINHQUYENSO"),
        "STRIP_DIACRITICS": env_bool("SMS_STRIP_DIACRITICS"),
    },
    "zalo": {
        "BACKEND": env("ZALO_BACKEND", "chinhquyenso.notifications.channels.LocalChannel"),
        "URL": env("ZALO_API_URL", "https://business.openapi.zalo.me/message/template"),
        "ACCESS_TOKEN": env("ZALO_ACCESS_TOKEN"),
    },
}
NOTIFICATION_MAX_ATTEMPTS = int(env("NOTIFICATION_MAX_ATTEMPTS", "5"))
# Retry back-off after a temporary failure: base * 2^(attempt-1) seconds, capped, +0-10 % jitter.
NOTIFICATION_RETRY_BASE_SECONDS = int(env("NOTIFICATION_RETRY_BASE_SECONDS", "120"))
NOTIFICATION_RETRY_MAX_SECONDS = int(env("NOTIFICATION_RETRY_MAX_SECONDS", "3600"))

# Map tiles (Leaflet). OSM is a developer default only: production must use a tile source that
# shows Hoàng Sa and Trường Sa as Vietnamese territory.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
DEMO_PROVINCE_CODE = env("DEMO_PROVINCE_CODE", "38")

# National public service portal (Cổng DVCQG) sync, TT 04/2025 — docs/national-portal.md. The file
# transport (outbox/inbox folders) is the development default.
DOSSIER_NATIONAL_PORTAL = {
    "BACKEND": env("DVCQG_BACKEND", "chinhquyenso.dossiers.national.transports.FileTransport"),
    "URL": env("DVCQG_URL"), "FETCH_URL": env("DVCQG_FETCH_URL"), "ACK_URL": env("DVCQG_ACK_URL"),
    "TOKEN": env("DVCQG_TOKEN"), "UNIT_CODE": env("DVCQG_UNIT_CODE"), "DIRECTORY": env("DVCQG_DIRECTORY"),
}
DOSSIER_NATIONAL_DATE_FORMAT = env("DVCQG_DATE_FORMAT", "%Y%m%d%H%M%S")  # [I] — confirm with the portal

# Digital signatures — docs/signatures.md. Keys, images and the trust store (government CA roots and
# CRLs as files) live under SIGNATURES_DIR; B-T needs a timestamp authority URL.
SIGNATURES_DIR = env("SIGNATURES_DIR", str(PROJECT_DIR / "var" / "signing"))
SIGNATURES_TRUST_DIR = env("SIGNATURES_TRUST_DIR", "")
SIGNATURES_LEVEL = env("SIGNATURES_LEVEL", "B-B")  # B-B | B-T | B-LT
SIGNATURES_TSA_URL = env("SIGNATURES_TSA_URL", "")
SIGNATURES_LOCAL_TSA_DIR = env("SIGNATURES_LOCAL_TSA_DIR", "")  # development and demo only
SIGNATURES_ALLOW_FETCHING = env_bool("SIGNATURES_ALLOW_FETCHING", PRODUCTION)
SIGNATURES_REMOTE_URL = env("SIGNATURES_REMOTE_URL", "")

# Fees are shown with a VietQR transfer code to the collecting account (core.vietqr). Empty account
# = no QR code is shown. Development gets a visibly labelled sample account, production none.
VIETQR_BIN = env("VIETQR_BIN", "" if PRODUCTION else "970415")
VIETQR_ACCOUNT = env("VIETQR_ACCOUNT", "" if PRODUCTION else "0000000000")
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", "" if PRODUCTION else "TAI KHOAN MAU - KHONG CHUYEN TIEN")


def _origin(url: str) -> str:
    parsed = urlparse(url.replace("{s}", "a"))
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.netloc else ""


# Content Security Policy with nonces (Django 6 built-in). No inline script without a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *filter(None, [_origin(MAP_TILE_URL)])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *filter(None, [_origin(OIDC_ISSUER)])],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
# Officials (and superusers) are signed out after this many seconds without a request; 0 = off.
OFFICIAL_IDLE_TIMEOUT = int(env("OFFICIAL_IDLE_TIMEOUT", str(30 * 60)))
OFFICIAL_IDLE_TOUCH = int(env("OFFICIAL_IDLE_TOUCH", "60"))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# The client address for audit and lockout: REMOTE_ADDR, or the first X-Forwarded-For hop
# when the platform sits behind a trusted proxy.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", PRODUCTION)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Personal data (Law 91/2025) — Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; docs/personal-data.md.
# Days after a field report is closed (published, closed, refused, merged) before its reporter's
# identity is erased, and after a question is published or refused before its asker's is
# (command personal_data_retention). One year: past the 90-day complaint period and the yearly
# Decision 766 / DTI reporting cycle that may still need a call-back.
FEEDBACK_REPORTER_RETENTION_DAYS = int(env("FEEDBACK_REPORTER_RETENTION_DAYS", "365"))
QUESTIONS_ASKER_RETENTION_DAYS = int(env("QUESTIONS_ASKER_RETENTION_DAYS", "365"))
