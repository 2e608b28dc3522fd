"""Settings for gongkai, read from the environment.

One module, driven by environment variables through the small typed helpers below. The
defaults are the secure production ones (DEBUG off, secure cookies, HSTS, a strict
Content-Security-Policy); `make demo` turns DEBUG on for a local, plain-HTTP demo.
See README.md ("Configuration") for the list of variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from gongkai.core.object_storage import object_storages

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str) -> str:
    """A secret from NAME or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else ["localhost"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # gongkai: core first, the public theme ("site") last among ours so apps can
    # override nothing of it by accident.
    "gongkai.core",
    "gongkai.catalog",
    "gongkai.info_requests",
    "gongkai.official_stats",
    "gongkai.consultations",
    "gongkai.enforcement",
    "gongkai.annual_reports",
    "gongkai.engagement",
    "gongkai.site",
    "gongkai.demo",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "gongkai.core.security.users_app.UsersAppConfig",  # wagtail.users with 三员分立 checks
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Background work
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: marks every response for nginx's micro-cache after all the others ran.
    "gongkai.core.edge_cache.EdgeCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.core.db_router.ReplicaRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "gongkai.site.middleware.ReadingModeMiddleware",
    "gongkai.site.middleware.CachedSiteMiddleware",
    "gongkai.core.security.middleware.StaffSecurityMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.site.context_processors.site_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL is the production database (DATABASE_URL).
VAR_DIR = Path(env("GONGKAI_VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE transactions take the write lock up front, so two writers queue on
        # busy_timeout instead of failing with "database is locked" half-way through.
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "") or None}
# A PostgreSQL read replica for anonymous public reads (docs/scaling.md).
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if "postgresql" in DATABASES["replica"]["ENGINE"]:
        # An unreachable replica costs one request this long, then the primary serves the
        # public for a while (gongkai/core/db_router.py).
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DATABASE_REPLICA_CONNECT_TIMEOUT", 2)
DATABASE_ROUTERS = ["gongkai.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A cache outage must slow the site down, never break it.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# nginx's micro-cache of anonymous public pages (docs/edge-cache.md): how long a page may be
# kept at most (never past the next scheduled release or expiry; 0 = never), and the purge
# location(s) of nginx, POSTed after every change that is not scheduled.
GONGKAI_EDGE_CACHE_SECONDS = env_int("GONGKAI_EDGE_CACHE_SECONDS", 30)
GONGKAI_EDGE_PURGE_URLS = env_list("GONGKAI_EDGE_PURGE_URL", [])
# Sessions: with Redis, read from the cache and written through to the database, so every
# app server sees the same login and a Redis restart logs nobody out (docs/scaling.md).
SESSION_ENGINE = env("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db"
                     if REDIS_URL else "django.contrib.sessions.backends.db")

# --- Background work --------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [PROJECT_DIR / "static"]
if (BASE_DIR / "node_modules" / "echarts" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    # S3-compatible storage: set AWS_STORAGE_BUCKET_NAME and its AWS_* variables
    # (gongkai/core/object_storage.py, docs/scaling.md).
    "default": {
        # Atomic writes: a full disk never leaves a half-written upload (core/storage.py).
        "BACKEND": env("MEDIA_STORAGE_BACKEND", "gongkai.core.storage.AtomicFileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("STATIC_MANIFEST", default=True)
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

# Applicants' attachments (gongkai.info_requests.models.PrivateStorage): a local directory
# outside MEDIA_ROOT unless S3 is configured, then a private bucket or prefix.
STORAGES["private"] = {"BACKEND": "gongkai.info_requests.models.LocalPrivateStorage"}
STORAGES.update(object_storages(os.environ))
# Documents are always streamed by Django (collection privacy, download counter), never a
# redirect to the storage's URL, also when the files live in S3.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Uploads: attachments are checked against their content, not only their extension.
GONGKAI_MAX_UPLOAD_MB = env_int("GONGKAI_MAX_UPLOAD_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "doc", "xls", "csv", "txt", "ofd", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = GONGKAI_MAX_UPLOAD_MB * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Every uploaded document is checked against its content (see gongkai/core/uploads.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "gongkai.core.uploads.CheckedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "gongkai.core.images.AltTextImageForm"

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env("GONGKAI_PLATFORM_NAME", "政务公开平台")
WAGTAILADMIN_BASE_URL = env("GONGKAI_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": [
                "h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link",
                "document-link", "image", "embed", "blockquote",
            ]
        },
    }
}

SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
WAGTAILSEARCH_BACKENDS: dict[str, dict[str, Any]]
if SEARCH_BACKEND in {"elasticsearch", "opensearch"}:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}{env('SEARCH_VERSION', '8')}",
            "URLS": env_list("SEARCH_URL", ["http://127.0.0.1:9200"]),
            "INDEX_PREFIX": env("SEARCH_INDEX_PREFIX", "gongkai_"),
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The public site search (docs/search.md): "sqlite" (FTS5) or "postgres" (tsvector);
# empty = the one matching the database. Wagtail's own search above serves the admin.
GONGKAI_SEARCH_BACKEND = env("GONGKAI_SEARCH_BACKEND", "")
# 热门搜索 shows a term only once this many searches used it (privacy, and noise).
GONGKAI_HOT_SEARCH_MIN_COUNT = int(env("GONGKAI_HOT_SEARCH_MIN_COUNT", "5"))

# --- Auth -----------------------------------------------------------------------------
LOGIN_URL = "wagtailadmin_login"
# Staff sign-in security (docs/security.md): lockout, second factor, idle timeout.
AUTHENTICATION_BACKENDS = ["gongkai.core.security.backends.LockoutModelBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "gongkai.core.security.forms.LockoutLoginForm"
GONGKAI_LOGIN_MAX_FAILURES = env_int("GONGKAI_LOGIN_MAX_FAILURES", 5)
GONGKAI_LOGIN_FAILURE_WINDOW_MINUTES = env_int("GONGKAI_LOGIN_FAILURE_WINDOW_MINUTES", 15)
GONGKAI_LOGIN_LOCK_MINUTES = env_int("GONGKAI_LOGIN_LOCK_MINUTES", 30)
# "required": every staff account passes a TOTP code after the password (production);
# "optional": only accounts that enrolled do (the demo, so its printed login just works).
GONGKAI_STAFF_2FA = env("GONGKAI_STAFF_2FA", "optional" if DEBUG else "required")
# Signed-in staff idle this many seconds are signed out (0 = never).
GONGKAI_STAFF_IDLE_TIMEOUT = env_int("GONGKAI_STAFF_IDLE_TIMEOUT", 30 * 60)
# Fernet keys for personal fields at rest (TOTP secrets, reporters' identities), newest
# first (gongkai/core/crypto.py, rotation in docs/security.md). Without keys only DEBUG (and
# the test settings) fall back to a key derived from SECRET_KEY; elsewhere encrypting fails.
GONGKAI_FIELD_KEYS = env_list("GONGKAI_FIELD_KEYS", [])
GONGKAI_FIELD_KEYS_DERIVED = DEBUG
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongkai.core.security.passwords.CharacterClassesValidator",
     "OPTIONS": {"min_classes": 3}},
]

# --- Security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)  # nginx usually redirects
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "SAMEORIGIN"

# Public pages: strict. No inline script or style anywhere in the public theme.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin needs inline styles and scripts; it gets its own, looser policy
# (applied to the admin URL patterns in gongkai/urls.py).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gongkai@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: one JSON object per line on stdout, with a stable "event" key ------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gongkai.core.logging.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
    },
}

# --- gongkai --------------------------------------------------------------------------
# Working days: how many working days before the Art. 26 deadline an unpublished item is
# reported as "close to the limit".
GONGKAI_TIMELINESS_WARNING_WORKDAYS = env_int("GONGKAI_TIMELINESS_WARNING_WORKDAYS", 5)

# Run by `gongkai periodic` (cron, every minute in production).
GONGKAI_PERIODIC_COMMANDS = ["recover_tasks", "publish_scheduled", "search process",
                             "consultation_reminders",
                             "annual_report_reminders",
                             "subscriptions send-digests", "events send-reminders"]
# A task RUNNING longer than this was abandoned by a dead worker and is requeued; an e-mail
# claim ("sending") older than the second bound was abandoned and is sent again with the same
# Message-ID (gongkai/core/task_recovery.py, gongkai/core/mail.py; docs/reliability.md).
GONGKAI_TASK_STALE_SECONDS = env_int("GONGKAI_TASK_STALE_SECONDS", 900)
GONGKAI_MAIL_CLAIM_SECONDS = env_int("GONGKAI_MAIL_CLAIM_SECONDS", 600)

