"""ASGI entry point."""

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler

from config.settings_module import configure

configure()
application: ASGIHandler = get_asgi_application()
