"""Refuse to serve or consume with settings that the system checks reject."""

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError


def fail_on_check_errors() -> None:
    """Raise SystemCheckError listing every error-level check message.

    Services call this before they serve or consume: gunicorn then fails to boot and
    Celery exits non-zero, with the messages (naming the setting) in the journal.
    """
    errors = [
        message
        for message in checks.run_checks(databases=_databases_to_check())
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        raise SystemCheckError(
            "UNIBOS refuses to start; system checks failed:\n"
            + "\n".join(str(error) for error in errors)
        )


def _databases_to_check() -> list[str] | None:
    # The hub's row-level security only isolates organizations if the app's database
    # role cannot bypass it (unibos.E010); nothing else at start needs the database.
    return ["default"] if settings.UNIBOS_DEPLOYMENT_TYPE == "hub" else None
