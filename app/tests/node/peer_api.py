"""Nodes of one organization passing operations on over HTTP: each node's API runs under
gunicorn on 127.0.0.1, as its unit runs it, and a node that pulls runs its real peer
watch (heartbeat, proof, pull) in the test process, with the peers it is to find
announced by hand: who finds whom is the test's to say (C that never sees A), not
mDNS's (test_peers_are_found_and_lost_over_real_mdns covers discovery).
"""

import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from unibos.node.peers import exchange
from unibos.node.peers.auth import NodeToken
from unibos.node.peers.table import Announcement
from unibos.node.peers.watch import PeerWatch
from unibos.node.state import Identity, StateDir
from unibos.node.sync.store import SyncStore
from unibos_controller.testbed.servers import free_port
from unibos_controller.testbed.waiting import wait_until
from unibos_controller.testbed.workers import worker_environment

from tests.node.keyserver import SigningKey
from tests.node.lan import GUNICORN, ORGANIZATION, PROBE, enrol


@dataclass
class PeerNode:
    base: Path
    name: str
    # The hub's key: in the node's cached JWKS, and the signer of its node token.
    key: SigningKey
    organization: dict = field(default_factory=lambda: dict(ORGANIZATION))
    # Signs the node's own token instead of the hub's key: a forged proof.
    token_key: SigningKey | None = None
    node_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    port: int = field(default_factory=free_port)
    api: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        enrol(
            self.state_dir,
            self.node_id,
            self.name,
            self.organization,
            self.key,
            token_key=self.token_key,
        )

    @property
    def state_dir(self) -> Path:
        return self.base / "state"

    @property
    def store_path(self) -> Path:
        return self.base / "sync.sqlite3"

    def identity(self) -> Identity:

        return StateDir(self.state_dir).identity()

    def store(self) -> SyncStore:

        return SyncStore(self.store_path, self.node_id)

    def announcement(self) -> Announcement:
        """How mDNS would describe it to its peers."""

        return Announcement(
            self.node_id,
            self.name,
            "127.0.0.1",
            self.port,
            self.organization["id"],
            "0.1.0",
            "localhost",
        )

    def start_api(self) -> "PeerNode":
        env = worker_environment(
            UNIBOS_DEPLOYMENT_TYPE="node",
            UNIBOS_ALLOWED_HOSTS="localhost",
            UNIBOS_NODE_STATE_DIR=str(self.state_dir),
            UNIBOS_SYNC_DB_PATH=str(self.store_path),
            UNIBOS_SQLITE_PATH=str(self.base / "node.sqlite3"),
            UNIBOS_DATA_DIR=str(self.base),
            UNIBOS_HUB_URL="http://127.0.0.1:9",
            UNIBOS_HUBS="",
            UNIBOS_MDNS_INTERFACES="",
            UNIBOS_LOG_LEVEL="INFO",
        )
        command = [GUNICORN, "unibos.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        with (self.base / "api.log").open("ab") as output:
            self.api = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(self._answering, 60, f"{self.name}'s API answering", interval=0.2)
        return self

    def stop_api(self) -> None:
        if self.api is not None and self.api.poll() is None:
            self.api.terminate()
            self.api.wait(timeout=30)

    def api_log(self) -> str:
        path = self.base / "api.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def watch(self, *peers: "PeerNode", **options: object) -> PeerWatch:
        """Its peer watch, the real one but for mDNS: `peers` are announced to it."""

        identity = self.identity()
        token = NodeToken(StateDir(self.state_dir), identity, "", lambda: "http://127.0.0.1:9")
        watch = PeerWatch(identity, self.store_path, token, Announced, **options)
        for peer in peers:
            watch.discovery.announce(peer.announcement())
        return watch

    def _answering(self) -> bool:
        if self.api is not None and self.api.poll() is not None:
            raise AssertionError(f"{self.name}'s API exited:\n{self.api_log()}")
        probe = [sys.executable, "-c", PROBE, "127.0.0.1", str(self.port)]
        return subprocess.run(probe, capture_output=True, timeout=30, check=False).returncode == 0


class Pulls:
    """exchange.pull with a `limit`, counting its calls, its answers changed by `change`
    after its own checks (an answer as a wrong peer would give it)."""

    def __init__(self, limit: int = exchange.MAX_LIMIT, change=None) -> None:
        self.limit, self.change, self.calls = limit, change, 0

    def __call__(self, *args: object, **options: object) -> dict:
        self.calls += 1
        answer = exchange.pull(*args, limit=self.limit, **options)
        return answer if self.change is None else self.change(answer)


class Announced:
    """mDNS's stand-in: the test announces the peers."""

    def __init__(self, on_announced, on_withdrawn) -> None:
        self.announce, self.withdraw = on_announced, on_withdrawn

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass
