"""The state directory of `unibos-dev run` and `unibos-dev db`, and the environment of
every process of the local stack.

Everything lives under .dev-state/ in the checkout (gitignored): PostgreSQL's cluster,
kept between runs so the data persists; the generated secrets (the hub's signing keys
in its database are encrypted with one of them, so they must persist too); the node's
state and the workers' data. Redis is started afresh for each run: it holds the broker's
queues and caches, nothing that a developer's data depends on.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".dev-state"
# The one Redis serves the hub and its workers on database 0 and the node on 1, as the
# roles' defaults do (unibos_hub_redis_db, node_redis_db).
HUB_REDIS_DB = 0
NODE_REDIS_DB = 1


@dataclass(frozen=True)
class Side:
    """The hub or the node: its own database and login role on the stack's PostgreSQL."""

    name: str
    role: str
    database: str
    redis_db: int


SIDES = {
    "hub": Side("hub", "unibos_hub", "unibos_hub", HUB_REDIS_DB),
    "node": Side("node", "unibos_node", "unibos_node", NODE_REDIS_DB),
}


@dataclass(frozen=True)
class Ports:
    postgresql: int
    redis: int
    hub: int
    node: int


class State:
    """The state directory of the checkout `checkout`."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self.root = checkout / STATE_DIR

    @property
    def postgresql_dir(self) -> Path:
        return self.root / "postgresql"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    @property
    def app_source(self) -> Path:
        return self.checkout / "app" / "src"

    def prepare(self) -> None:
        self.root.mkdir(exist_ok=True)
        # PostgreSQL runs as its own user when this runs as root: it must reach its dir.
        self.root.chmod(0o755)
        self.secrets_dir.mkdir(mode=0o700, exist_ok=True)

    def secret(self, name: str) -> Path:
        """The file of the secret `name`, generated the first time it is asked for."""
        path = self.secrets_dir / name
        if not path.exists():
            # 64 characters: the settings checks want a SECRET_KEY of 50 or more.
            path.write_text(secrets.token_urlsafe(48) + "\n")
            path.chmod(0o600)
        return path

    def database_password_file(self, side: Side) -> Path:
        # Written by database.py when it creates the side's role.
        return self.secrets_dir / f"{side.name}_db_password"

    def redis_password_file(self) -> Path:
        return self.secret("redis_password")

    @property
    def ports_file(self) -> Path:
        """The ports of a `run` in progress (written at its start, removed at its end), so
        that `db` in another terminal reaches its servers."""
        return self.root / "ports.json"

    def recorded_ports(self) -> Ports | None:
        try:
            return Ports(**json.loads(self.ports_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def record_ports(self, ports: Ports) -> None:
        self.ports_file.write_text(json.dumps(dataclasses.asdict(ports)) + "\n")

    def base_environment(self, ports: Ports) -> dict[str, str]:
        """What every process of the stack shares: the app imported from this checkout's
        source tree, and no UNIBOS_* setting of the caller's (the stack says them all)."""
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("UNIBOS_") and name != "DJANGO_SETTINGS_MODULE"
        }
        # PYTHONPATH comes before the .pth of an editable install: the source tree of
        # this checkout is imported (and watched), whichever checkout .venv points at.
        python_path = os.pathsep.join(
            [str(self.app_source), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        return {
            **inherited,
            "PYTHONPATH": python_path,
            # Lines reach the prefixed output as they are written, not a pipe buffer later.
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "unibos.settings",
            "UNIBOS_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "UNIBOS_LOG_LEVEL": "INFO",
            "UNIBOS_REDIS_HOST": "127.0.0.1",
            "UNIBOS_REDIS_PORT": str(ports.redis),
            "UNIBOS_REDIS_PASSWORD_FILE": str(self.redis_password_file()),
        }

    def _database(self, side: Side, ports: Ports) -> dict[str, str]:
        return {
            "UNIBOS_DB_HOST": "127.0.0.1",
            "UNIBOS_DB_PORT": str(ports.postgresql),
            "UNIBOS_DB_NAME": side.database,
            "UNIBOS_DB_USER": side.role,
            "UNIBOS_DB_PASSWORD_FILE": str(self.database_password_file(side)),
            "UNIBOS_REDIS_DB": str(side.redis_db),
        }

    def hub_environment(self, ports: Ports) -> dict[str, str]:
        """The hub's and beat's environment, as roles/hub's hub.env says it."""
        return {
            **self.base_environment(ports),
            **self._database(SIDES["hub"], ports),
            "UNIBOS_DEPLOYMENT_TYPE": "hub",
            "UNIBOS_SECRET_KEY_FILE": str(self.secret("hub_secret_key")),
            "UNIBOS_SIGNING_KEY_PASSPHRASE_FILE": str(self.secret("hub_signing_key_passphrase")),
            "UNIBOS_JWT_ISSUER": "unibos-hub-dev",
        }

    def node_environment(self, ports: Ports) -> dict[str, str]:
        """The node's environment, as roles/node's node.env says it for a node on
        PostgreSQL, following the hub of this stack."""
        node_dir = self.root / "node"
        for directory in ("state", "data"):
            (node_dir / directory).mkdir(parents=True, exist_ok=True)
        return {
            **self.base_environment(ports),
            **self._database(SIDES["node"], ports),
            "UNIBOS_DEPLOYMENT_TYPE": "node",
            "UNIBOS_SECRET_KEY_FILE": str(self.secret("node_secret_key")),
            "UNIBOS_DB_ENGINE": "postgresql",
            "UNIBOS_HUB_URL": f"http://127.0.0.1:{ports.hub}",
            "UNIBOS_NODE_STATE_DIR": str(node_dir / "state"),
            "UNIBOS_DATA_DIR": str(node_dir / "data"),
        }

    def worker_environment(self, ports: Ports) -> dict[str, str]:
        """A worker host's environment (roles/celery_worker's worker.env), on the hub's
        Redis database."""
        data = self.root / "worker-data"
        data.mkdir(exist_ok=True)
        return {
            **self.base_environment(ports),
            "UNIBOS_DEPLOYMENT_TYPE": "worker",
            "UNIBOS_REDIS_DB": str(HUB_REDIS_DB),
            "UNIBOS_DATA_DIR": str(data),
            "UNIBOS_WORKER_CONCURRENCY": "1",
        }
