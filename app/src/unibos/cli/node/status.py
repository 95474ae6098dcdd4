import json
from typing import Any

import click

from unibos.cli.django_setup import configure_django
from unibos.node import connection, own_worker
from unibos.node.config import NodeConfig
from unibos.node.state import BrokenState, NotEnrolled


def text(document: dict[str, Any]) -> str:
    organization = document["organization"]
    hub = document["hub"]
    state = hub["state"] if hub["reason"] is None else f"{hub['state']} ({hub['reason']})"
    rows = [
        ("node", f"{document['name']} ({document['node_id']})"),
        ("organization", f"{organization.get('name')} ({organization.get('slug')})"),
        ("hub", hub["url"]),
        ("state", state),
        ("last contact", hub["last_contact_at"] or "never"),
        ("jwks fetched", hub["jwks_fetched_at"] or "never"),
        ("kids", ", ".join(hub["kids"]) or "none"),
        ("tasks", own_worker.summary(document["tasks"])),
    ]
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label + ':':<{width}}{value}" for label, value in rows)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def status(as_json: bool) -> None:
    """Show this node's identity, organization, hub connection and own task queue (the
    live workers serving it, the tasks waiting); exit 1 when not enrolled. An
    unreachable hub or broker is reported, not an error."""
    configure_django()
    try:
        document = connection.describe(NodeConfig.from_settings())
    except (NotEnrolled, BrokenState) as error:
        raise click.ClickException(str(error)) from None
    document["tasks"] = own_worker.describe(document["node_id"])
    click.echo(json.dumps(document, indent=2) if as_json else text(document))
