"""`unibos-hub nodes`: the node registry, enrolment tokens, revoking a node."""

import json

import click

from unibos.cli import tables
from unibos.cli.hub import database

DEFAULT_TTL_SECONDS = 3600


@click.group()
def nodes() -> None:
    """The node registry and enrolment (needs the hub's settings and database)."""


@nodes.command("list")
@click.option("--org", "slug", help="Only this organization's nodes.")
@click.option("--json", "as_json", is_flag=True, help="Print the nodes as one JSON list.")
def list_nodes(slug: str | None, as_json: bool) -> None:
    """Each node with its organization, version, last contact, and whether it is revoked."""
    with database.system():
        from unibos.http.hub import representations  # noqa: PLC0415
        from unibos.identity.models import Node  # noqa: PLC0415

        registry = Node.objects.select_related("organization").order_by(
            "organization__slug", "enrolled_at"
        )
        if slug is not None:
            registry = registry.filter(organization=database.organization(slug))
        documents = [representations.node(node) for node in registry]
        rows = [
            (
                str(node.pk),
                node.name,
                node.organization.slug,
                node.version or "-",
                database.when(node.enrolled_at),
                database.when(node.last_contact_at),
                "revoked" if node.revoked_at else "active",
            )
            for node in registry
        ]
    if as_json:
        click.echo(json.dumps(documents, indent=2))
        return
    header = ("ID", "NAME", "ORG", "VERSION", "ENROLLED", "LAST CONTACT", "STATE")
    click.echo(tables.table(header, rows))


@nodes.command("enrol-token")
@click.option("--org", "slug", required=True, help="The organization the node joins.")
@click.option(
    "--ttl",
    type=click.IntRange(min=60),
    default=DEFAULT_TTL_SECONDS,
    show_default=True,
    help="Seconds the token stays valid.",
)
def enrol_token(slug: str, ttl: int) -> None:
    """Print a one-time enrolment token (on stdout, alone) for `unibos enrol`."""
    with database.system():
        from unibos.identity import enrolment  # noqa: PLC0415

        secret, token = enrolment.create_token(database.organization(slug), None, ttl)
    click.echo(secret)
    click.echo(f"expires at {database.when(token.expires_at)}; shown once", err=True)


@nodes.command()
@click.argument("node_id", type=click.UUID)
def revoke(node_id: object) -> None:
    """Revoke NODE_ID: its credential and its tokens stop working."""
    with database.system():
        from unibos.identity import enrolment  # noqa: PLC0415
        from unibos.identity.models import Node  # noqa: PLC0415

        node = Node.objects.select_related("organization").filter(pk=node_id).first()
        if node is None:
            raise click.ClickException(f"no node {node_id}")
        enrolment.revoke(node)
    click.echo(f"revoked node {node.name} ({node.pk}) of {node.organization.slug}")
