"""`unibos-dev test [NAME...]`: the checkout's make targets for its checks."""

from __future__ import annotations

import click

from unibos_controller.cli.dev import common
from unibos_controller.devstack import make_targets

NAMES = "\n".join(
    f"  {name:<11} make {target}" for name, target in make_targets.TEST_TARGETS.items()
)


@click.command(epilog=f"\b\nNames:\n{NAMES}")
@click.argument(
    "names", nargs=-1, metavar="[NAME]...", type=click.Choice(list(make_targets.TEST_TARGETS))
)
def test(names: tuple[str, ...]) -> None:
    """Run the checks NAMES (default: all, which is `make test`) through the checkout's
    Makefile; the exit code is make's."""
    checkout = common.checkout()
    raise SystemExit(make_targets.run(checkout, list(names) or ["all"]))
