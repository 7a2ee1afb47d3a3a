"""Test settings: the embedded default, with fast hashing and in-memory mail."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from config import env
from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail stays in memory, unless a run (a test's worker process) names a real SMTP server.
if not env.SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="minjian-test-media-"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as the embedded default keeps it, not Django's in-memory test database:
    # that one is a single connection shared by every thread (a live server's request
    # threads, the in-process job runner), so one thread's commit could meet another's
    # unfinished statement ("cannot commit transaction - SQL statements in progress").
    # On a file each thread has its own connection and waits its turn to write, as in
    # production. In shared memory where there is some: as fast as the in-memory one.
    _SHARED_MEMORY = Path("/dev/shm")  # noqa: S108  # a folder of our own is made in it
    _TEST_DATABASE_FOLDER = Path(
        tempfile.mkdtemp(
            prefix="minjian-test-db-", dir=_SHARED_MEMORY if _SHARED_MEMORY.is_dir() else None
        )
    )
    atexit.register(shutil.rmtree, _TEST_DATABASE_FOLDER, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_DATABASE_FOLDER / "test.sqlite3")}  # noqa: F405
# Static files straight from the apps' folders, without `collectstatic` and its manifest
# of hashed names (which the embedded default and production use; a test checks them).
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
# Most tests are about what happens after publication; the moderation tests turn
# review on themselves.
MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
# A proof of work that takes the tests (and the browser test) a few milliseconds.
MINJIAN_ALTCHA_COST = 1
MINJIAN_ALTCHA_COUNTER_RANGE = (10, 50)
# Jobs run at once, in the committing thread, unless the run asks for a backend
# (the live_worker fixture starts worker processes with MINJIAN_JOBS=redis).
MINJIAN_JOBS_BACKEND = env.JOBS_BACKEND_CHOSEN or "inline"
