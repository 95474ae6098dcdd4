"""The Celery entry point: `celery -A unibos.celery` (beat, flower) and the CLIs.

The app is built in `unibos.core.celery_app`, below the packages that use it, so that
`unibos.dispatch` reaches it without importing this top-level module.
"""

from unibos.core.celery_app import app

__all__ = ["app"]
