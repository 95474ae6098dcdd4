"""`unibos-dev db`: the local stack's hub and node databases."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.dev import common
from unibos_controller.devstack import database
from unibos_controller.devstack.state import SIDES, State

side_option = click.option(
    "--side",
    type=click.Choice(list(SIDES)),
    default="hub",
    show_default=True,
    help="Whose database: the hub's or the node's.",
)


@click.group()
def db() -> None:
    """The hub's and the node's databases of `unibos-dev run` (in .dev-state/). With a
    run in progress its PostgreSQL is used; without one, it is started for the command
    and stopped after it. Dumps are pg_dump's custom format, of the whole database.

    Exit codes: 0 done, 1 the command or a database tool failed, 2 refused (nothing
    changed)."""


def _state() -> State:
    return State(common.checkout())


@db.command()
@click.option("--side", type=click.Choice(list(SIDES)), help="Only this side [default: both].")
def migrate(side: str | None) -> None:
    """Apply the migrations (django-admin migrate with the side's settings)."""
    state = _state()
    with database.postgresql(state, owned=False) as server:
        ports = database.ports(state, server)
        for name in [side] if side else list(SIDES):
            click.echo(f"{name}:")
            code = database.django_admin(state, SIDES[name], ports, ["migrate", "--noinput"])
            if code != 0:
                raise SystemExit(1)


@db.command()
@side_option
def shell(side: str) -> None:
    """Django's shell with the side's settings."""
    state = _state()
    with database.postgresql(state, owned=False) as server:
        code = database.django_admin(state, SIDES[side], database.ports(state, server), ["shell"])
    raise SystemExit(1 if code else 0)


@db.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@side_option
def dump(file: Path, side: str) -> None:
    """Write the side's database to FILE (pg_dump, custom format)."""
    state = _state()
    with database.postgresql(state, owned=False) as server:
        try:
            database.dump(server, SIDES[side], file.resolve())
        except database.Failed as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None
    click.echo(f"dumped the {side}'s database to {file}")


@db.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@side_option
def load(file: Path, side: str) -> None:
    """Replace the side's database by the dump FILE (of the same side). Refused before
    anything changes when FILE is missing, not a dump, or another side's."""
    path = file.resolve()
    if not path.is_file():
        # Before even starting PostgreSQL.
        raise common.refused(f"{file} does not exist (or is not a file); nothing was changed")
    state = _state()
    with database.postgresql(state, owned=False) as server:
        try:
            database.load(server, SIDES[side], path)
        except database.Refused as error:
            raise common.refused(str(error)) from None
        except database.Failed as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None
    click.echo(f"loaded {file} into the {side}'s database")
