import functools
import os

import click
import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import configure_logging


def configure_django() -> None:
    """Load the settings the first time a command needs them.

    Not in the group's callback: `--help` and usage errors must work on a host whose
    environment file is broken, and say what is wrong with the options first.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
    if not apps.ready:
        try:
            django.setup()
        except ImproperlyConfigured as error:
            raise click.ClickException(f"bad settings: {error}") from None


@functools.cache
def configure_settings() -> None:
    """The settings and their logging, as configure_django sets them up, without the
    app registry (once per process).

    For a command that reads settings but no model (the sync agent: its store is a
    SQLite file of its own): it does not import every installed app, their models and
    what they import (Celery, the hub's apps), most of a Django process's memory. A
    model used after this raises AppRegistryNotReady.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unibos.settings")
    if apps.ready:
        return
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    except ImproperlyConfigured as error:
        raise click.ClickException(f"bad settings: {error}") from None
