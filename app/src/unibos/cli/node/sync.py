import json
import signal
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click
from django.conf import settings

from unibos.cli.django_setup import configure_settings
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubRefused, HubUnreachable
from unibos.node.state import BrokenState, Identity, NotEnrolled

if TYPE_CHECKING:
    from unibos.node.sync.store import SyncStore


def text(document: dict[str, Any]) -> str:
    rows = [
        ("queue", f"{document['queue']} operations not yet on the hub"),
        ("last seq", document["last_seq"]),
        ("checkpoint", document["checkpoint"]),
        ("last sync", document["last_sync_at"] or "never"),
        ("conflicts", f"{document['conflicts']} unresolved"),
    ]
    if "round" in document:
        rows.insert(0, ("round", ", ".join(f"{k} {v}" for k, v in document["round"].items())))
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label + ':':<{width}}{value}" for label, value in rows)


@click.command()
@click.option("--once", is_flag=True, help="Run one sync round with the hub first.")
@click.option(
    "--watch",
    is_flag=True,
    help="Run as the sync service until SIGTERM: sync while a hub answers, wait while none does.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def sync(once: bool, watch: bool, as_json: bool) -> None:
    """Show this node's sync state: queue length, last sync, conflicts. With --once,
    push the queue to the hub and pull its changes first; exit 1 when the hub is
    unreachable or refuses. With --watch, keep syncing (every UNIBOS_SYNC_INTERVAL
    seconds and when operations are queued) while a hub answers, log the online and
    offline transitions, and exit 0 on SIGTERM after the round in flight."""
    if watch and (once or as_json):
        raise click.UsageError("--watch runs until stopped: it takes neither --once nor --json")
    # Settings only: the agent and its store use no model (a Pi's memory).
    configure_settings()
    # Imported once the settings are loaded: the store reads UNIBOS_SYNC_DB_PATH.
    from unibos.node.sync.agent import Agent  # noqa: PLC0415
    from unibos.node.sync.hub_routing import Hubs  # noqa: PLC0415
    from unibos.node.sync.store import SyncStore  # noqa: PLC0415

    config = NodeConfig.from_settings()
    try:
        identity = config.state.identity()
        credential = config.state.credential() if once or watch else ""
    except (NotEnrolled, BrokenState) as error:
        raise click.ClickException(str(error)) from None
    store = SyncStore.of_node(identity)
    if watch:
        try:
            serve(store, identity, credential)
        finally:
            store.close()
        return
    try:
        document: dict[str, Any] = {}
        if once:
            # The write hub is the highest-priority one that answers its health check
            # now (UNIBOS_HUBS); none answering is HubUnreachable, reported below.
            hubs = Hubs.from_settings(identity)
            hubs.check()
            agent = Agent(store, identity, credential, hubs.write_url)
            try:
                document["round"] = asdict(agent.sync())
            except (HubUnreachable, HubRefused) as error:
                raise click.ClickException(str(error)) from None
        document.update(store.status())
    finally:
        store.close()
    click.echo(json.dumps(document, indent=2) if as_json else text(document))


def serve(store: "SyncStore", identity: Identity, credential: str) -> None:
    """`--watch`: the sync service, until SIGTERM (systemd's stop) or SIGINT."""
    from unibos.node.sync.agent import Agent  # noqa: PLC0415
    from unibos.node.sync.detector import OfflineDetector  # noqa: PLC0415
    from unibos.node.sync.hub_routing import Hubs  # noqa: PLC0415
    from unibos.node.sync.runner import Runner  # noqa: PLC0415

    hubs = Hubs.from_settings(identity)
    runner = Runner(
        Agent(store, identity, credential, hubs.write_url),
        store,
        OfflineDetector(hubs),
        settings.UNIBOS_SYNC_INTERVAL,
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runner.stop())
    runner.run()
