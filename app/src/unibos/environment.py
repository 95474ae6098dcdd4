"""Typed readers for the UNIBOS_* environment variables.

Every reader raises ImproperlyConfigured naming the variable, so a unit that fails to
start says in the journal which line of its environment file is wrong. A reader given
no default requires the variable.

Outside the settings package, whose import loads a profile: importing this module
reads nothing, so the CLIs that must work without the settings (`unibos-hub status`,
`unibos-worker start --help`) use the same readers and vocabularies.
"""

import json
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import ImproperlyConfigured

from unibos.secret_files import SecretError, read_secret

# The log levels that UNIBOS_LOG_LEVEL and `unibos-worker start --loglevel` accept.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, required: bool) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name} is not set")
    return None


def string(name: str, default: str | None = None) -> str:
    value = _raw(name, required=default is None)
    return value if value is not None else str(default)


def integer(name: str, default: int | None = None, minimum: int | None = None) -> int:
    value = _raw(name, required=default is None)
    if value is None:
        return int(str(default))
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def boolean(name: str, default: bool | None = None) -> bool:
    value = _raw(name, required=default is None)
    if value is None:
        return bool(default)
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {value!r}")


def strings(name: str, default: Sequence[str] | None = None) -> list[str]:
    """A comma-separated list; set but empty is an empty list, not a missing value."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} is not set")
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def json_value(name: str, default: object) -> object:
    """A JSON document; unset or empty is `default`. Only the syntax is checked here:
    what the value must hold is its reader's business, reported by a system check."""
    value = _raw(name, required=False)
    if value is None:
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} must be JSON: {error}") from None


def addresses(name: str) -> list[tuple[str, int]]:
    """A comma-separated list of `host:port`; unset or empty is an empty list.

    An IPv6 address is written in brackets, `[::1]:26379`.
    """
    pairs = []
    for item in strings(name, ()):
        host, colon, port = item.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        elif ":" in host:
            host = ""
        if not colon or not _is_host(host) or not port.isdigit() or not 0 < int(port) < 65536:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated host:port pairs, and {item!r} is not one"
            )
        pairs.append((host, int(port)))
    return pairs


def prioritized_urls(name: str) -> list[tuple[str, int | None]]:
    """A comma-separated list of `url` or `url@priority` (http or https, an integer
    priority, lower first); unset or empty is an empty list. A URL without a priority
    gets None: the reader does not know what the caller ranks it after."""
    entries: list[tuple[str, int | None]] = []
    for item in strings(name, ()):
        url, at, priority = item.rpartition("@") if "@" in item else (item, "", "")
        parts = urlsplit(url)
        if (at and not priority.isdigit()) or not _is_http_url(parts):
            raise ImproperlyConfigured(
                f"{name} must be comma-separated http(s) URLs, each optionally followed by "
                f"@priority (a whole number), and {item!r} is not one"
            )
        entries.append((url.rstrip("/"), int(priority) if at else None))
    return entries


def base_urls(name: str, example: str) -> list[str]:
    """A comma-separated list of http(s) base URLs, scheme, host and port only (`example`
    shows one in the error), in the order given; unset or empty is an empty list."""
    urls = []
    for item in strings(name, ()):
        url = item.rstrip("/")
        parts = urlsplit(url)
        if not _is_http_url(parts) or parts.path:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated base URLs like {example}, and {url!r} is not one"
            )
        urls.append(url)
    return urls


def _is_http_url(parts: SplitResult) -> bool:
    # No user information: credentials come from secrets, never from a URL.
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and _has_valid_port(parts)
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
    )


def _has_valid_port(parts: SplitResult) -> bool:
    # urlsplit raises ValueError for a port that is not a number or beyond 65535, and
    # lets 0 through: nothing listens there.
    try:
        port = parts.port
    except ValueError:
        return False
    return port != 0


def _is_host(host: str) -> bool:
    return bool(host) and not any(character in host for character in "/@?#[] \t")


def choice(name: str, choices: Sequence[str], default: str | None = None) -> str:
    value = string(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def path(name: str, default: Path | None = None) -> Path:
    value = _raw(name, required=default is None)
    if value is None:
        return Path(str(default))
    if not os.path.isabs(value):
        raise ImproperlyConfigured(f"{name} must be an absolute path, not {value!r}")
    return Path(value)


def secret(name: str, default: str | None = None) -> str:
    """The secret from the file named by `<name>_FILE`, or from `<name>` itself.

    Hosts use the file, so that no secret sits in a unit's environment; the plain
    variable is for development.
    """
    try:
        value = read_secret(name)
    except SecretError as error:
        raise ImproperlyConfigured(str(error)) from None
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} is not set (nor {name}_FILE)")
    return default
