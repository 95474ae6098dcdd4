"""What `upgrade` and `rollback` share: their options (--batch, --limit, --json) and
their run, a playbook over the whole inventory or a --limit through deploy's machinery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from unibos_controller.cli.manager import deploy
from unibos_controller.fleet import rollout


def options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--batch, --limit and --json, in that order on the command's help."""
    command = click.option(
        "--json", "as_json", is_flag=True, help="One JSON event a line, then the recap."
    )(command)
    command = click.option(
        "--limit", help="Only the hosts this Ansible pattern selects [default: all]."
    )(command)
    return click.option(
        "--batch",
        default=rollout.DEFAULT_BATCH,
        show_default=True,
        help="Nodes, then workers, this many at a time: N hosts or N% of them (hubs: one).",
    )(command)


def run(
    playbook: Path,
    inventory_path: Path,
    *,
    limit: str | None,
    as_json: bool,
    extravars: dict[str, Any],
) -> None:
    deploy.run(
        playbook,
        inventory_path,
        everything=limit is None,
        group=None,
        limit=limit,
        check=False,
        diff=False,
        tags=None,
        as_json=as_json,
        extravars=extravars,
    )
