"""`unibos-manager logs`: which systemd unit a service's short name means, and the
journalctl command lines that read it (once, or following with journald's cursor)."""

from __future__ import annotations

import shlex

# The one table of short names. The unit names are the roles' (roles/*/templates,
# roles/*/vars): the app's units, the worker template instances, and Debian's units
# of the backing services. A name may read several units: the sync agent runs in its
# own unit, or, on a device whose profile says so (node_sync_in_worker, a Pi Zero 2 W),
# as a thread of the node's worker, whose journal then holds its lines.
SERVICES: dict[str, tuple[str, ...]] = {
    "hub": ("unibos-hub.service",),
    "beat": ("unibos-beat.service",),
    "node": ("unibos-node.service",),
    "sync": ("unibos-sync.service", "unibos-node-worker.service"),
    "node-worker": ("unibos-node-worker.service",),
    "worker-core": ("unibos-worker@core.service",),
    "worker-ocr": ("unibos-worker@ocr.service",),
    "worker-media": ("unibos-worker@media.service",),
    "flower": ("unibos-flower.service",),
    "patroni": ("patroni.service",),
    "etcd": ("etcd.service",),
    "haproxy": ("haproxy.service",),
    "redis": ("redis-server.service",),
    "sentinel": ("redis-sentinel.service",),
}

CURSOR_PREFIX = "-- cursor: "


class UnknownService(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown service {name!r}; known: {', '.join(sorted(SERVICES))}")


def units(service: str) -> tuple[str, ...]:
    if service not in SERVICES:
        raise UnknownService(service)
    return SERVICES[service]


def command(
    unit_names: tuple[str, ...] = (),
    *,
    since: str | None = None,
    lines: int | None = None,
    after_cursor: str | None = None,
) -> str:
    """The journalctl command line (for ansible.builtin.command, which splits it as a
    shell would, but runs no shell). It always asks for the cursor of the last entry,
    so that a follow-up reads only what came after."""
    argv = ["journalctl", "--no-pager", "--output=short-iso", "--show-cursor"]
    argv += [f"--unit={name}" for name in unit_names]
    if after_cursor:
        argv.append(f"--after-cursor={after_cursor}")
    else:
        if since:
            argv.append(f"--since={since}")
        if lines is not None:
            argv.append(f"--lines={lines}")
    return shlex.join(argv)


def split(stdout: str) -> tuple[list[str], str | None]:
    """journalctl's output as (entries, cursor); cursor None when it printed no entry
    (then journalctl prints `-- No entries --` and no cursor)."""
    entries: list[str] = []
    cursor = None
    for line in stdout.splitlines():
        if line.startswith(CURSOR_PREFIX):
            cursor = line[len(CURSOR_PREFIX) :].strip()
        elif line.strip() != "-- No entries --":
            entries.append(line)
    return entries, cursor
