"""WSGI entry point (gunicorn config.wsgi)."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config.settings_module import configure

configure()
application: WSGIHandler = get_wsgi_application()
# Every URL pattern, view and API schema is loaded as the worker starts, before it takes a
# request: loaded by its first request instead, they cost that request a second and a half
# of CPU, and a worker started during a surge of reports (a deploy, a restart) kept every
# request behind it waiting (docs/benchmarks.md, "A surge of reports").
get_resolver().url_patterns  # noqa: B018  # read for its side effect: every urls module imported
