"""What the identity commands (orgs, users, nodes, keys) share: the Django settings and
the hub's database, loaded only once one of them runs.

`unibos-hub status` and `failover` must import and work without either (the database
may be what is broken), so nothing here imports Django before a command needs it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from django.db.models import Model

    from unibos.identity.models import Organization, User


@contextmanager
def system() -> Iterator[None]:
    """Run the block across all organizations; problems become exit 1 with their message.

    Bad settings say `bad settings: ...`; a limit or a refused change says what the API
    would say.
    """
    from unibos.cli.django_setup import configure_django  # noqa: PLC0415

    configure_django()
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.db import DatabaseError  # noqa: PLC0415

    from unibos.identity import tenancy  # noqa: PLC0415
    from unibos.identity.keys import NoSigningKey  # noqa: PLC0415
    from unibos.identity.limits import LimitExceeded  # noqa: PLC0415
    from unibos.identity.members import MembershipRefused  # noqa: PLC0415

    try:
        with tenancy.system():
            yield
    except ImproperlyConfigured as error:
        raise click.ClickException(f"bad settings: {error}") from None
    except (LimitExceeded, MembershipRefused, NoSigningKey) as error:
        raise click.ClickException(str(error)) from None
    except DatabaseError as error:
        raise click.ClickException(f"the hub's database refused: {error}") from None


def when(moment: datetime | None) -> str:
    """A timestamp to the second, or `-` for none."""
    return "-" if moment is None else moment.isoformat(timespec="seconds")


def organization(slug: str, lock: bool = False) -> "Organization":
    """The organization SLUG (row-locked with `lock`), or exit 1 naming it."""
    from unibos.identity.models import Organization  # noqa: PLC0415

    found = Organization.objects.select_for_update() if lock else Organization.objects
    org = found.filter(slug=slug).first()
    if org is None:
        raise click.ClickException(f"no organization {slug!r}")
    return org


def user(username: str) -> "User":
    """The user USERNAME, or exit 1 naming it."""
    from unibos.identity.models import User  # noqa: PLC0415

    found = User.objects.filter(username=username).first()
    if found is None:
        raise click.ClickException(f"no user {username!r}")
    return found


def validate(instance: "Model") -> None:
    """The model's own validation (slug pattern, choices, uniqueness), as exit 1."""
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    try:
        instance.full_clean()
    except ValidationError as error:
        raise click.ClickException(
            "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        ) from None


def choice(value: str, choices: Iterable[str], option: str) -> str:
    """`value` if it is one of `choices` (the models', known once Django is loaded)."""
    known = list(choices)
    if value not in known:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(known)}", param_hint=option)
    return value
