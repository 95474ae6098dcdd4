import json
from typing import Any

import click

from unibos.cli import tables
from unibos.cli.django_setup import configure_settings
from unibos.cli.node.enrolled import enrolled_identity

COLUMNS = ("name", "address", "organization", "state", "last seen", "it lacks", "we lack")


def text(peers: list[dict[str, Any]]) -> str:
    if not peers:
        return "no peers found (yet) on the LAN"
    return tables.table(
        COLUMNS,
        [
            (
                peer["name"],
                peer["address"],
                str(peer["organization"]),
                peer["state"] if peer["reason"] is None else f"{peer['state']} ({peer['reason']})",
                peer["last_seen"] or "never",
                "-" if peer["it_lacks"] is None else str(peer["it_lacks"]),
                "-" if peer["we_lack"] is None else str(peer["we_lack"]),
            )
            for peer in peers
        ],
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def peers(as_json: bool) -> None:
    """List the nodes of this node's organization found on the LAN (mDNS, then a
    heartbeat every 3 s): name, address, organization, state (found, up, gone or
    refused), last seen, and how many operations each side holds that the other lacks
    (`it lacks`: of this node's; `we lack`: of the peer's). Exit 1 when not enrolled."""
    configure_settings()
    # Imported once the settings are loaded: the store reads UNIBOS_SYNC_DB_PATH.
    from unibos.node.peers.listing import describe  # noqa: PLC0415
    from unibos.node.sync.store import SyncStore  # noqa: PLC0415

    identity = enrolled_identity()
    with SyncStore.of_node(identity) as store:
        found = describe(store)
    click.echo(json.dumps({"peers": found}, indent=2) if as_json else text(found))
