"""
WSGI config for dora_site project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dora_site.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:  # a malformed setting: one line, not a traceback
    raise SystemExit(f"Configuration error: {error}") from None
