"""The hub's identity checks: row-level security must bind the app, tokens need keys.

Each message names the environment variable to fix, as unibos.core.checks does.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import OperationalError, connections


@register(Tags.database)
def check_database_role(
    databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """unibos.E010: a superuser or BYPASSRLS role skips every row-level security policy.

    A database check, so it runs where the database is asked for (`migrate`, `check
    --database default`) and not on every import of the settings.
    """
    if settings.UNIBOS_DEPLOYMENT_TYPE != "hub":
        return []
    errors: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles "
                    "WHERE rolname = current_user"
                )
                name, superuser, bypass = cursor.fetchone()
        except OperationalError as error:
            # A hub must still boot while its database fails over; /api/ready keeps it
            # out of HAProxy meanwhile, and the next start checks the role again.
            errors.append(
                CheckWarning(
                    f"could not check UNIBOS_DB_USER's row-level security rights: {error}",
                    id="unibos.W010",
                )
            )
            continue
        if superuser or bypass:
            errors.append(
                Error(
                    f"UNIBOS_DB_USER ({name!r}) is a PostgreSQL "
                    f"{'superuser' if superuser else 'BYPASSRLS role'}, which skips row-level "
                    "security: every organization could read every other's rows.",
                    hint=f"Connect as a role with NOSUPERUSER NOBYPASSRLS "
                    f"(ALTER ROLE {name} NOSUPERUSER NOBYPASSRLS).",
                    id="unibos.E010",
                )
            )
    return errors


@register()
def check_signing_key_passphrase(**kwargs: Any) -> list[CheckMessage]:
    """unibos.E011: the hub cannot create or read its signing keys without it."""
    if settings.UNIBOS_DEPLOYMENT_TYPE == "hub" and not settings.UNIBOS_SIGNING_KEY_PASSPHRASE:
        return [
            Error(
                "UNIBOS_SIGNING_KEY_PASSPHRASE is not set (nor "
                "UNIBOS_SIGNING_KEY_PASSPHRASE_FILE); the hub encrypts its token signing keys "
                "with it.",
                hint="The same passphrase on every hub.",
                id="unibos.E011",
            )
        ]
    return []
