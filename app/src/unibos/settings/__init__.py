"""Django settings: the profile named by UNIBOS_DEPLOYMENT_TYPE.

DJANGO_SETTINGS_MODULE is always `unibos.settings`, so a unit file never has to know
which module fits the host; the environment file's deployment type picks it.
"""

from importlib import import_module

from unibos import environment

DEPLOYMENT_TYPES = ("hub", "node", "worker", "development")

_profile = import_module(
    f"unibos.settings.{environment.choice('UNIBOS_DEPLOYMENT_TYPE', DEPLOYMENT_TYPES)}"
)
globals().update({name: value for name, value in vars(_profile).items() if name.isupper()})
