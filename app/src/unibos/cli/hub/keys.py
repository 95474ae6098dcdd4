"""`unibos-hub keys`: the hub's token signing keys."""

import click

from unibos.cli import tables
from unibos.cli.hub import database


@click.group()
def keys() -> None:
    """List, create and rotate the JWT signing keys (needs the hub's settings and database)."""


@keys.command("list")
def list_keys() -> None:
    """Every key: next, active, and retired ones still published until they expire."""
    with database.system():
        from unibos.identity.models import SigningKey  # noqa: PLC0415

        rows = [
            (
                key.kid,
                key.state,
                database.when(key.created_at),
                database.when(key.activated_at),
                database.when(key.expires_at),
            )
            for key in SigningKey.objects.all()
        ]
    click.echo(tables.table(("KID", "STATE", "CREATED", "ACTIVATED", "EXPIRES"), rows))


@keys.command()
def ensure() -> None:
    """Create the active and next keys if missing; print `created` or `unchanged`."""
    with database.system():
        from unibos.identity import keys as signing_keys  # noqa: PLC0415

        created = signing_keys.ensure()
    click.echo("created" if created else "unchanged")


@keys.command()
def rotate() -> None:
    """Make the next key active; the active one retires once its last token expires."""
    with database.system():
        from unibos.identity import keys as signing_keys  # noqa: PLC0415
        from unibos.identity.models import SigningKey  # noqa: PLC0415

        active = signing_keys.rotate()
        retired = SigningKey.objects.filter(state=SigningKey.State.RETIRED).order_by("-retired_at")
        latest = retired.first()
        upcoming = SigningKey.objects.get(state=SigningKey.State.NEXT)
    click.echo(f"active  {active.kid}")
    click.echo(f"next    {upcoming.kid}")
    if latest is not None:
        click.echo(f"retired {latest.kid} (published until {database.when(latest.expires_at)})")
