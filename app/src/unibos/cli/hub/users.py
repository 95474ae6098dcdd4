"""`unibos-hub users`: list and create users, add them to organizations and remove them."""

import sys

import click

from unibos.cli import tables
from unibos.cli.hub import database


@click.group()
def users() -> None:
    """List and manage users and their memberships (needs the hub's settings and database)."""


@users.command("list")
@click.option("--org", "slug", help="Only this organization's members, with their roles.")
def list_users(slug: str | None) -> None:
    """One line per user, with the organizations they belong to and as what."""
    with database.system():
        from unibos.identity.models import Membership, User  # noqa: PLC0415

        if slug is not None:
            org = database.organization(slug)
            members = Membership.objects.filter(organization=org).select_related("user")
            rows = [(m.user.username, m.user.email, m.role) for m in members]
            click.echo(tables.table(("USERNAME", "EMAIL", "ROLE"), rows))
            return
        rows = [
            (
                user.username,
                user.email,
                "yes" if user.is_active else "no",
                ", ".join(
                    f"{m.organization.slug}:{m.role}"
                    for m in Membership.objects.filter(user=user).select_related("organization")
                )
                or "-",
            )
            for user in User.objects.order_by("username")
        ]
    click.echo(tables.table(("USERNAME", "EMAIL", "ACTIVE", "ORGANIZATIONS"), rows))


@users.command()
@click.argument("username")
@click.option("--email", default="", help="The user's e-mail address.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of stdin instead of asking for it.",
)
def create(username: str, email: str, password_stdin: bool) -> None:
    """Create user USERNAME, who belongs to no organization yet (see `users add`)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise click.ClickException("the password is empty")
    with database.system():
        from unibos.identity.models import User  # noqa: PLC0415

        user = User(username=username, email=email)
        user.set_password(password)
        database.validate(user)
        user.save()
    click.echo(f"created user {username} (id {user.pk})")


@users.command()
@click.argument("username")
@click.option("--org", "slug", required=True, help="The organization's slug.")
@click.option("--role", required=True, help="owner, admin, member or viewer.")
def add(username: str, slug: str, role: str) -> None:
    """Make USERNAME a member of an organization, within its max_users."""
    with database.system():
        from unibos.identity import members  # noqa: PLC0415
        from unibos.identity.models import Membership  # noqa: PLC0415

        database.choice(role, Membership.Role.values, "--role")
        members.add(database.organization(slug), database.user(username), role)
    click.echo(f"added {username} to {slug} as {role}")


@users.command()
@click.argument("username")
@click.option("--org", "slug", required=True, help="The organization's slug.")
def remove(username: str, slug: str) -> None:
    """Take USERNAME out of an organization (not its last owner)."""
    with database.system():
        from unibos.identity import members  # noqa: PLC0415
        from unibos.identity.models import Membership  # noqa: PLC0415

        org, user = database.organization(slug), database.user(username)
        membership = (
            Membership.objects.filter(organization=org, user=user)
            .select_related("user", "organization")
            .first()
        )
        if membership is None:
            raise click.ClickException(f"{username!r} is not a member of {slug!r}")
        members.remove(membership)
    click.echo(f"removed {username} from {slug}")
