"""The `ha` Molecule scenario's cluster: its members' names and the addresses, ports,
paths and names the kit reaches them by.

The cluster is three podman containers on the `unibos-ha` network (docs/architecture.md,
"High availability of the hub"). The kit reaches them in one of two ways: `podman exec`
into a container, or the container's address on that network (Patroni's REST API,
HAProxy, etcd). Nothing talks to any other address.

Times are wall-clock epochs (time.time()): the containers share the build machine's
clock, so a time taken here compares with one taken inside a container (the Celery
probe) and can be handed to `journalctl --since @EPOCH`.
"""

from unibos_controller.testbed.waiting import WaitTimeout

SCENARIO = "ha"
NETWORK = "unibos-ha"
HUBS = ("rocksteady", "bebop")
WITNESS = "witness"
MEMBERS = (*HUBS, WITNESS)

SECRETS_DIR = "/etc/unibos/secrets"
HUB_ENV = "/etc/unibos/hub.env"
HUB_PYTHON = "/opt/unibos/current/bin/python"
HUB_USER = "unibos-hub"
PSQL = "/usr/lib/postgresql/15/bin/psql"

PATRONI_PORT = 8008
ETCD_CLIENT_PORT = 2379
HAPROXY_RW_PORT = 5000
HAPROXY_RO_PORT = 5001
HAPROXY_REDIS_PORT = 6380
HAPROXY_HUB_PORT = 8080
REDIS_PORT = 6379
SENTINEL_PORT = 26379
SENTINEL_MASTER = "unibos"
HUB_DATABASE = "unibos_hub"
HUB_DATABASE_USER = "unibos_hub"
# Patroni's ttl in the `ha` inventory (patroni_ttl); read from GET /config when it answers.
DEFAULT_TTL_S = 20

PROBE_TABLE = "ha_probe"
PROBE_TASK = "core.health_check"


class HAError(RuntimeError):
    """A step of a fault or of a recovery failed."""


# What a step of a drill can end with when it goes wrong: it failed (HAError), or what it
# waited for did not happen in time (WaitTimeout).
STEP_FAILURES = (HAError, WaitTimeout)
