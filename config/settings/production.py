"""Production: PostgreSQL, Redis, S3-compatible media, HTTPS behind a proxy.

Refuses to start without a SECRET_KEY; `manage.py check --deploy` is clean.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import MINJIAN_JOBS_BACKEND, SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "MINJIAN_PRODUCTION is set but SECRET_KEY is missing or shorter than 50 characters. "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

if MINJIAN_JOBS_BACKEND == "inline":
    raise ImproperlyConfigured(
        "MINJIAN_JOBS=inline runs mail and routing inside the request and retries nothing: "
        "leave it unset, or use redis (with REDIS_URL) or in-process."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
