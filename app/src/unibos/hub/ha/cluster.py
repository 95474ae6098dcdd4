"""What Patroni's GET /cluster says, and what `unibos-hub` makes of it; no I/O here.

The document is Patroni 4's (`patroni.utils.cluster_as_json`): `members`, sorted by
name, each with `name`, `role` (`leader`, `standby_leader`, `sync_standby`,
`quorum_standby`, `replica`), `state` (`running` for the leader; for a replica its
replication state, `streaming` or `in archive recovery`, else its PostgreSQL state:
`running`, `stopped`, `starting`, `crashed`, ...), `host`, `port`, `timeline`, and for
each non-leader `lag`, `receive_lag` and `replay_lag`: bytes behind the leader, or
`"unknown"`.
"""

from dataclasses import asdict, dataclass
from typing import Any

MB = 1024 * 1024
# Patroni's own default for maximum_lag_on_failover: a switchover to a replica further
# behind would make Patroni refuse it, or lose the transactions it has not received.
MAX_LAG_BYTES = 1 * MB

LEADER_ROLES = ("leader", "standby_leader")
SYNC_ROLES = ("sync_standby", "quorum_standby")
# A replica that can be promoted when there is no leader to stream from.
RUNNING_REPLICA_STATES = ("streaming", "running")


class Refused(Exception):
    """A failover that `unibos-hub` will not ask Patroni for; the message says why."""


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    state: str
    host: str | None = None
    port: int | None = None
    timeline: int | None = None
    # Bytes behind the leader; None for the leader itself, or when Patroni does not know.
    lag: int | None = None
    receive_lag: int | None = None
    replay_lag: int | None = None

    @property
    def is_leader(self) -> bool:
        return self.role in LEADER_ROLES

    @property
    def is_streaming_replica(self) -> bool:
        """A replica receiving WAL from the leader right now."""
        return not self.is_leader and self.state == "streaming"

    @property
    def lag_mb(self) -> float | None:
        return None if self.lag is None else round(self.lag / MB, 1)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "lag_mb": self.lag_mb}


@dataclass(frozen=True)
class Plan:
    """The request that makes `candidate` the leader."""

    path: str
    body: dict[str, str]
    leader: str | None
    candidate: str


def _bytes(value: object) -> int | None:
    # "unknown" (no LSN reported) and an absent key both mean: not known.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def members(document: dict[str, Any]) -> list[Member]:
    """The members of a GET /cluster document; ValueError if it is not one."""
    entries = document.get("members")
    if not isinstance(entries, list):
        raise ValueError("the /cluster document has no members list")
    result = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError(f"a /cluster member without a name: {entry!r}")
        result.append(
            Member(
                name=entry["name"],
                role=str(entry.get("role") or "unknown"),
                state=str(entry.get("state") or "unknown"),
                host=entry.get("host"),
                port=_integer(entry.get("port")),
                timeline=_integer(entry.get("timeline")),
                lag=_bytes(entry.get("lag")),
                receive_lag=_bytes(entry.get("receive_lag")),
                replay_lag=_bytes(entry.get("replay_lag")),
            )
        )
    return sorted(result, key=lambda member: member.name)


def leader(cluster: list[Member]) -> Member | None:
    return next((member for member in cluster if member.is_leader), None)


def problems(cluster: list[Member]) -> list[str]:
    """Why the cluster is not healthy: no leader, or a member not running/streaming."""
    found = []
    if not cluster:
        found.append("Patroni lists no members")
    if leader(cluster) is None and cluster:
        found.append("no member is the leader")
    for member in cluster:
        if member.is_leader and member.state != "running":
            found.append(f"leader {member.name} is {member.state}, not running")
        elif not member.is_leader and not member.is_streaming_replica:
            found.append(f"{member.name} is {member.state}, not streaming")
    return found


def plan_failover(cluster: list[Member], candidate: str) -> Plan:
    """The switchover (or, with no leader, the failover) that makes `candidate` the leader.

    Raises Refused, before anything is sent, when Patroni would refuse it or when it
    would lose transactions: the candidate must be a replica in sync with the leader.
    """
    by_name = {member.name: member for member in cluster}
    target = by_name.get(candidate)
    if target is None:
        names = ", ".join(by_name) or "none"
        raise Refused(f"{candidate} is not a member of the cluster (members: {names})")
    if target.is_leader:
        raise Refused(f"{candidate} is the leader already")
    current = leader(cluster)

    if current is None:
        if target.state not in RUNNING_REPLICA_STATES:
            raise Refused(f"{candidate} is {target.state}, not a running replica")
        _refuse_lag(target, unknown_is_fine=True)
        return Plan("/failover", {"candidate": candidate}, None, candidate)

    if target.state != "streaming":
        raise Refused(f"{candidate} is {target.state}, not streaming from {current.name}")
    _refuse_lag(target, unknown_is_fine=False)
    synchronous = [member.name for member in cluster if member.role in SYNC_ROLES]
    if synchronous and target.role not in SYNC_ROLES:
        # In synchronous mode Patroni switches over only to a synchronous standby.
        raise Refused(
            f"{candidate} is not a synchronous standby ({', '.join(synchronous)} is); "
            "it may miss committed transactions"
        )
    return Plan(
        "/switchover", {"leader": current.name, "candidate": candidate}, current.name, candidate
    )


def _refuse_lag(target: Member, unknown_is_fine: bool) -> None:
    if target.lag is None:
        if not unknown_is_fine:
            raise Refused(f"{target.name}'s replication lag is unknown")
        return
    if target.lag > MAX_LAG_BYTES:
        raise Refused(
            f"{target.name} lags {target.lag / MB:.1f} MB behind the leader "
            f"(at most {MAX_LAG_BYTES / MB:.0f} MB)"
        )
