"""Fixtures for verifying the `ha` scenario's cluster from the build machine.

Three podman containers, rocksteady and bebop (the hubs) and witness (docs/architecture.md,
"High availability of the hub"). Commands run in them through testinfra's podman backend;
Patroni's REST API is read from the build machine at the hubs' addresses on the
`unibos-ha` network. The test kit's `unibos_controller.testbed.ha`, shared with
bench/failover.py and ../faults.py, holds the names, the parsing and the podman helpers.

The scenario verifies twice: before the side effect (../faults.py), the steady state
only; after it, the steady state again and what the report of the faults says. The
phase is known from the start (the report exists and describes these containers), and
in each phase a test may not skip what it must prove: only a test that reads the report
skips, and only before the side effect (pytest_runtest_makereport).
"""

from __future__ import annotations

import functools
import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import testinfra
from testinfra.host import Host
from unibos.hub.ha.cluster import Member
from unibos_controller.testbed.ha.cluster import leader_of, members_of, patroni_cluster
from unibos_controller.testbed.ha.podman import container_id, is_running, read_secret
from unibos_controller.testbed.ha.redis_sentinel import container_for, parse_info
from unibos_controller.testbed.ha.scenario import (
    HUB_DATABASE,
    HUB_DATABASE_USER,
    HUBS,
    MEMBERS,
    PSQL,
    REDIS_PORT,
    SECRETS_DIR,
    SENTINEL_MASTER,
    SENTINEL_PORT,
    WITNESS,
    HAError,
)
from unibos_controller.testbed.hosts import fetch
from unibos_controller.testbed.waiting import wait_until

__all__ = ["HUBS", "MEMBERS", "WITNESS", "part", "wait_for"]

# Written by the side effect (../faults.py --report).
REPORT = "failover.json"

# The report of the side effect when this verify runs after it; None before it.
_faults_report = pytest.StashKey[dict[str, Any] | None]()


def _report_of_these_containers() -> dict[str, Any] | None:
    """The side effect's report, if there is one and it describes the running containers
    (one from an earlier scenario run is about containers that no longer exist)."""
    directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
    if not directory or not (Path(directory) / REPORT).exists():
        return None
    data = json.loads((Path(directory) / REPORT).read_text())
    recorded = {name: entry["id"] for name, entry in data.get("containers", {}).items()}
    try:
        current = {name: container_id(name) for name in MEMBERS}
    except HAError:
        return None
    return data if recorded == current else None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Know the phase; the run after the side effect writes its JUnit file beside the first
    one's instead of over it (one verifier configuration for both), so that
    scripts/test-summary counts both."""
    config.stash[_faults_report] = _report_of_these_containers()
    xmlpath = getattr(config.option, "xmlpath", None)
    if xmlpath and config.stash[_faults_report] is not None:
        config.option.xmlpath = xmlpath.replace("verify-ha.xml", "verify-ha-after.xml")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A skip fails the test, except a report test's before the side effect: each phase
    must prove what it runs for, and a verify that skipped it would pass for nothing."""
    report = yield
    if not report.skipped or hasattr(report, "wasxfail"):
        return report
    before_the_faults = item.config.stash[_faults_report] is None
    if before_the_faults and "report" in getattr(item, "fixturenames", ()):
        return report
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    phase = "before" if before_the_faults else "after"
    report.longrepr = (
        f"skipped in the verify {phase} the side effect, which must prove it: {reason}"
    )
    return report


# A cluster member may be settling: an error while checking means "not yet". Each check
# is a request or a command in a container: every 2 s is often enough.
wait_for = functools.partial(wait_until, interval=2.0, errors_are_not_yet=True)


