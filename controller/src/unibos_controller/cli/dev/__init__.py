"""`unibos-dev`: the developer's side of UNIBOS on the controller. It works on the git
checkout that holds the current directory: `build` writes offline install bundles of a
commit under its build/, `release` bumps the version and tags a release.

Exit codes: 0 done, 1 a build step failed (pip's own lines say why), 2 bad arguments
or refused (not a checkout, a dirty tree, an unknown tag).
"""

from __future__ import annotations

import click

# The modules, not their commands (as in unibos_controller.cli.manager).
from unibos_controller.cli.dev import build, release


@click.group()
@click.version_option(package_name="unibos-controller")
def cli() -> None:
    """Build offline install bundles of UNIBOS and make releases."""


cli.add_command(build.build)
cli.add_command(release.release)
