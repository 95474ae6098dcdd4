import os

import click
import django
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


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
