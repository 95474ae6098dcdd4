import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click
from django.conf import settings

from unibos.cli.django_setup import configure_settings
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubRefused, HubUnreachable
from unibos.node.state import BrokenState, Identity, NotEnrolled

if TYPE_CHECKING:
    from unibos.node.sync.runner import Runner
    from unibos.node.sync.store import SyncStore

log = logging.getLogger("unibos.sync")


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


def runner_of(store: "SyncStore", identity: Identity, credential: str) -> "Runner":
    """The sync service of this node: the agent, its hubs and their offline detector."""
    from unibos.node.sync.agent import Agent  # noqa: PLC0415
    from unibos.node.sync.detector import OfflineDetector  # noqa: PLC0415
    from unibos.node.sync.hub_routing import Hubs  # noqa: PLC0415
    from unibos.node.sync.runner import Runner  # noqa: PLC0415

    hubs = Hubs.from_settings(identity)
    return Runner(
        Agent(store, identity, credential, hubs.write_url),
        store,
        OfflineDetector(hubs),
        settings.UNIBOS_SYNC_INTERVAL,
    )


def serve(store: "SyncStore", identity: Identity, credential: str) -> None:
    """`--watch`: the sync service, until SIGTERM (systemd's stop) or SIGINT."""
    runner = runner_of(store, identity, credential)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runner.stop())
    with watching_peers(identity, credential, runner):
        runner.run()


@contextmanager
def watching_peers(identity: Identity, credential: str, runner: "Runner") -> Iterator[None]:
    """The peer watch (mDNS, the heartbeat, the pulls: unibos.node.peers) beside the agent, in a
    thread of its own, while the agent runs; nothing when no mDNS interface is set."""
    from unibos.node.peers import watch  # noqa: PLC0415

    peers = watch.from_settings(identity, credential, runner.agent.hub)
    if peers is None:
        yield
        return
    peers.start()
    try:
        yield
    finally:
        # Says goodbye: the peers mark this node gone at once.
        peers.stop()


class SyncThread:
    """The sync service as a thread of another long-running process: the node's own
    worker on a device too small for both (`unibos worker --with-sync`, a Pi Zero 2 W),
    which then holds one copy of the app instead of two.

    Failure isolation stays honest: the agent's failure is not swallowed but calls
    `on_failure` (the worker stops, warm, and exits 1, so systemd restarts it and the
    agent with it), and what stops the worker stops the agent (after its round in flight;
    a round is safe to cut anywhere, as the killed-agent tests show). What it gives up
    is the other way round: a task that crashes the process takes the agent down with
    it until systemd restarts the unit, and both share one memory bound.
    """

    def __init__(
        self, identity: Identity, credential: str, on_failure: Callable[[], object]
    ) -> None:
        self.identity, self.credential, self.on_failure = identity, credential, on_failure
        self.failure: BaseException | None = None
        self._runner: Runner | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="unibos-sync", daemon=True)

    def start(self) -> None:
        # A host process such as Celery's worker takes over the root logger's handlers and
        # format once it runs: the agent's lines keep a handler of their own, on this
        # process's real stdout, in the format `unibos sync --watch` writes them.
        handler = logging.StreamHandler(sys.__stdout__)
        handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
        # The peer watch's too (unibos.node.peers), which runs beside the agent.
        for logger in (log, logging.getLogger("unibos.peers")):
            logger.addHandler(handler)
            logger.propagate = False
        self._thread.start()
        # The runner exists (or its construction failed) before the caller goes on.
        self._ready.wait()

    def _serve(self) -> None:
        from unibos.node.sync.store import SyncStore  # noqa: PLC0415

        try:
            # Made in this thread: a SQLite connection belongs to the thread that opened it.
            store = SyncStore.of_node(self.identity)
            try:
                self._runner = runner_of(store, self.identity, self.credential)
                with watching_peers(self.identity, self.credential, self._runner):
                    self._ready.set()
                    self._runner.run()
            finally:
                store.close()
        except BaseException as error:
            self.failure = error
            log.exception("the sync agent failed; stopping this process so that it restarts")
            self.on_failure()
        finally:
            self._ready.set()

    def stop(self, timeout: float | None = None) -> None:
        """End the agent after its round in flight and wait for it."""
        if self._runner is not None:
            self._runner.stop()
        self._thread.join(timeout)
