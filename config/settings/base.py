"""Settings of the embedded default: SQLite, local media, in-process background work.

Production settings (`config.settings.production`) start from these and harden them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.DATA_DIR

SECRET_KEY = env.secret_key()
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "minjian.core",
    "minjian.accounts",
    "minjian.places",
    "minjian.topics",
    "minjian.orgs",
    "minjian.cases",
    "minjian.redaction",
    "minjian.abuse",
    "minjian.jobs",
    "minjian.record",
    "minjian.routing",
    "minjian.notify",
    "minjian.search",
    "minjian.open311",
    "minjian.feeds",
    "minjian.accountability",
    "minjian.aid",
    "minjian.claims",
    "minjian.petitions",
    "minjian.coalitions",
    # Above every domain app: they read every app's records.
    "minjian.archive",
    "minjian.mirrors",
    # Above every domain app: it writes the demo through their services.
    "minjian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "minjian.abuse.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Text answers gzipped (static files are WhiteNoise's, answered above from their
    # own gzip and Brotli copies); BREACH and what mitigates it: docs/deploy.md.
    "minjian.core.middleware.CompressedTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every query string and form field cleaned (minjian.core.text) before any view reads it.
    "minjian.core.middleware.CleanInputMiddleware",
    "minjian.core.middleware.DomainErrorMiddleware",
    # After DomainErrorMiddleware: exceptions reach the last middleware first.
    "minjian.abuse.middleware.RateLimitedMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minjian.core.context_processors.site",
            ],
        },
    },
]

DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while a report is written; the busy timeout keeps
    # two writers from failing at once on a small machine.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Rate limits count in Redis when it is the cache, else in the database: never in a
# process's own memory, which other gunicorn workers do not share (minjian/abuse/counters.py).
if env.REDIS_URL:
    default_cache: dict[str, Any] = {
        "BACKEND": "minjian.core.cache.ReusedClientRedisCache",
        "LOCATION": env.REDIS_URL,
        "KEY_PREFIX": "minjian",
        # An unreachable Redis is noticed within a second; rate limits then count in
        # the database for a while, and no request waits on Redis longer than this.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    default_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "minjian",
        # Room for the stored anonymous pages (minjian/core/public_cache.py) of a
        # worker: a few thousand pages of tens of kilobytes.
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
CACHES = {"default": default_cache}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end libraries come from npm (package-lock.json) and are served by us:
# no page loads a script, style or font from another host.
STATICFILES_DIRS = [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # ALTCHA's "external" build: no inline styles, no workers made from blobs, so it
    # runs under the strict Content-Security-Policy below.
    ("vendor/altcha", BASE_DIR / "node_modules" / "altcha" / "dist" / "external"),
    ("vendor/altcha-workers", BASE_DIR / "node_modules" / "altcha" / "dist" / "workers"),
]
# Photos are never served from MEDIA_URL: every photo address is answered by a view
# that asks the case's door first (minjian.cases.views_photos, minjian.core.storage).
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

if env.MEDIA_STORAGE == "s3":
    default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.S3_BUCKET,
            "endpoint_url": env.S3_ENDPOINT_URL or None,
            "access_key": env.S3_ACCESS_KEY,
            "secret_key": env.S3_SECRET_KEY,
            # A private bucket: nothing in it is readable without a signature, and a
            # photo's signed address (minjian.core.storage) expires within a minute.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.MEDIA_URL_SECONDS,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "minjian.core.durable_files.DurableFileSystemStorage"}
STORAGES = {
    "default": default_storage,
    # Hashed names (site.3f2a….css), so WhiteNoise lets browsers keep them for good
    # ("immutable"), with a gzip and a Brotli copy of each. `collectstatic` (make demo,
    # docs/deploy.md) writes the manifest the pages' addresses are read from.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Served at the site's root by WhiteNoise: /favicon.ico, for clients that ask there.
WHITENOISE_ROOT = BASE_DIR / "minjian" / "core" / "root"

# Uploads are read into memory up to this size and spooled to disk beyond it;
# the photo size limit itself is MINJIAN_MAX_PHOTO_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

if env.SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.SMTP_HOST
    EMAIL_PORT = env.SMTP_PORT
else:
    # The embedded default has no mail server: mails are written to the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def tile_origin(url: str) -> list[str]:
    """The scheme and host of an absolute URL template such as a tile server's, with
    Leaflet's subdomain placeholder `{s}` as a wildcard; nothing for a path on this host."""
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    return [f"{parts.scheme}://{host}"] if parts.scheme and host else []


