"""A LAN of this test's own for real mDNS: a network namespace holding a veth pair, one
end per node, and node processes started inside it (`unibos sync --watch` and the node
API under gunicorn), each as its unit runs it.

Multicast needs an interface that carries it: the namespace's veth ends do, and they
reach nothing outside it (the build machine's own interfaces are never used). Each end
is one node's LAN interface (UNIBOS_MDNS_INTERFACES); the kernel loops multicast back
between the two sockets, as a switch would pass it between two hosts.
"""

import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from unibos_controller.testbed.waiting import wait_until
from unibos_controller.testbed.workers import UNIBOS, worker_environment

from tests.node.keyserver import ISSUER, SigningKey

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
API_PORT = 8001
ORGANIZATION = {"id": 7, "slug": "acme", "name": "Acme"}
# Any HTTP answer says the API serves (a GET of a POST-only path: 405).
PROBE = (
    "import http.client, sys; c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), "
    "timeout=1); c.request('GET', '/api/peers/heartbeat'); c.getresponse()"
)


def enrol(
    state_dir: Path,
    node_id: str,
    name: str,
    organization: dict,
    key: SigningKey,
    *,
    token_key: SigningKey | None = None,
) -> None:
    """A node's state as `unibos enrol` and its agent leave it: its identity, the hub's
    keys (`key`'s) cached and a node token the hub issued (signed by `token_key`, the
    hub's key unless a test forges one); the hub itself is unreachable (127.0.0.1:9)."""
    from unibos.node.peers.auth import NODE_TOKEN  # noqa: PLC0415
    from unibos.node.state import JWKS, Identity, StateDir  # noqa: PLC0415

    state = StateDir(state_dir)
    state.enrol(
        Identity(
            node_id=node_id,
            name=name,
            organization=organization,
            issuer=ISSUER,
            hub_url="http://127.0.0.1:9",
            enrolled_at=datetime.now(UTC).isoformat(),
        ),
        "not-a-real-credential",
    )
    state.write_json(JWKS, {"keys": [key.jwk], "fetched_at": datetime.now(UTC).isoformat()})
    token = (token_key or key).sign(
        organization["id"], lifetime=3600, sub=f"node:{node_id}", role="node"
    )
    expires_at = datetime.now(UTC).timestamp() + 3600
    document = {"token": token, "expires_at": expires_at}
    state.write(NODE_TOKEN, json.dumps(document).encode(), 0o600)


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


class Lan:
    def __init__(self) -> None:
        self.name = f"unibos-mdns-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.interfaces = {"mdns0": "10.251.0.1", "mdns1": "10.251.0.2"}

    def create(self) -> "Lan":
        ip("netns", "add", self.name)
        try:
            ip("-n", self.name, "link", "set", "lo", "up")
            ip("-n", self.name, "link", "add", "mdns0", "type", "veth", "peer", "name", "mdns1")
            for interface, address in self.interfaces.items():
                ip("-n", self.name, "addr", "add", f"{address}/24", "dev", interface)
                ip("-n", self.name, "link", "set", interface, "up")
        except BaseException:
            self.delete()
            raise
        return self

    def delete(self) -> None:
        subprocess.run(["ip", "netns", "del", self.name], check=False, timeout=30)

    def inside(self, *command: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *command]


@dataclass
class LanNode:
    """One enrolled node on the LAN: its state, with the hub's keys cached and a node
    token the hub issued (the hub itself is unreachable: 127.0.0.1:9)."""

    lan: Lan
    base: Path
    interface: str
    key: SigningKey
    name: str
    organization: dict = field(default_factory=lambda: dict(ORGANIZATION))
    node_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.lan.interfaces[self.interface]

    @property
    def env(self) -> dict[str, str]:
        return worker_environment(
            UNIBOS_DEPLOYMENT_TYPE="node",
            UNIBOS_ALLOWED_HOSTS="localhost",
            UNIBOS_NODE_STATE_DIR=str(self.base / "state"),
            UNIBOS_SYNC_DB_PATH=str(self.base / "sync.sqlite3"),
            UNIBOS_SQLITE_PATH=str(self.base / "node.sqlite3"),
            UNIBOS_DATA_DIR=str(self.base),
            UNIBOS_HUB_URL="http://127.0.0.1:9",
            UNIBOS_HUBS="",
            UNIBOS_NODE_API_PORT=str(API_PORT),
            UNIBOS_MDNS_INTERFACES=self.interface,
            UNIBOS_LOG_LEVEL="INFO",
        )

    def enrol(self) -> "LanNode":
        enrol(self.base / "state", self.node_id, self.name, self.organization, self.key)
        return self

    def start_api(self) -> None:
        command = [GUNICORN, "unibos.wsgi:application", "--bind", f"{self.address}:{API_PORT}"]
        self._start(command, "api.log")
        wait_until(
            lambda: (
                subprocess.run(
                    self.lan.inside(sys.executable, "-c", PROBE, self.address, str(API_PORT)),
                    capture_output=True,
                    timeout=30,
                    check=False,
                ).returncode
                == 0
            ),
            60,
            f"{self.name}'s API answering",
            interval=0.2,
        )

    def start_agent(self) -> None:
        self._start([UNIBOS, "sync", "--watch"], "agent.log")

    def announced(self) -> bool:
        return "announcing this node on the LAN" in self.output("agent.log")

    def peers(self) -> dict[str, dict]:
        """Its peers by name, as the agent saved them."""
        from unibos.node.sync.store import SyncStore  # noqa: PLC0415

        if not (self.base / "sync.sqlite3").exists():
            return {}
        with SyncStore(self.base / "sync.sqlite3", self.node_id) as store:
            return {peer["name"]: peer for peer in store.peers()}

    def kill(self) -> None:
        """SIGKILL to every process of the node: no goodbye, as a power cut."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def output(self, log: str) -> str:
        path = self.base / log
        return path.read_text(errors="replace") if path.exists() else ""

    def _start(self, command: list[str], log: str) -> None:
        with (self.base / log).open("ab") as output:
            self.processes.append(
                subprocess.Popen(
                    self.lan.inside(*command),
                    env=self.env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
