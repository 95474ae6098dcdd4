"""`unibos-manager workers`: the inventory's worker hosts with their live Celery workers."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.manager import common
from unibos_controller.fleet import health

WORKER_GROUP_PREFIX = "worker_"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the rows as one JSON list.")
@click.pass_obj
def workers(inventory_path: Path, as_json: bool) -> None:
    """Each worker type on each host of the worker_<type> groups with its live worker
    (queues, version, last heartbeat), from `unibos-worker status` on those hosts. Exit 1
    when one is unreachable or not running, or a queue has no live worker."""
    inventory = common.open_inventory(inventory_path)
    groups = [name for name in inventory.groups if name.startswith(WORKER_GROUP_PREFIX)]
    expected: dict[str, list[str]] = {}
    for name in groups:
        for host in inventory.group(name):
            expected.setdefault(host, []).append(name.removeprefix(WORKER_GROUP_PREFIX))
    if not expected:
        raise common.bad_arguments(ValueError(f"no hosts in worker_* groups of {inventory.path}"))
    # Every worker host reads the same registry (Redis); asking each also says which is
    # unreachable.
    outcomes = common.command_on(inventory, ":".join(groups), health.WORKER_STATUS)
    rows = health.worker_rows(expected, outcomes)
    missing = health.missing_queues(outcomes)
    columns = ["host", "type", "queues", "version", "seen_at", "status"]
    extra = f"no live worker consumes queue(s) {', '.join(missing)}" if missing else ""
    common.show(rows, columns, as_json, extra)