# No inline script or style, no eval, nothing from another host but the operator's
# map tiles. Style attributes set from JavaScript (Leaflet, the ALTCHA widget) go
# through the CSSOM, which 'self' allows. The API's documentation page (django-ninja's
# Swagger UI, served from its own package) works under it too: no page is exempt.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: for the report form's preview of the photos being sent (cases/blur-boxes.js).
        "img-src": [SELF, "data:", "blob:", *tile_origin(env.MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
MINJIAN_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self)"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Minjian's own settings.
MINJIAN_SITE_URL = env.SITE_URL
MINJIAN_MAX_PHOTO_BYTES = env.MAX_PHOTO_BYTES
# Losing this file means signing under a new key: back it up (docs/deploy.md).
MINJIAN_SIGNING_KEY_FILE = (
    Path(env.SIGNING_KEY_FILE) if env.SIGNING_KEY_FILE else DATA_DIR / "signing_key.pem"
)
MINJIAN_SIGNING_KEY_MADE_AT_FIRST_USE = not env.PRODUCTION
MINJIAN_MAX_PHOTOS_PER_CASE = 10
# Pixels, not bytes: a tiny file can claim a huge canvas (a decompression bomb).
MINJIAN_MAX_PHOTO_PIXELS = 50_000_000
# All the photos of one request together: checking decodes every pixel (about a second
# per 50 million on one core), so this bounds how long one report holds a web worker.
# Ten photos from a 12-megapixel phone camera fit.
MINJIAN_MAX_PIXELS_PER_REQUEST = 150_000_000
MINJIAN_MEDIA_SERVING = "signed-redirect" if env.MEDIA_STORAGE == "s3" else env.MEDIA_SERVING
MINJIAN_MEDIA_INTERNAL_PREFIX = env.MEDIA_INTERNAL_PREFIX
MINJIAN_MEDIA_URL_SECONDS = env.MEDIA_URL_SECONDS
MINJIAN_MAP_TILE_URL = env.MAP_TILE_URL
MINJIAN_MAP_TILE_ATTRIBUTION = env.MAP_TILE_ATTRIBUTION
MINJIAN_CASES_PER_PAGE = 20
# Anonymous pages (minjian/core/public_cache.py): how long a rendering is kept at most
# (it is dropped sooner, at the first change it shows), and how long a proxy or a
# browser may reuse it without asking, then serve it while it asks again.
MINJIAN_PUBLIC_PAGE_SECONDS = 3600
MINJIAN_PUBLIC_MAX_AGE = 5
MINJIAN_PUBLIC_STALE_SECONDS = 30
# Reports from anonymous and new reporters wait for a moderator; staff and members
# of verified organisations publish directly (minjian.cases.services.needs_review).
MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
MINJIAN_NEW_ACCOUNT_DAYS = 7
# Verifiers of different organisations needed before *false* or *corroborated* is public
# (minjian/claims; the site's staff acting as such count as one organisation).
MINJIAN_VERDICT_CONFIRMATIONS = env.VERDICT_CONFIRMATIONS
# Signatures a petition needs from its first signers before a moderator looks at it
# (minjian/petitions).
MINJIAN_PETITION_SPONSORS = 5
# Suggested to verifiers as a duplicate from this similarity on (minjian.cases.services_merge);
# None: the similarity engine's threshold (minjian.cases.similarity.DEFAULT_THRESHOLD).
MINJIAN_DUPLICATE_SUGGESTION_SCORE = env.DUPLICATE_SUGGESTION_SCORE
# A coalition's proposal shows how its members voted only to those whose organisation has
# voted, until it closes (minjian/coalitions); False shows the count to everyone at once.
MINJIAN_PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED = env.PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED
MINJIAN_DEMO_PASSWORD = env.DEMO_PASSWORD

# Abuse control (minjian/abuse). Behind reverse proxies: how many append to X-Forwarded-For.
MINJIAN_TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
# scope: (how many, per how many seconds). A client is an account when signed in, else
# its network (an IPv4 address or an IPv6 /64), counted as a keyed hash.
MINJIAN_RATE_LIMITS: dict[str, tuple[int, int]] = {
    # Case reports, by web form and API together: the form counts the reports it takes
    # (one refused for a mistake comes back to be corrected), the API every attempt.
    "case_report": (10, 60 * 60),
    # Lookups of similar cases (POST /api/v1/cases/similar), asked again as a report is
    # written: a few dozen a report.
    "similar_cases": (300, 60 * 60),
    # Photos kept for report forms not sent yet (a refused form keeps its photos), per
    # client or account: they take room on the disk for a few hours.
    "draft_photo": (100, 60 * 60),
    "comment": (30, 60 * 60),
    # Failed log-ins of one device that holds a device cookie (a browser its account's
    # owner logged in with): past this, its cookie no longer lets it skip the waits below.
    "login_failure_device": (10, 24 * 60 * 60),
    # Accounts created per client.
    "signup": (5, 60 * 60),
    # Sign-up attempts that ask whether a pseudonym is free, per client: each one counts,
    # free or taken, so nobody finds out at speed which pseudonyms exist.
    "pseudonym_check": (10, 60 * 60),
    # Reset mails asked for per client, and per address typed (no mail bombing).
    "password_reset_client": (5, 60 * 60),
    "password_reset_address": (3, 60 * 60),
    # Follows of cases by e-mail asked for per client, and confirmation mails per address.
    "case_follow": (20, 60 * 60),
    "case_follow_address": (5, 60 * 60),
    # Anonymous forms sent without the proof of work (no JavaScript), per client.
    "proof_of_work_skipped": (3, 60 * 60),
    # Open311 service requests posted per client (an application relays many people).
    "open311": (100, 60 * 60),
    "aid_pledge": (20, 60 * 60),  # aid pledges per client or account, web and API
    # Readers' flags of public texts (minjian/claims), per client or account, web and API.
    "flag": (20, 60 * 60),
    # Signatures of petitions (minjian/petitions), per client or account, and per petition
    # from everyone: beyond either, a signature is taken but waits for a moderator.
    "petition_sign": (30, 60 * 60),
    "petition_sign_petition": (20_000, 60),
    # Previews of chosen photos the browser cannot show itself (HEIC), per client.
    "photo_preview": (60, 60 * 60),
}
# Failed log-ins slow the next attempt down rather than lock an account
# (minjian/accounts/login_guard.py): scope: (failures without a wait, first wait, longest wait,
# failures counted over how many seconds). Each failure past the free ones doubles the wait
# before the next attempt is checked. Per pseudonym typed, from any address: a guesser
# gets about a hundred tries a day; the owner, from a browser she logged in with before
# (a device cookie), never waits. Per client it allows more: many people in China share
# one address behind a carrier's NAT.
MINJIAN_BACKOFFS: dict[str, tuple[int, int, int, int]] = {
    "login_failure_account": (5, 2, 15 * 60, 24 * 60 * 60),
    "login_failure_client": (20, 2, 15 * 60, 60 * 60),
}
# How long a browser stays known to the account it logged in to (the device cookie).
MINJIAN_DEVICE_COOKIE_DAYS = 180
# The ALTCHA proof of work: PBKDF2 rounds per try, the range of tries a browser needs,
# and how long a challenge lives. 3,000 tries of 1,000 rounds took 2.6 s in Chromium
# on a 2-core machine; the default asks for a sixth of that on average (about half a
# second there, a few seconds on a cheap phone). Making a challenge costs the server
# one derivation of MINJIAN_ALTCHA_COST rounds (under a millisecond).
MINJIAN_ALTCHA_ALGORITHM = "PBKDF2/SHA-256"
MINJIAN_ALTCHA_COST = 500
MINJIAN_ALTCHA_COUNTER_RANGE = (500, 1_500)
MINJIAN_ALTCHA_EXPIRY_SECONDS = 20 * 60

# Background work (minjian/jobs; docs/architecture.md, "Background work").
MINJIAN_JOBS_BACKEND = env.JOBS_BACKEND
MINJIAN_JOBS_REDIS_URL = env.JOBS_REDIS_URL
MINJIAN_JOBS_NAMESPACE = env.JOBS_NAMESPACE
MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS = env.JOBS_HEARTBEAT_TIMEOUT_MS
MINJIAN_JOBS_MAINTENANCE_CHANCE = env.JOBS_MAINTENANCE_CHANCE
MINJIAN_JOBS_MAX_RETRIES = env.JOBS_MAX_RETRIES
MINJIAN_JOBS_MIN_BACKOFF_MS = env.JOBS_MIN_BACKOFF_MS
MINJIAN_JOBS_MAX_BACKOFF_MS = env.JOBS_MAX_BACKOFF_MS
# In-process backend: a job taken by a process that then died is taken again after this.
MINJIAN_JOBS_LEASE_SECONDS = 10 * 60

# The map's covering indexes (cases.Case.Meta) carry INCLUDE columns for PostgreSQL;
# SQLite makes them plain indexes on their keys, which is all it can use anyway.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
