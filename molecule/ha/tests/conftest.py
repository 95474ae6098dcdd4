"""Fixtures for verifying the `ha` scenario's cluster from the build machine.

Three podman containers, rocksteady and bebop (the hubs) and witness (docs/architecture.md,
"High availability of the hub"). Commands run in them through testinfra's podman backend;
Patroni's REST API is read from the build machine at the hubs' addresses on the
`unibos-ha` network. bench/hakit.py, shared with bench/failover.py, holds the names, the
parsing and the podman helpers.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import testinfra
from testinfra.host import Host

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import hakit
import testkit

HUBS = hakit.HUBS
WITNESS = hakit.WITNESS
MEMBERS = hakit.MEMBERS


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The scenario verifies twice with one verifier configuration: the run after the
    side effect writes its JUnit file beside the first one's instead of over it, so
    scripts/test-summary counts both."""
    xmlpath = getattr(config.option, "xmlpath", None)
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
    if xmlpath and directory and (Path(directory) / "failover.json").exists():
        config.option.xmlpath = xmlpath.replace("verify-ha.xml", "verify-ha-after.xml")


# A cluster member may be settling: an error while checking means "not yet".
wait_for = functools.partial(testkit.wait_for, errors_are_not_yet=True)


@dataclass
class Cluster:
    """The three containers and the few ways the tests talk to them."""

    hosts: dict[str, Host]
    redis_password: str

    def members(self) -> list[hakit.Member]:
        """Patroni's members, from GET /cluster on the first hub that answers."""
        return hakit.patroni_cluster()

    def leader(self) -> str:
        leader = hakit.leader_of(self.members())
        assert leader is not None, f"no single Patroni leader: {self.members()}"
        return leader.name

    def status(self, hub: str) -> tuple[int, list[hakit.Member]]:
        """`unibos-hub status --json` on a hub: (exit status, members)."""
        out = self.hosts[hub].run("unibos-hub status --json")
        try:
            return out.rc, hakit.members_of(json.loads(out.stdout))
        except ValueError:
            return out.rc, []

    def psql(self, name: str, sql: str) -> list[list[str]]:
        """Rows of SQL run as postgres over the container's local socket."""
        out = self.hosts[name].check_output(
            "runuser -u postgres -- %s -w -X -A -t -F '|' -d postgres -c %s",
            hakit.PSQL,
            sql,
        )
        return [line.split("|") for line in out.splitlines() if line]

    def hub_sql(self, hub: str, port: int, sql: str) -> str:
        """SQL as the hub's database user through the hub's own HAProxy (127.0.0.1:PORT)."""
        password_file = f"{hakit.SECRETS_DIR}/hub_database_password"
        command = shlex.join(
            [
                hakit.PSQL, "-w", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port),
                "-U", hakit.HUB_DATABASE_USER, "-d", hakit.HUB_DATABASE, "-c", sql,
            ]
        )  # fmt: skip
        return self.hosts[hub].check_output(f'PGPASSWORD="$(cat {password_file})" {command}')

    def redis(self, name: str, *args: str, port: int = hakit.REDIS_PORT) -> str:
        """redis-cli in a container, authenticated with the shared Redis password."""
        command = ["redis-cli", "-p", str(port), "--no-auth-warning", "-a", self.redis_password]
        return self.hosts[name].check_output(shlex.join([*command, *args]))

    def sentinel_master(self, name: str) -> str | None:
        """The container the Sentinel on `name` names as the master of `unibos`."""
        out = self.redis(
            name,
            "SENTINEL",
            "get-master-addr-by-name",
            hakit.SENTINEL_MASTER,
            port=hakit.SENTINEL_PORT,
        ).split()
        return hakit.container_for(out[0]) if out else None

    def replication(self, name: str) -> dict[str, str]:
        return hakit.parse_info(self.redis(name, "INFO", "replication"))

    def fetch(self, name: str, url: str) -> tuple[int, str]:
        """GET url inside the container: (status, body)."""
        return testkit.fetch(self.hosts[name], url)

    def beat_hubs(self) -> list[str]:
        """The hubs where unibos-beat is active."""
        return [hub for hub in HUBS if self.hosts[hub].service("unibos-beat").is_running]


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    missing = [name for name in MEMBERS if not hakit.is_running(name)]
    if missing:
        pytest.fail(f"not running: {', '.join(missing)}; converge the `ha` scenario first")
    return Cluster(
        hosts={name: testinfra.get_host(f"podman://{name}") for name in MEMBERS},
        redis_password=hakit.read_secret("redis_password"),
    )


@pytest.fixture(scope="session")
def hosts(cluster: Cluster) -> dict[str, Host]:
    """The containers by name: hosts["rocksteady"], hosts["bebop"], hosts["witness"]."""
    return cluster.hosts


# Written by the side effect (bench/failover.py --once-for-verify --report).
REPORT = "failover.json"


# Session-scoped like `cluster`, and first in each test's arguments, so that a missing
# report skips the test before the cluster is even looked at.
@pytest.fixture(scope="session")
def report(request):
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
    if not directory:
        pytest.skip("MOLECULE_EPHEMERAL_DIRECTORY is not set: no side effect report to read")
    path = Path(directory) / REPORT
    if not path.exists():
        pytest.skip(
            f"no {path}: the side effect (bench/failover.py --once-for-verify) has not run "
            "yet; the verify before it checks the steady state only"
        )
    request.getfixturevalue("cluster")  # the containers are up (fails otherwise)
    data = json.loads(path.read_text())
    recorded = {name: entry["id"] for name, entry in data.get("containers", {}).items()}
    current = {name: hakit.container_id(name) for name in MEMBERS}
    if recorded != current:
        pytest.skip(f"{path} describes containers that no longer exist; run the side effect")
    return data


def part(report, name):
    """A section of the report, failing when the side effect did not complete it."""
    if name not in report:
        pytest.fail(f"the side effect did not get to {name}: {report.get('errors')}")
    section = report[name]
    if section.get("error"):
        pytest.fail(f"{name} went wrong during the side effect: {section['error']}")
    return section
