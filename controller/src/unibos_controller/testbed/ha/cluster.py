"""Patroni and etcd as the build machine sees them: Patroni's REST API on each hub, read
with the app's own reader of /cluster (unibos.hub.ha.cluster, as unibos-hub reads it), etcd's
health, the Patroni faults (stop, start, switchover) and how a former primary rejoins."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from unibos.hub.ha import cluster
from unibos.hub.ha.cluster import Member

from unibos_controller.testbed.ha.podman import container_ip, exec_in, is_running
from unibos_controller.testbed.ha.postgres import patroni_log, replica_timeline, rewind_lines
from unibos_controller.testbed.ha.scenario import (
    DEFAULT_TTL_S,
    ETCD_CLIENT_PORT,
    HUBS,
    MEMBERS,
    PATRONI_PORT,
    HAError,
)
from unibos_controller.testbed.waiting import wait_until


def http_json(
    url: str, timeout: float = 2.0, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET url and return (status, decoded JSON body or None). Network errors raise."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, None


def members_of(document: Any) -> list[Member]:
    """Members from a /cluster document, or from `unibos-hub status --json` (a bare list
    of the same members); parsed by the CLI's own reader. Empty if it is neither."""
    try:
        return cluster.members(document if isinstance(document, dict) else {"members": document})
    except (ValueError, AttributeError):
        return []


def leader_of(members: Sequence[Member]) -> Member | None:
    leaders = [member for member in members if member.is_leader]
    return leaders[0] if len(leaders) == 1 else None


def member_named(members: Sequence[Member], name: str) -> Member | None:
    return next((member for member in members if member.name == name), None)


def patroni_get(path: str, via: Iterable[str] = HUBS) -> tuple[str, int, Any]:
    """GET path from the first running hub whose Patroni answers: (hub, status, body)."""
    errors = []
    for hub in via:
        if not is_running(hub):
            errors.append(f"{hub} is not running")
            continue
        try:
            status, body = http_json(f"http://{container_ip(hub)}:{PATRONI_PORT}{path}")
        except (OSError, HAError) as error:
            errors.append(f"{hub}: {error}")
            continue
        return hub, status, body
    raise HAError(f"no Patroni answered GET {path}: {'; '.join(errors)}")


def patroni_cluster(via: Iterable[str] = HUBS) -> list[Member]:
    """The members from the first Patroni that answers GET /cluster with members."""
    errors = []
    for hub in via:
        try:
            _, status, body = patroni_get("/cluster", via=[hub])
        except HAError as error:
            errors.append(str(error))
            continue
        if status == 200 and members_of(body):
            return members_of(body)
        errors.append(f"{hub}: /cluster answered {status}")
    raise HAError(f"no Patroni answered GET /cluster: {'; '.join(errors)}")


def patroni_leader(via: Iterable[str] = HUBS) -> str | None:
    leader = leader_of(patroni_cluster(via))
    return leader.name if leader else None


def patroni_ttl(via: Iterable[str] = HUBS) -> int:
    """Patroni's ttl from GET /config (the dynamic configuration), else the default."""
    try:
        _, status, body = patroni_get("/config", via)
    except HAError:
        return DEFAULT_TTL_S
    if status == 200 and isinstance(body, dict) and body.get("ttl"):
        return int(body["ttl"])
    return DEFAULT_TTL_S


def patroni_problems(members: Sequence[Member]) -> list[str]:
    """What keeps the cluster from two healthy members: unibos-hub's problems, plus both
    hubs present, exactly one leader and a synchronous standby."""
    problems = [f"{hub} is not a Patroni member" for hub in HUBS if not member_named(members, hub)]
    leaders = [member for member in members if member.is_leader]
    if len(leaders) > 1:
        problems.append(f"{len(leaders)} leaders")
    problems += cluster.problems(list(members))
    if not any(member.role in cluster.SYNC_ROLES for member in members):
        problems.append("no synchronous standby")
    return problems


def etcd_problems() -> list[str]:
    """Members whose etcd does not answer GET :2379/health with health true."""
    problems = []
    for name in MEMBERS:
        try:
            status, body = http_json(f"http://{container_ip(name)}:{ETCD_CLIENT_PORT}/health")
        except (OSError, HAError) as error:
            problems.append(f"etcd on {name}: {error}")
            continue
        healthy = isinstance(body, dict) and str(body.get("health")).lower() == "true"
        if status != 200 or not healthy:
            problems.append(f"etcd on {name}: {status} {body}")
    return problems


def stop_patroni(name: str) -> None:
    exec_in(name, "systemctl", "stop", "patroni", timeout=180)


def start_patroni(name: str) -> None:
    exec_in(name, "systemctl", "start", "patroni", timeout=180)


def switchover(to: str, via: str) -> str:
    """`unibos-hub failover --to TO --yes` in the hub `via`; returns its output."""
    return exec_in(via, "unibos-hub", "failover", "--to", to, "--yes", timeout=300)


@dataclass
class Rejoin:
    """How a former primary came back."""

    member: str
    role: str
    state: str
    timeline_before: int | None
    timeline_after: int | None
    rewind: bool
    rewind_lines: list[str]
    seconds: float

    @property
    def timeline_up(self) -> bool:
        if self.timeline_before is None or self.timeline_after is None:
            return False
        return self.timeline_after > self.timeline_before

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "timeline_up": self.timeline_up}


def wait_rejoined(
    name: str, since: float, timeline_before: int | None, timeout: float = 300
) -> Rejoin:
    """Wait until NAME is back in /cluster as a streaming replica; report how it came back.

    `since` is the time of the fault: Patroni's journal from then on tells whether
    pg_rewind ran.
    """
    started = time.monotonic()

    def streaming() -> Member | None:
        member = member_named(patroni_cluster(), name)
        return member if member and member.is_streaming_replica else None

    member = wait_until(
        streaming,
        timeout,
        f"{name} streaming again as a replica",
        interval=1.0,
        errors_are_not_yet=True,
    )
    seconds = time.monotonic() - started
    timeline_after = member.timeline
    if timeline_after is None:
        with contextlib.suppress(HAError):
            timeline_after = replica_timeline(name)
    lines = rewind_lines(patroni_log(name, since))
    return Rejoin(
        member=name,
        role=member.role,
        state=member.state,
        timeline_before=timeline_before,
        timeline_after=timeline_after,
        rewind=bool(lines),
        rewind_lines=lines[-20:],
        seconds=round(seconds, 2),
    )
