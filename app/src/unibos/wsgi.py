"""The WSGI application that gunicorn serves on the hub and the nodes."""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

from unibos.core.startup import fail_on_check_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
django.setup(set_prefix=False)
# Raising here makes gunicorn's worker fail to boot, and gunicorn exit, with the
# failing checks in the journal, instead of answering requests with broken settings.
fail_on_check_errors()
application = WSGIHandler()
