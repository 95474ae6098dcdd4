"""`unibos-manager logs`: a host's journal, read through an ad-hoc ansible-runner run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from unibos_controller.fleet import journal, runs
from unibos_controller.fleet.inventory import Inventory, InventoryError

FOLLOW_INTERVAL_S = 1.0


HELP = f"""Print HOST's journal, or only SERVICE's: one of {", ".join(sorted(journal.SERVICES))}.
Exit 0 (also on Ctrl-C with --follow), 1 when the journal cannot be read, 2 for an
unknown HOST or SERVICE, 3 when ansible-runner cannot start."""


@click.command(help=HELP)
@click.argument("host")
@click.argument("service", required=False)
@click.option("--since", help="Entries since this time (journalctl --since: '1 hour ago', ...).")
@click.option(
    "--lines", type=click.IntRange(min=0), default=100, show_default=True, help="At most N entries."
)
@click.option("--follow", is_flag=True, help="Keep printing new entries until Ctrl-C.")
@click.pass_obj
def logs(
    inventory_path: Path,
    host: str,
    service: str | None,
    *,
    since: str | None,
    lines: int,
    follow: bool,
) -> None:
    try:
        unit_names = journal.units(service) if service else ()
        inventory = Inventory(inventory_path)
        inventory.require_host(host)
    except (journal.UnknownService, InventoryError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None

    cursor = read(inventory, host, journal.command(unit_names, since=since, lines=lines))
    if not follow:
        return
    try:
        while True:
            time.sleep(FOLLOW_INTERVAL_S)
            if cursor is None:
                # Nothing logged yet: everything from now on is new.
                command = journal.command(unit_names, since=since, lines=lines)
            else:
                command = journal.command(unit_names, after_cursor=cursor)
            cursor = read(inventory, host, command) or cursor
    except KeyboardInterrupt:
        raise SystemExit(0) from None


def read(inventory: Inventory, host: str, command: str) -> str | None:
    """Print the entries `command` reads on `host`; return the cursor after them."""
    try:
        events = runs.run_module(inventory.path, host, "ansible.builtin.command", command)
    except runs.RunDidNotStart as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(3) from None
    outcome: dict[str, Any] = runs.results(events).get(host) or {"status": "no answer", "res": {}}
    result = outcome["res"]
    if outcome["status"] != "ok":
        reason = result.get("stderr") or result.get("msg") or outcome["status"]
        click.echo(f"error: cannot read the journal of {host}: {reason}", err=True)
        raise SystemExit(1)
    entries, cursor = journal.split(result.get("stdout", ""))
    for entry in entries:
        click.echo(entry)
    return cursor
