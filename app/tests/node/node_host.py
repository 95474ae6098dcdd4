"""A node host's own worker, `unibos worker`, in a subprocess as its unit runs it, and
`unibos` commands beside it: enrolled (its state written as `unibos enrol` leaves it),
with a data dir of its own and its broker on Redis database 1, apart from the hub's 0
(the node role's default)."""

import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis
from unibos_controller.testbed.workers import UNIBOS, WorkerProcess, node_name, worker_environment

NODE_REDIS_DB = 1
WORKER_NAME = node_name("node")


@dataclass
class NodeHost:
    node_id: str
    env: dict[str, str]
    data_dir: Path
    worker: WorkerProcess
    # The worker's registry record.
    record: dict

    @classmethod
    def start(
        cls,
        base: Path,
        client: redis.Redis,
        pool: str = "prefork",
        *options: str,
        launcher: tuple[str, ...] = (),
        **env: str,
    ) -> "NodeHost":
        """`options`: more of `unibos worker`'s (--with-sync); `launcher`: a command that
        runs `unibos` (an interpreter that records what it imports); `env`: more
        environment, or another UNIBOS_REDIS_DB (`client`'s)."""
        # Imported here: the node's state module reads nothing of Django, but the
        # fixtures module that imports this one loads before Django is set up.
        from unibos.node.state import Identity, StateDir  # noqa: PLC0415

        node_id = str(uuid.uuid4())
        identity = Identity(
            node_id=node_id,
            name="pi",
            organization={"id": 7, "slug": "acme", "name": "Acme"},
            issuer="unibos-hub-test",
            hub_url="http://127.0.0.1:9",
            enrolled_at=datetime.now(UTC).isoformat(),
        )
        StateDir(base / "state").enrol(identity, "not-a-real-credential")
        data_dir = base / "data"
        data_dir.mkdir()
        env = worker_environment(**{
            "UNIBOS_DEPLOYMENT_TYPE": "node",
            "UNIBOS_REDIS_DB": str(NODE_REDIS_DB),
            "UNIBOS_NODE_STATE_DIR": str(base / "state"),
            "UNIBOS_SQLITE_PATH": str(base / "node.sqlite3"),
            "UNIBOS_DATA_DIR": str(data_dir),
            **env,
        })  # fmt: skip
        client.flushdb()
        worker = WorkerProcess(
            ["--concurrency", "1", "--pool", pool, *options],
            env,
            base / "worker.log",
            command=(*launcher, UNIBOS, "worker"),
        ).start()
        try:
            record = worker.wait_registered(client, WORKER_NAME)
        except AssertionError:
            worker.stop()
            raise
        return cls(node_id, env, data_dir, worker, record)

    def unibos(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`unibos ARGS` on this node, as an operator runs it, with `env` added."""
        return subprocess.run(
            [UNIBOS, *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
