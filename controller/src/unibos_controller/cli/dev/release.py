"""`unibos-dev release patch|minor|major`: bump, changelog, commit, annotated tag."""

from __future__ import annotations

import datetime

import click

from unibos_controller.bundles import release as releases
from unibos_controller.bundles.source import SourceError
from unibos_controller.cli.dev import common


@click.command()
@click.argument("part", type=click.Choice(releases.PARTS))
def release(part: str) -> None:
    """Bump __version__ in app/src/unibos/__init__.py (its one place), add a CHANGELOG.md
    section of the commit subjects since the last v* tag, commit both and make the
    annotated tag vVERSION. Refused (exit 2) on a tree with uncommitted changes. Nothing
    is pushed."""
    checkout = common.checkout()
    try:
        made = releases.release(checkout, part, datetime.datetime.now(datetime.UTC).date())
    except (releases.Refused, SourceError) as error:
        raise common.refused(str(error)) from None
    since = f"since {made.previous_tag}" if made.previous_tag else "(first release)"
    commits = f"{len(made.changes)} commit{'s' if len(made.changes) != 1 else ''}"
    click.echo(f"released {made.tag}: {commits} {since}, commit {made.commit[:12]}")
    click.echo("push it with: git push --follow-tags")
