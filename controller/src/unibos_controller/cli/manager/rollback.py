"""`unibos-manager rollback`: hosts back on an installed earlier release, health-gated."""

from __future__ import annotations

from pathlib import Path

import click

from unibos_controller.cli.manager import rolling
from unibos_controller.fleet import progress, rollout
from unibos_controller.fleet.runs import REPO_ROOT

ROLLBACK_PLAYBOOK = REPO_ROOT / "playbooks" / "rollback.yml"

EXIT_CODES = """\b
Exit codes:
  0  every host runs the release it was rolled back to
  1  a host did not come up healthy on it (the run stopped there)
  2  bad arguments, --limit matches no host, or refused before any host changed
     (the release is not installed on a host: the message names the host)
  3  the run could not start or did not run (ansible-runner or ansible-playbook error)
  4  a host was unreachable (and none failed)
  130  interrupted (Ctrl-C): the run is cancelled, the recap shows how far it got"""


@click.command(epilog=EXIT_CODES)
@click.option(
    "--to",
    "release",
    metavar="RELEASE",
    help="The installed release to go back to (a release id, <version>-<12 hex>) "
    "[default: on each host the newest installed release other than the running one].",
)
@rolling.options
@click.pass_obj
def rollback(
    inventory_path: Path,
    *,
    release: str | None,
    batch: str,
    limit: str | None,
    as_json: bool,
) -> None:
    """Point hosts back at an earlier installed release and restart their services
    (playbooks/rollback.yml): checked on every host first (nothing changes when it is not
    installed on one), then the hubs one at a time, Flower, the nodes and the workers in
    batches, each gated on its health as in a deployment. The releases installed are the
    app role's last app_releases_kept (3). Database migrations are not undone."""
    try:
        extravars = rollout.rollback_vars(release, rollout.parse_batch(batch))
    except rollout.BadArgument as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(progress.EXIT_BAD_ARGUMENTS) from None
    rolling.run(
        ROLLBACK_PLAYBOOK, inventory_path, limit=limit, as_json=as_json, extravars=extravars
    )
