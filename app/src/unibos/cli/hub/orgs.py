"""`unibos-hub orgs`: list, create, show organizations and set their limits."""

import click

from unibos.cli import tables
from unibos.cli.hub import database
from unibos.identity.limits import PLANS

LIMITS = {"max_users": "users", "max_nodes": "nodes"}


@click.group()
def orgs() -> None:
    """List and manage organizations (needs the hub's settings and database)."""


@orgs.command("list")
def list_organizations() -> None:
    """One line per organization, with its users and nodes against its limits."""
    with database.system():
        from unibos.identity.models import Organization  # noqa: PLC0415

        rows = [
            (
                org.slug,
                org.name,
                org.type,
                org.plan,
                f"{org.memberships.count()}/{org.max_users}",
                f"{org.nodes.filter(revoked_at__isnull=True).count()}/{org.max_nodes}",
            )
            for org in Organization.objects.all()
        ]
    click.echo(tables.table(("SLUG", "NAME", "TYPE", "PLAN", "USERS", "NODES"), rows))


@orgs.command()
@click.argument("slug")
@click.option("--name", required=True, help="The organization's display name.")
@click.option(
    "--type",
    "kind",
    default="organization",
    show_default=True,
    help="The kind of organization: individual, family, team, nonprofit, ...",
)
@click.option("--plan", type=click.Choice(list(PLANS)), default="free", show_default=True)
def create(slug: str, name: str, kind: str, plan: str) -> None:
    """Create organization SLUG with the limits of its plan."""
    with database.system():
        from unibos.identity.models import Organization  # noqa: PLC0415

        org = Organization(slug=slug, name=name, type=kind, plan=plan)
        database.validate(org)
        org.save()
    click.echo(f"created organization {org.slug} (id {org.pk}, plan {org.plan})")


@orgs.command()
@click.argument("slug")
def show(slug: str) -> None:
    """An organization's settings, limits and usage."""
    with database.system():
        org = database.organization(slug)
        lines = {
            "slug": org.slug,
            "id": str(org.pk),
            "name": org.name,
            "type": org.type,
            "plan": org.plan,
            "users": f"{org.memberships.count()} of max_users {org.max_users}",
            "nodes": f"{org.nodes.filter(revoked_at__isnull=True).count()} of max_nodes "
            f"{org.max_nodes}",
            "max_storage_mb": str(org.max_storage_mb),
            "modules": ", ".join(org.modules) or "-",
            "created": database.when(org.created_at),
        }
    width = max(len(key) for key in lines)
    for key, value in lines.items():
        click.echo(f"{key.ljust(width)}  {value}")


@orgs.command("set-limit")
@click.argument("slug")
@click.option("--max-users", type=click.IntRange(min=1))
@click.option("--max-nodes", type=click.IntRange(min=0))
@click.option("--max-storage-mb", type=click.IntRange(min=0))
def set_limit(
    slug: str, max_users: int | None, max_nodes: int | None, max_storage_mb: int | None
) -> None:
    """Change an organization's limits; not below what it uses already."""
    wanted = {
        name: value
        for name, value in (
            ("max_users", max_users),
            ("max_nodes", max_nodes),
            ("max_storage_mb", max_storage_mb),
        )
        if value is not None
    }
    if not wanted:
        raise click.UsageError("give at least one of --max-users, --max-nodes, --max-storage-mb")
    with database.system():
        from django.db import transaction  # noqa: PLC0415

        with transaction.atomic():
            org = database.organization(slug, lock=True)
            used = {
                "max_users": org.memberships.count(),
                "max_nodes": org.nodes.filter(revoked_at__isnull=True).count(),
            }
            for name, value in wanted.items():
                if name in used and value < used[name]:
                    raise click.ClickException(
                        f"organization {slug!r} has {used[name]} {LIMITS[name]}; {name} cannot "
                        f"be {value}"
                    )
                setattr(org, name, value)
            org.save(update_fields=list(wanted))
    click.echo(" ".join(f"{name}={value}" for name, value in wanted.items()))
