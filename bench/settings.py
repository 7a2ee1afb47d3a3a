"""Settings of the benchmark server: the embedded default plus the bare baseline view.

The bare view lives only here, never in the product's URLs: `bench.urls` adds it
in front of `config.urls`. The database, the data folder and the secret key come
from the environment that `bench/http_pages.py` gives the server.
"""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# No `collectstatic` before a benchmark: static files under their plain names, so the
# pages render without a manifest. What the pages weigh as `make demo` serves them
# (hashed names, compressed) is bench/page_weights.py's to measure.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
}

# A surge of reports from a few addresses (bench/report_surge.py): the per-client limit on
# reports is lifted (it is still counted, as in production), and reports without an
# account are published without review once their photos are ready, so that every report
# of the benchmark goes the whole way. Neither setting changes what the page benchmarks read.
MINJIAN_RATE_LIMITS = MINJIAN_RATE_LIMITS | {"case_report": (10**9, 60 * 60)}  # noqa: F405
MINJIAN_REVIEW_UNTRUSTED_REPORTS = False
