"""The whole cluster's health: what keeps it from the steady state every fault starts
from, and the wait until it is back there."""

from __future__ import annotations

from unibos.hub.ha.cluster import Member

from unibos_controller.testbed.ha.cluster import (
    etcd_problems,
    http_json,
    patroni_cluster,
    patroni_problems,
)
from unibos_controller.testbed.ha.podman import container_ip, is_running
from unibos_controller.testbed.ha.postgres import in_recovery
from unibos_controller.testbed.ha.redis_sentinel import redis_problems
from unibos_controller.testbed.ha.scenario import (
    HAPROXY_HUB_PORT,
    HAPROXY_RO_PORT,
    HAPROXY_RW_PORT,
    HUBS,
    MEMBERS,
    HAError,
)
from unibos_controller.testbed.waiting import wait_until


def haproxy_problems(password: str) -> list[str]:
    """Hubs whose HAProxy :5000 does not reach the primary or :5001 not a replica."""
    problems = []
    for hub in HUBS:
        for port, want_recovery, what in (
            (HAPROXY_RW_PORT, False, "the primary"),
            (HAPROXY_RO_PORT, True, "a replica"),
        ):
            try:
                if in_recovery(container_ip(hub), password, port) != want_recovery:
                    problems.append(f"{hub}'s HAProxy :{port} does not reach {what}")
            except Exception as error:
                problems.append(f"{hub}'s HAProxy :{port}: {type(error).__name__}: {error}")
    return problems


def hub_api_problems() -> list[str]:
    """Hubs whose HAProxy does not pass GET /api/ready on to a hub API that answers 200."""
    problems = []
    for hub in HUBS:
        url = f"http://{container_ip(hub)}:{HAPROXY_HUB_PORT}/api/ready"
        try:
            # The hub answers only the names in its ALLOWED_HOSTS; localhost is always one.
            status, _ = http_json(url, headers={"Host": "localhost"})
        except (OSError, HAError) as error:
            problems.append(f"{url}: {error}")
            continue
        if status != 200:
            problems.append(f"{url}: {status}")
    return problems


def cluster_problems(db_password: str, redis_password: str) -> list[str]:
    """Everything that keeps the cluster from the steady state a fault starts from."""
    problems = [f"{name} is not running" for name in MEMBERS if not is_running(name)]
    if problems:
        return problems
    try:
        problems += patroni_problems(patroni_cluster())
    except HAError as error:
        problems.append(str(error))
    return (
        problems + etcd_problems() + haproxy_problems(db_password) + redis_problems(redis_password)
    )


def wait_healthy(db_password: str, redis_password: str, timeout: float = 300) -> list[Member]:
    """Wait for two healthy database members, healthy Redis and etcd; return the members."""

    def healthy() -> bool:
        if problems := cluster_problems(db_password, redis_password):
            raise HAError("; ".join(problems))
        return True

    wait_until(
        healthy,
        timeout,
        "a healthy cluster (leader + sync standby, Redis master + replica, 3 sentinels, etcd)",
        interval=1.0,
        errors_are_not_yet=True,
    )
    return patroni_cluster()
