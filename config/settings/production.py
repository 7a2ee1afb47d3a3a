"""Production: PostgreSQL, Redis, S3-compatible media, HTTPS behind a proxy.

Refuses to start without a SECRET_KEY or the instance's signing key; `manage.py check
--deploy` is clean.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config import env
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

# A key made here would sign under a key nobody has backed up, and every earlier signature
# would stop matching the published one: production only reads the key it was given.
if not env.SIGNING_KEY_FILE or not Path(env.SIGNING_KEY_FILE).is_file():
    raise ImproperlyConfigured(
        "MINJIAN_PRODUCTION is set but MINJIAN_SIGNING_KEY_FILE is unset or names no file. "
        "Make the instance's signing key once with: "
        "openssl genpkey -algorithm ed25519 -out /etc/minjian/signing_key.pem "
        "(docs/deploy.md, 'The signing key')"
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
