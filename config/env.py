"""The one module that reads the process environment.

Every setting an operator can change is read here, with its default, so that
`docs/deploy.md` and this file are the whole list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _optional_float(name: str) -> float | None:
    value = os.environ.get(name)
    return float(value) if value else None


PRODUCTION: bool = _flag("MINJIAN_PRODUCTION")
DEBUG: bool = _flag("MINJIAN_DEBUG", default=False)
DATA_DIR: Path = Path(os.environ.get("MINJIAN_DATA_DIR") or BASE_DIR / "data").resolve()
DATABASE_URL: str = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'minjian.sqlite3'}"
REDIS_URL: str = os.environ.get("REDIS_URL", "")
ALLOWED_HOSTS: list[str] = _list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = _list("CSRF_TRUSTED_ORIGINS", [])
# "local" keeps media under DATA_DIR/media; "s3" uses any S3-compatible store.
MEDIA_STORAGE: str = os.environ.get("MINJIAN_MEDIA_STORAGE", "local")
S3_BUCKET: str = os.environ.get("MINJIAN_S3_BUCKET", "")
S3_ENDPOINT_URL: str = os.environ.get("MINJIAN_S3_ENDPOINT_URL", "")
S3_ACCESS_KEY: str = os.environ.get("MINJIAN_S3_ACCESS_KEY", "")
S3_SECRET_KEY: str = os.environ.get("MINJIAN_S3_SECRET_KEY", "")
# How local photos leave the disk once Minjian has said who may see them: "django"
# (Minjian sends the file itself), "x-accel-redirect" (nginx sends it from an internal
# location, MEDIA_INTERNAL_PREFIX) or "x-sendfile" (Apache's mod_xsendfile, lighttpd).
MEDIA_SERVING: str = os.environ.get("MINJIAN_MEDIA_SERVING", "django")
MEDIA_INTERNAL_PREFIX: str = os.environ.get("MINJIAN_MEDIA_INTERNAL_PREFIX", "/_media/")
# On S3 the bucket is private and a photo is read through a signed address that lives
# this many seconds.
MEDIA_URL_SECONDS: int = _int("MINJIAN_MEDIA_URL_SECONDS", 60)
MAX_PHOTO_BYTES: int = _int("MINJIAN_MAX_PHOTO_BYTES", 15 * 1024 * 1024)
# Empty means no tiles: the map then shows the cases' points on a plain
# background, with the list beside it. Public tile hosts are often blocked or
# watched, so none is set by default.
MAP_TILE_URL: str = os.environ.get("MINJIAN_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION: str = os.environ.get("MINJIAN_MAP_TILE_ATTRIBUTION", "")
SMTP_HOST: str = os.environ.get("MINJIAN_SMTP_HOST", "")
SMTP_PORT: int = _int("MINJIAN_SMTP_PORT", 25)
DEFAULT_FROM_EMAIL: str = os.environ.get("MINJIAN_FROM_EMAIL", "minjian@localhost")
SITE_URL: str = os.environ.get("MINJIAN_SITE_URL", "http://127.0.0.1:8000")
# How many reverse proxies in front of Minjian append to X-Forwarded-For. 0 (the
# default) ignores that header, which any client can send, and uses the connection's
# address; rate limits count clients by it (as keyed hashes, never stored as such).
TRUSTED_PROXY_COUNT: int = _int("MINJIAN_TRUSTED_PROXY_COUNT", 0)
# How many verifiers, each of a different organisation, must agree before a case or a
# claim is publicly *false* or *corroborated* (minjian/claims): 1 suits a small instance;
# with 2, the first verifier's verdict waits for a verifier of another organisation.
VERDICT_CONFIRMATIONS: int = max(1, _int("MINJIAN_VERDICT_CONFIRMATIONS", 1))
# From what score (0 to 1: text, and nearness in place and time) a public case similar to
# an earlier one is suggested to verifiers as its duplicate (minjian/cases/services_merge.py);
# unset, the similarity engine's measured threshold of one story (DEFAULT_THRESHOLD, 0.4).
DUPLICATE_SUGGESTION_SCORE: float | None = _optional_float("MINJIAN_DUPLICATE_SUGGESTION_SCORE")
# Whether a coalition's proposal hides how its members voted from everyone whose
# organisation has not voted yet, until it closes (minjian/coalitions).
PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED: bool = _flag(
    "MINJIAN_PROPOSAL_RESULTS_HIDDEN_UNTIL_CLOSED", default=True
)
# The instance's Ed25519 signing key, a PEM file (minjian/core/signing.py): what Minjian
# signs, anyone checks with the public key at /.well-known/minjian.json. Production needs
# it made once at setup (docs/deploy.md, "The signing key"); unset outside production,
# one is made in DATA_DIR at first use.
SIGNING_KEY_FILE: str = os.environ.get("MINJIAN_SIGNING_KEY_FILE", "")
# The password of every demo account; empty means load_demo makes one and prints it once.
DEMO_PASSWORD: str = os.environ.get("MINJIAN_DEMO_PASSWORD", "")
# Where deferred jobs run (minjian/jobs): "redis" (a queue in Redis, run by
# `manage.py run_worker` processes), "in-process" (threads of the web process, queued
# in the database) or "inline" (at once, in the committing thread). Unset: "redis"
# when there is a Redis (REDIS_URL or MINJIAN_JOBS_REDIS_URL), otherwise "in-process".
JOBS_BACKEND_CHOSEN: str = os.environ.get("MINJIAN_JOBS", "")
# The queue's Redis, if not the cache's: a queue must never have keys evicted, a cache may.
JOBS_REDIS_URL: str = os.environ.get("MINJIAN_JOBS_REDIS_URL") or REDIS_URL
JOBS_BACKEND: str = JOBS_BACKEND_CHOSEN or ("redis" if JOBS_REDIS_URL else "in-process")
# The prefix of every Redis key of the job queue.
JOBS_NAMESPACE: str = os.environ.get("MINJIAN_JOBS_NAMESPACE", "minjian-jobs")
# A worker silent for this long is taken for dead and its unfinished jobs go back
# on the queue; a live worker speaks at least once a second.
JOBS_HEARTBEAT_TIMEOUT_MS: int = _int("MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS", 60_000)
# Out of a million queue commands, how many also look for dead workers' jobs.
JOBS_MAINTENANCE_CHANCE: int = _int("MINJIAN_JOBS_MAINTENANCE_CHANCE", 10_000)
# A failing job is tried again after a wait that doubles each time, up to these.
JOBS_MAX_RETRIES: int = _int("MINJIAN_JOBS_MAX_RETRIES", 12)
JOBS_MIN_BACKOFF_MS: int = _int("MINJIAN_JOBS_MIN_BACKOFF_MS", 15_000)
JOBS_MAX_BACKOFF_MS: int = _int("MINJIAN_JOBS_MAX_BACKOFF_MS", 60 * 60 * 1000)


def secret_key() -> str:
    """The SECRET_KEY from the environment or, outside production, from the data folder.

    The embedded default makes a key once and keeps it beside the database, so
    sessions survive a restart without the newcomer having to choose one.
    Production never invents a key: an empty value is refused by its settings.
    """
    from_env = os.environ.get("SECRET_KEY", "")
    if from_env or PRODUCTION:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
