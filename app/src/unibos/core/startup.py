"""Refuse to serve or consume with settings that the system checks reject."""

from collections.abc import Iterable

from django.conf import settings
from django.core import checks
from django.core.checks import Tags
from django.core.management.base import SystemCheckError


def fail_on_check_errors(*, serves_http: bool = True) -> None:
    """Raise SystemCheckError listing every error-level check message.

    Services call this before they serve or consume: gunicorn then fails to boot and
    Celery exits non-zero, with the messages (naming the setting) in the journal.

    A process that serves no HTTP (a Celery worker, beat) passes serves_http=False and
    skips the checks tagged `urls`: they import the URL conf, and with it the whole HTTP
    API (PyJWT and cryptography among it), which such a process would then hold for its
    lifetime for nothing (3.9 MB of a Pi Zero 2 W node's worker). The API's own start
    runs them.
    """
    errors = [
        message
        for message in _messages(serves_http)
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        raise SystemCheckError(
            "UNIBOS refuses to start; system checks failed:\n"
            + "\n".join(str(error) for error in errors)
        )


def _messages(serves_http: bool) -> Iterable[checks.CheckMessage]:
    databases = _databases_to_check()
    if serves_http:
        return checks.run_checks(databases=databases)
    # run_checks can select checks by tag but not leave a tag out, and most checks have
    # no tag at all.
    return [
        message
        for check in checks.registry.registry.get_checks()
        if Tags.urls not in check.tags
        for message in check(app_configs=None, databases=databases)
    ]


def _databases_to_check() -> list[str] | None:
    # The hub's row-level security only isolates organizations if the app's database
    # role cannot bypass it (unibos.E010); nothing else at start needs the database.
    return ["default"] if settings.UNIBOS_DEPLOYMENT_TYPE == "hub" else None
