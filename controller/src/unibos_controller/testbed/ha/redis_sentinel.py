"""Redis and Sentinel in the `ha` scenario, through redis-cli inside the containers, and
the fault of the Redis master."""

from __future__ import annotations

import contextlib

from unibos_controller.testbed.ha.podman import container_ip, exec_in, is_running, other_hub
from unibos_controller.testbed.ha.scenario import (
    HUBS,
    MEMBERS,
    REDIS_PORT,
    SENTINEL_MASTER,
    SENTINEL_PORT,
    WITNESS,
    HAError,
)


def redis_cli(
    container: str, password: str, *args: str, port: int = REDIS_PORT, check: bool = True
) -> str:
    return exec_in(
        container,
        "redis-cli", "-p", str(port), "--no-auth-warning", "-a", password, *args,
        check=check, timeout=30,
    )  # fmt: skip


def parse_info(text: str) -> dict[str, str]:
    """`INFO section` as a dict (comments and blank lines skipped)."""
    info = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            info[key] = value
    return info


def container_for(address: str) -> str | None:
    """The container a Redis or Sentinel address names: its name, or its IP."""
    if address in MEMBERS:
        return address
    for name in MEMBERS:
        with contextlib.suppress(HAError):
            if is_running(name) and container_ip(name) == address:
                return name
    return None


def sentinel_master(password: str, via: str = WITNESS) -> str | None:
    """The container Sentinel on `via` names as the master of `unibos`."""
    out = redis_cli(
        via, password, "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER, port=SENTINEL_PORT
    ).split()
    return container_for(out[0]) if out else None


def redis_role(container: str, password: str) -> dict[str, str]:
    return parse_info(redis_cli(container, password, "INFO", "replication"))


def redis_problems(password: str) -> list[str]:
    """What keeps Redis from one master, one replica and three agreeing sentinels."""
    problems = []
    masters = {}
    for name in MEMBERS:
        try:
            masters[name] = sentinel_master(password, via=name)
        except HAError as error:
            problems.append(f"sentinel on {name}: {error}")
    named = set(masters.values())
    if len(named) != 1 or None in named:
        return [*problems, f"the sentinels name these masters: {masters}"]
    (master,) = named
    if master not in HUBS:
        return [*problems, f"the sentinels' master {master} is not a hub"]
    replica = other_hub(master)
    try:
        info = redis_role(master, password)
        if info.get("role") != "master":
            problems.append(f"{master} is {info.get('role')}, the sentinels' master")
        info = redis_role(replica, password)
        if info.get("role") != "slave" or info.get("master_link_status") != "up":
            problems.append(
                f"{replica} is {info.get('role')} with link {info.get('master_link_status')}"
            )
    except HAError as error:
        problems.append(str(error))
    try:
        quorum = redis_cli(
            WITNESS, password, "SENTINEL", "ckquorum", SENTINEL_MASTER, port=SENTINEL_PORT
        )
        if not quorum.startswith("OK"):
            problems.append(f"SENTINEL ckquorum: {quorum.strip()}")
    except HAError as error:
        problems.append(str(error))
    return problems


def kill_redis(container: str) -> None:
    """SIGKILL redis-server, masked first so that systemd does not start it again."""
    exec_in(
        container,
        "sh", "-c", "systemctl mask --runtime redis-server && systemctl kill -s KILL redis-server",
    )  # fmt: skip


def restore_redis(container: str) -> None:
    exec_in(
        container,
        "sh", "-c", "systemctl unmask --runtime redis-server && systemctl start redis-server",
    )  # fmt: skip
