"""`unibos-dev`: the developer's side of UNIBOS on the controller. It works on the git
checkout that holds the current directory: `build` writes offline install bundles of a
commit under its build/, `release` bumps the version and tags a release, `deploy`
builds and deploys a bundle to one host, `run` runs the colocated stack from the source
tree, `db` works on its databases, `test` runs the checks through the Makefile.

Exit codes: 0 done, 1 a build step, a database tool or a child of `run` failed, 2 bad
arguments or refused (not a checkout, a dirty tree, an unknown tag or host, a port
taken, a missing dump); `test` exits with make's code, `deploy` with the manager's.
"""

from __future__ import annotations

import click

# The modules, not their commands (as in unibos_controller.cli.manager).
from unibos_controller.cli.dev import build, db, deploy, release, run, test


@click.group()
@click.version_option(package_name="unibos-controller")
def cli() -> None:
    """Build offline install bundles of UNIBOS, make releases, deploy a bundle, run the
    stack from the source tree, and run the checks."""


cli.add_command(build.build)
cli.add_command(release.release)
cli.add_command(deploy.deploy)
cli.add_command(run.run)
cli.add_command(db.db)
cli.add_command(test.test)
