"""The UNIBOS_PATRONI_* variables, read straight from the environment.

`unibos-hub` must work when the hub's Django settings or database are broken (that is
when one needs it), so it reads no settings: importing unibos.settings.environment
would load the whole settings package. Secrets follow the settings' X_FILE convention
(unibos.secret_files). Errors name the variable, like the settings'.
"""

import os
from urllib.parse import urlsplit

import click

from unibos.secret_files import SecretError, read_secret

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


def _value(name: str) -> str:
    return os.environ.get(name, "").strip()


def patroni_urls() -> list[str]:
    """The base URL of each member's REST API, in the order to try them."""
    urls = [url.strip().rstrip("/") for url in _value(URLS).split(",") if url.strip()]
    if not urls:
        raise BadSetting(f"{URLS} is not set")
    for url in urls:
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            port_ok = False
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or not port_ok
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username is not None
        ):
            raise BadSetting(
                f"{URLS} must be comma-separated base URLs like http://rocksteady:8008, "
                f"and {url!r} is not one"
            )
    return urls


def username() -> str:
    return _value(USERNAME) or DEFAULT_USERNAME


def password() -> str:
    """Patroni's REST API password, from the file UNIBOS_PATRONI_PASSWORD_FILE names."""
    try:
        value = read_secret(PASSWORD)
    except SecretError as error:
        raise BadSetting(str(error)) from None
    if value is None:
        raise BadSetting(f"{PASSWORD} is not set (nor {PASSWORD}_FILE)")
    return value