@dataclass
class Cluster:
    """The three containers and the few ways the tests talk to them."""

    hosts: dict[str, Host]
    redis_password: str

    def members(self) -> list[Member]:
        """Patroni's members, from GET /cluster on the first hub that answers."""
        return patroni_cluster()

    def leader(self) -> str:
        leader = leader_of(self.members())
        assert leader is not None, f"no single Patroni leader: {self.members()}"
        return leader.name

    def status(self, hub: str) -> tuple[int, list[Member]]:
        """`unibos-hub status --json` on a hub: (exit status, members)."""
        out = self.hosts[hub].run("unibos-hub status --json")
        try:
            return out.rc, members_of(json.loads(out.stdout))
        except ValueError:
            return out.rc, []

    def psql(self, name: str, sql: str) -> list[list[str]]:
        """Rows of SQL run as postgres over the container's local socket."""
        out = self.hosts[name].check_output(
            "runuser -u postgres -- %s -w -X -A -t -F '|' -d postgres -c %s",
            PSQL,
            sql,
        )
        return [line.split("|") for line in out.splitlines() if line]

    def hub_sql(self, hub: str, port: int, sql: str) -> str:
        """SQL as the hub's database user through the hub's own HAProxy (127.0.0.1:PORT)."""
        password_file = f"{SECRETS_DIR}/hub_database_password"
        command = shlex.join(
            [
                PSQL, "-w", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port),
                "-U", HUB_DATABASE_USER, "-d", HUB_DATABASE, "-c", sql,
            ]
        )  # fmt: skip
        return self.hosts[hub].check_output(f'PGPASSWORD="$(cat {password_file})" {command}')

    def redis(self, name: str, *args: str, port: int = REDIS_PORT) -> str:
        """redis-cli in a container, authenticated with the shared Redis password."""
        command = ["redis-cli", "-p", str(port), "--no-auth-warning", "-a", self.redis_password]
        return self.hosts[name].check_output(shlex.join([*command, *args]))

    def sentinel_master(self, name: str) -> str | None:
        """The container the Sentinel on `name` names as the master of `unibos`."""
        out = self.redis(
            name,
            "SENTINEL",
            "get-master-addr-by-name",
            SENTINEL_MASTER,
            port=SENTINEL_PORT,
        ).split()
        return container_for(out[0]) if out else None

    def replication(self, name: str) -> dict[str, str]:
        return parse_info(self.redis(name, "INFO", "replication"))

    def fetch(self, name: str, url: str) -> tuple[int, str]:
        """GET url inside the container: (status, body)."""
        return fetch(self.hosts[name], url)

    def beat_hubs(self) -> list[str]:
        """The hubs where unibos-beat is active."""
        return [hub for hub in HUBS if self.hosts[hub].service("unibos-beat").is_running]


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    missing = [name for name in MEMBERS if not is_running(name)]
    if missing:
        pytest.fail(f"not running: {', '.join(missing)}; converge the `ha` scenario first")
    return Cluster(
        hosts={name: testinfra.get_host(f"podman://{name}") for name in MEMBERS},
        redis_password=read_secret("redis_password"),
    )


@pytest.fixture(scope="session")
def hosts(cluster: Cluster) -> dict[str, Host]:
    """The containers by name: hosts["rocksteady"], hosts["bebop"], hosts["witness"]."""
    return cluster.hosts


# Session-scoped like `cluster`, and first in each test's arguments, so that before the
# side effect the test skips before the cluster is even looked at.
@pytest.fixture(scope="session")
def report(request: pytest.FixtureRequest) -> dict[str, Any]:
    data = request.config.stash[_faults_report]
    if data is None:
        pytest.skip(
            f"no {REPORT} about these containers: the side effect (../faults.py) has not run "
            "yet; the verify before it checks the steady state only"
        )
    request.getfixturevalue("cluster")  # the containers are up (fails otherwise)
    return data


def part(report, name):
    """A section of the report, failing when the side effect did not complete it."""
    if name not in report:
        pytest.fail(f"the side effect did not get to {name}: {report.get('errors')}")
    section = report[name]
    if section.get("error"):
        pytest.fail(f"{name} went wrong during the side effect: {section['error']}")
    return section
