"""UNIBOS: the hub and node HTTP APIs and the Celery workers of the distribution."""

__version__ = "0.1.0"
