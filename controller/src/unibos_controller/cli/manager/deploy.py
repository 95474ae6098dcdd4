"""`unibos-manager deploy`: playbooks/site.yml on all hosts, a group, or a --limit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from unibos_controller.fleet import progress, rollout, runs
from unibos_controller.fleet.inventory import Inventory, InventoryError
from unibos_controller.fleet.live import View

EXIT_CODES = """\b
Exit codes:
  0  every host ok
  1  a host failed (wins over 4 when both happen)
  2  bad arguments, or --group/--limit matches no host (nothing ran)
  3  the run could not start or did not run (ansible-runner or ansible-playbook error)
  4  a host was unreachable (and none failed)
  130  interrupted (Ctrl-C): the run is cancelled, the recap shows how far it got"""


@click.command(epilog=EXIT_CODES)
@click.option("--all", "everything", is_flag=True, help="Every host of the inventory.")
@click.option("--group", help="The hosts of this inventory group.")
@click.option("--limit", help="The hosts this Ansible pattern selects (as ansible-playbook -l).")
@click.option("--check", is_flag=True, help="Change nothing; report what would change.")
@click.option("--diff", is_flag=True, help="Show the changes made to files and templates.")
@click.option("--tags", help="Only these tags (comma-separated; roles/README.md, 'Tags').")
@click.option("--json", "as_json", is_flag=True, help="One JSON event a line, then the recap.")
@click.pass_obj
def deploy(
    inventory_path: Path,
    *,
    everything: bool,
    group: str | None,
    limit: str | None,
    check: bool,
    diff: bool,
    tags: str | None,
    as_json: bool,
) -> None:
    """Run playbooks/site.yml on --all hosts, a --group, or a --limit (one is required):
    one live line per host while it runs, then a recap table per host."""
    run(
        runs.SITE_PLAYBOOK,
        inventory_path,
        everything=everything,
        group=group,
        limit=limit,
        check=check,
        diff=diff,
        tags=tags,
        as_json=as_json,
    )


def run(
    playbook: Path,
    inventory_path: Path,
    *,
    everything: bool,
    group: str | None,
    limit: str | None,
    check: bool,
    diff: bool,
    tags: str | None,
    as_json: bool,
    extravars: dict[str, Any] | None = None,
) -> None:
    """The command's body with the playbook as a parameter (the tests run their own);
    `upgrade`, `rollback` and `unibos-dev deploy` run theirs with extra vars through it."""
    if sum(bool(given) for given in (everything, group, limit)) != 1:
        raise click.UsageError("say which hosts: one of --all, --group G or --limit PATTERN")
    # Resolved before anything runs: with a pattern that matches nothing, ansible-runner
    # writes no events at all (ansible-runner issue #273) and there would be no recap.
    try:
        inventory = Inventory(inventory_path)
        hosts = (
            inventory.hosts
            if everything
            else inventory.group(group)
            if group
            else inventory.resolve(limit or "")
        )
    except InventoryError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS) from None
    if not hosts:
        click.echo(f"error: the group {group!r} has no hosts", err=True)
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS)

    view = View(sys.stdout, progress.Progress.of(hosts), as_json=as_json)
    failures = rollout.Failures()

    def consume(event: dict[str, Any]) -> None:
        failures.event(event)
        view.event(event)

    try:
        result = runs.run_playbook(
            playbook,
            inventory.path,
            consume,
            limit=None if everything else (group or limit),
            tags=tags,
            check=check,
            diff=diff,
            extravars=extravars,
        )
    except runs.RunDidNotStart as error:
        view.finish()
        click.echo(f"error: {error}", err=True)
        raise SystemExit(progress.EXIT_RUN_DID_NOT_START) from None
    except KeyboardInterrupt:
        view.finish()
        click.echo("interrupted: the run was cancelled", err=True)
        raise SystemExit(progress.EXIT_INTERRUPTED) from None
    view.finish()
    recap = view.progress.recap()
    # Why each failed or unreachable host stopped (a rolled back host: the release and
    # the step that failed), after the recap.
    stopped = [row["host"] for row in recap if row["status"] in ("failed", "unreachable")]
    for line in failures.report(stopped):
        click.echo(f"error: {line}", err=True)
    if not as_json:
        click.echo(f"artifacts: {result.artifacts}", err=True)
    if failures.refused:
        # A check play failed: the run stopped before any host was changed.
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS)
    raise SystemExit(progress.exit_code(recap, result.status))
