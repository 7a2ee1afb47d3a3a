"""WSGI entry point (gunicorn config.wsgi)."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

from config.settings_module import configure

configure()
application: WSGIHandler = get_wsgi_application()
