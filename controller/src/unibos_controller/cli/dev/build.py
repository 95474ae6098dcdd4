"""`unibos-dev build TARGET`: offline install bundles under build/."""

from __future__ import annotations

import click

from unibos_controller.bundles import builder, debs, wheels
from unibos_controller.bundles.source import SourceError
from unibos_controller.cli.dev import common


@click.command()
@click.argument("target", type=click.Choice([*builder.TARGETS, "all"]))
@click.option("--arch", type=click.Choice(wheels.ARCHES), default="amd64", show_default=True)
@click.option(
    "--version",
    "version",
    metavar="V",
    help="Build the release tagged vV [default: HEAD, named by its unibos.__version__].",
)
def build(target: str, arch: str, version: str | None) -> None:
    """Write build/TARGET/unibos-TARGET-vVERSION-ARCH.tar.gz: the app's wheel and every
    dependency's wheel for Debian 12's Python 3.11 on ARCH (and Patroni's for a hub),
    the Debian packages a node or worker host of TARGET installs with their dependencies
    (resolved for ARCH and Debian 12), and manifest.json, from the committed tree
    (uncommitted changes are not in it).
    build/checksums.sha256 lists every bundle under build/. A bundle of the same commit
    is kept; two builds of one commit are byte-identical."""
    checkout = common.checkout()
    targets = list(builder.TARGETS) if target == "all" else [target]
    try:
        built = builder.build(
            checkout, targets, arch, version, progress=lambda line: click.echo(f"... {line}")
        )
    except SourceError as error:
        raise common.refused(str(error)) from None
    except (wheels.WheelError, debs.DebError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    for bundle in built:
        state = "built" if bundle.fresh else "up to date"
        size = bundle.path.stat().st_size / 1e6
        members = [member["path"] for member in bundle.manifest["members"]]
        wheel_count = sum(path.endswith(".whl") for path in members)
        deb_count = sum(path.endswith(".deb") for path in members)
        click.echo(
            f"{state}: {bundle.path.relative_to(checkout)} ({wheel_count} wheels, "
            f"{deb_count} Debian packages, {size:.1f} MB, release {bundle.manifest['release']}, "
            f"commit {bundle.manifest['commit'][:12]})"
        )
    click.echo(f"checksums: {builder.BUILD_DIR}/checksums.sha256")
