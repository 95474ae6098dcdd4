"""The `X_FILE` convention for secrets, free of Django so that the settings and the
CLIs that must run without them (`unibos-hub`) read secrets the same way.

A secret X comes from the file that X_FILE names (on hosts: no secret sits in a unit's
environment) or from X itself (development). Errors name the variable.
"""

import os
from pathlib import Path


class SecretError(ValueError):
    """A secret variable set wrongly; the message names it."""


def _set(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def read_secret(name: str) -> str | None:
    """The secret X=`name`, or None when neither X nor X_FILE is set."""
    file_name = f"{name}_FILE"
    path, direct = _set(file_name), _set(name)
    if path is not None and direct is not None:
        raise SecretError(f"{name} and {file_name} are both set; set one of them")
    if path is None:
        return direct
    try:
        content = Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SecretError(
            f"{file_name} names {path!r}, which cannot be read: {error.strerror}"
        ) from None
    if not content:
        raise SecretError(f"{file_name} names {path!r}, which is empty")
    return content
