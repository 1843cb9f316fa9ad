"""WSGI entry point (gunicorn govhall.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
application = get_wsgi_application()
