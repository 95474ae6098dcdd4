"""GET /cluster documents as Patroni 4.1 writes them (`patroni.utils.cluster_as_json`).

The HA inventory's cluster: scope `unibos`, members `rocksteady` and `bebop` (member
name = inventory_hostname = connect_address), synchronous_mode on. Members are sorted by
name; a non-leader has `receive_lag`/`receive_lsn`, `replay_lag`/`replay_lsn`, `lag`/`lsn`
(bytes behind the leader, or "unknown" with the LSN unknown too).
"""

import copy
from typing import Any


def _member(name: str, role: str, state: str, timeline: int | None = 3, **extra: Any) -> dict:
    member: dict[str, Any] = {
        "name": name,
        "role": role,
        "state": state,
        "api_url": f"http://{name}:8008/patroni",
        "host": name,
        "port": 5432,
    }
    if timeline is not None:
        member["timeline"] = timeline
    member.update(extra)
    return member


def _in_sync(lag: int = 0, lsn: str = "0/5000148") -> dict[str, Any]:
    return {
        "receive_lag": lag,
        "receive_lsn": lsn,
        "replay_lag": lag,
        "replay_lsn": lsn,
        "lag": lag,
        "lsn": lsn,
    }


UNKNOWN_LAG = {
    "receive_lsn": "unknown",
    "receive_lag": "unknown",
    "replay_lsn": "unknown",
    "replay_lag": "unknown",
    "lsn": "unknown",
    "lag": "unknown",
}

# rocksteady leads, bebop streams as its synchronous standby.
HEALTHY = {
    "members": [
        _member("bebop", "sync_standby", "streaming", **_in_sync()),
        _member("rocksteady", "leader", "running"),
    ],
    "scope": "unibos",
}

# After `unibos-hub failover --to bebop`: a new timeline, the old leader streams from bebop.
SWITCHED_TO_BEBOP = {
    "members": [
        _member("bebop", "leader", "running", timeline=4),
        _member("rocksteady", "sync_standby", "streaming", timeline=4, **_in_sync(0, "0/60000A0")),
    ],
    "scope": "unibos",
}

# The old leader is back but still restarting as a replica.
OLD_LEADER_RESTARTING = {
    "members": [
        _member("bebop", "leader", "running", timeline=4),
        _member("rocksteady", "replica", "starting", timeline=None, **UNKNOWN_LAG),
    ],
    "scope": "unibos",
}

# bebop has fallen 5 MiB behind (receive 5 MiB, replay 6 MiB).
LAGGING = {
    "members": [
        _member(
            "bebop",
            "sync_standby",
            "streaming",
            receive_lag=5242880,
            receive_lsn="0/4B00148",
            replay_lag=6291456,
            replay_lsn="0/4A00148",
            lag=5242880,
            lsn="0/4B00148",
        ),
        _member("rocksteady", "leader", "running"),
    ],
    "scope": "unibos",
}

# bebop's PostgreSQL is stopped; Patroni on bebop still runs and reports it.
REPLICA_STOPPED = {
    "members": [
        _member("bebop", "replica", "stopped", timeline=None, **UNKNOWN_LAG),
        _member("rocksteady", "leader", "running"),
    ],
    "scope": "unibos",
}

# rocksteady is gone (its member key expired) and nobody holds the leader key; bebop is
# still named in /sync, has no WAL receiver (state: its PostgreSQL state, running).
NO_LEADER = {
    "members": [_member("bebop", "sync_standby", "running", **_in_sync())],
    "scope": "unibos",
}

# After a failover to bebop from NO_LEADER.
FAILED_OVER_TO_BEBOP = {
    "members": [_member("bebop", "leader", "running", timeline=4)],
    "scope": "unibos",
}

# A three-member cluster where only bebop is synchronous; donatello is asynchronous.
WITH_AN_ASYNCHRONOUS_REPLICA = {
    "members": [
        _member("bebop", "sync_standby", "streaming", **_in_sync()),
        _member("donatello", "replica", "streaming", **_in_sync()),
        _member("rocksteady", "leader", "running"),
    ],
    "scope": "unibos",
}


def document(name: dict) -> dict:
    """A copy, so a test may change it."""
    return copy.deepcopy(name)
