"""What the status commands share: the inventory opened or exit 2, one ad-hoc command
on a host pattern, and rows printed as a table or JSON with exit 1 when one is unhealthy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from unibos_controller.fleet import health, runs
from unibos_controller.fleet.inventory import Inventory, InventoryError


def bad_arguments(error: Exception) -> SystemExit:
    click.echo(f"error: {error}", err=True)
    return SystemExit(2)


def open_inventory(path: Path) -> Inventory:
    try:
        return Inventory(path)
    except InventoryError as error:
        raise bad_arguments(error) from None


def group(inventory: Inventory, name: str) -> list[str]:
    try:
        hosts = inventory.group(name)
    except InventoryError as error:
        raise bad_arguments(error) from None
    if not hosts:
        raise bad_arguments(ValueError(f"the group {name!r} of {inventory.path} has no hosts"))
    return hosts


def command_on(inventory: Inventory, pattern: str, command: str) -> dict[str, dict[str, Any]]:
    """Per host of `pattern`: the outcome of `command` there (runs.results)."""
    try:
        events = runs.run_module(inventory.path, pattern, "ansible.builtin.command", command)
    except runs.RunDidNotStart as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(3) from None
    return runs.results(events)


def show(rows: list[dict[str, Any]], columns: list[str], as_json: bool, extra: str = "") -> None:
    """Print the rows; exit 1 when one is not healthy (or `extra` names a problem)."""
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(health.table(rows, columns))
    if extra:
        click.echo(f"error: {extra}", err=True)
    if extra or not all(row["healthy"] for row in rows):
        raise SystemExit(1)
