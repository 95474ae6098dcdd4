"""System checks that stop a service whose settings would start it broken.

Each message names the environment variable (or setting) to fix, since that is the
line an operator edits in /etc/unibos/*.env.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from kombu.utils.url import maybe_sanitize_url

from unibos.queues import QUEUES

MIN_SECRET_KEY_LENGTH = 50
WEB_DEPLOYMENTS = ("hub", "node")


@register()
def check_secret_key(**kwargs: Any) -> list[CheckMessage]:
    if settings.UNIBOS_DEPLOYMENT_TYPE not in WEB_DEPLOYMENTS:
        return []
    if len(settings.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        return [
            Error(
                f"UNIBOS_SECRET_KEY (SECRET_KEY) has {len(settings.SECRET_KEY)} characters; "
                f"the {settings.UNIBOS_DEPLOYMENT_TYPE} needs at least {MIN_SECRET_KEY_LENGTH}.",
                id="unibos.E001",
            )
        ]
    return []


@register()
def check_allowed_hosts(**kwargs: Any) -> list[CheckMessage]:
    if settings.UNIBOS_DEPLOYMENT_TYPE in WEB_DEPLOYMENTS and not settings.ALLOWED_HOSTS:
        return [
            Error(
                "UNIBOS_ALLOWED_HOSTS (ALLOWED_HOSTS) is empty: the API would answer no request.",
                hint="List the host names clients use, comma-separated.",
                id="unibos.E002",
            )
        ]
    return []


@register()
def check_hub_database(**kwargs: Any) -> list[CheckMessage]:
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if settings.UNIBOS_DEPLOYMENT_TYPE == "hub" and engine != "django.db.backends.postgresql":
        return [
            Error(
                f"DATABASES['default']['ENGINE'] is {engine!r}; the hub runs on PostgreSQL "
                "(django.db.backends.postgresql) only.",
                id="unibos.E003",
            )
        ]
    return []


@register()
def check_broker(**kwargs: Any) -> list[CheckMessage]:
    redis = settings.UNIBOS_REDIS
    scheme, source = (
        ("sentinel", "UNIBOS_REDIS_SENTINELS")
        if redis.get("sentinels")
        else ("redis", "UNIBOS_REDIS_*")
    )
    errors: list[CheckMessage] = [
        Error(
            f"{name} must be a {scheme}:// URL built from {source}, not {_sanitized(url)!r}.",
            id="unibos.E004",
        )
        for name, url in (
            ("CELERY_BROKER_URL", settings.CELERY_BROKER_URL),
            ("CELERY_RESULT_BACKEND", settings.CELERY_RESULT_BACKEND),
        )
        # Through Sentinel, one URL per sentinel, separated by ';'.
        if not all(part.startswith(f"{scheme}://") for part in str(url).split(";"))
    ]
    if settings.UNIBOS_DEPLOYMENT_TYPE != "development" and not redis["password"]:
        errors.append(
            Error(
                "UNIBOS_REDIS_PASSWORD is empty; Redis runs with requirepass on every host.",
                id="unibos.E005",
            )
        )
    if redis.get("sentinels"):
        errors.extend(
            Error(
                f"{name}['master_name'] is {options.get('master_name')!r}; through Sentinel "
                f"it must be UNIBOS_REDIS_SENTINEL_MASTER ({redis['master']!r}).",
                id="unibos.E009",
            )
            for name, options in (
                ("CELERY_BROKER_TRANSPORT_OPTIONS", settings.CELERY_BROKER_TRANSPORT_OPTIONS),
                (
                    "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS",
                    settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS,
                ),
            )
            if options.get("master_name") != redis["master"]
        )
    return errors


def _sanitized(url: object) -> str:
    """The URL without its password, which must not reach the journal."""
    return ";".join(maybe_sanitize_url(part) for part in str(url).split(";"))


@register()
def check_health_queues(**kwargs: Any) -> list[CheckMessage]:
    unknown = [queue for queue in settings.UNIBOS_HEALTH_QUEUES if queue not in QUEUES]
    if unknown:
        return [
            Error(
                f"UNIBOS_HEALTH_QUEUES names unknown queue(s) {', '.join(unknown)}; "
                f"the queues are {', '.join(QUEUES)}.",
                id="unibos.E006",
            )
        ]
    return []


@register()
def check_data_dir(**kwargs: Any) -> list[CheckMessage]:
    data_dir: Path | None = getattr(settings, "UNIBOS_DATA_DIR", None)
    if data_dir is not None and not data_dir.is_dir():
        return [
            Error(
                f"UNIBOS_DATA_DIR ({data_dir}) is not a directory; tasks read their inputs "
                "there and write to its derived/.",
                id="unibos.E007",
            )
        ]
    return []


@register()
def check_sqlite_directory(**kwargs: Any) -> list[CheckMessage]:
    database = settings.DATABASES.get("default", {})
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return []
    directory = Path(database["NAME"]).parent
    if not directory.is_dir():
        return [
            Error(
                f"UNIBOS_SQLITE_PATH is in {directory}, which is not a directory.",
                id="unibos.E008",
            )
        ]
    return []
