"""The UNIBOS_PATRONI_* variables, read straight from the environment.

`unibos-hub` must work when the hub's Django settings or database are broken (that is
when one needs it), so it loads no settings: it reads the variables with the settings'
own readers (unibos.environment, which loads no profile), so secrets follow the same
X_FILE convention and errors name the variable the same way. Those readers raise
Django's ImproperlyConfigured (which reads no settings), so they are imported when a
command reads its variables: importing the CLI, and `--help`, load no Django at all.
"""

import click

URLS = "UNIBOS_PATRONI_URLS"
USERNAME = "UNIBOS_PATRONI_USERNAME"
PASSWORD = "UNIBOS_PATRONI_PASSWORD"
DEFAULT_USERNAME = "patroni"


class CannotAskPatroni(click.ClickException):
    """Exit 2: the cluster's state is unknown (bad settings, or no Patroni answered)."""

    exit_code = 2


class BadSetting(CannotAskPatroni):
    def __init__(self, message: str) -> None:
        super().__init__(f"bad settings: {message}")


def patroni_urls() -> list[str]:
    """The base URL of each member's REST API, in the order to try them."""
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    from unibos import environment as env  # noqa: PLC0415

    try:
        urls = env.base_urls(URLS, example="http://rocksteady:8008")
    except ImproperlyConfigured as error:
        raise BadSetting(str(error)) from None
    if not urls:
        raise BadSetting(f"{URLS} is not set")
    return urls


def username() -> str:
    from unibos import environment as env  # noqa: PLC0415

    return env.string(USERNAME, DEFAULT_USERNAME)


def password() -> str:
    """Patroni's REST API password, from the file UNIBOS_PATRONI_PASSWORD_FILE names."""
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    from unibos import environment as env  # noqa: PLC0415

    try:
        return env.secret(PASSWORD)
    except ImproperlyConfigured as error:
        raise BadSetting(str(error)) from None
