"""`unibos-manager upgrade`: a release across the fleet, host by host behind health gates."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.manager import rolling
from unibos_controller.fleet import progress, rollout
from unibos_controller.fleet.runs import REPO_ROOT

UPGRADE_PLAYBOOK = REPO_ROOT / "playbooks" / "upgrade.yml"

EXIT_CODES = """\b
Exit codes:
  0  every host runs the release
  1  a host did not come up healthy: it is back on its previous release and the
     run stopped there (the message names host, release and failed step)
  2  bad arguments, --limit matches no host, or refused before any host changed
     (a bundle a host needs is not built: the message names it and the build command)
  3  the run could not start or did not run (ansible-runner or ansible-playbook error)
  4  a host was unreachable (and none failed)
  130  interrupted (Ctrl-C): the run is cancelled, the recap shows how far it got"""


@click.command(epilog=EXIT_CODES)
@click.option(
    "--to",
    "version",
    metavar="VERSION",
    help="Install the bundles of this version, BUNDLES/<target>/unibos-<target>-vVERSION-"
    "<arch>.tar.gz (unibos-dev build --version), each host the one of its target and "
    "arch [default: the wheelhouse's release, as deploy].",
)
@click.option(
    "--bundles",
    type=click.Path(path_type=Path, file_okay=False),
    default=REPO_ROOT / "build",
    show_default="the checkout's build/",
    help="Where unibos-dev build wrote the bundles.",
)
@rolling.options
@click.pass_obj
def upgrade(
    inventory_path: Path,
    *,
    version: str | None,
    bundles: Path,
    batch: str,
    limit: str | None,
    as_json: bool,
) -> None:
    """Install a release on the fleet (playbooks/upgrade.yml): first check that every
    host's bundle is built (nothing changes otherwise), then the hubs one at a time, then
    the nodes and the workers in batches. Each host is gated on its health (hub and node
    /api/health, workers registered again); the first that fails is put back on its
    previous release and the run stops there."""
    try:
        extravars = rollout.upgrade_vars(version, bundles.resolve(), rollout.parse_batch(batch))
    except rollout.BadArgument as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS) from None
    if version is not None and not bundles.is_dir():
        click.echo(f"error: --bundles {bundles} is not a directory of bundles", err=True)
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS)
    rolling.run(UPGRADE_PLAYBOOK, inventory_path, limit=limit, as_json=as_json, extravars=extravars)
