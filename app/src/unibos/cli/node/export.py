"""`unibos export`: how far each collection's operations go (unibos.sync.export): list
the levels, set one."""

import json
import re
from typing import Any

import click

from unibos.cli import tables
from unibos.cli.django_setup import configure_settings
from unibos.cli.node.enrolled import enrolled_identity
from unibos.sync import export

COLUMNS = ("collection", "level", "set")


def _store() -> Any:
    configure_settings()
    # Imported once the settings are loaded: the store reads UNIBOS_SYNC_DB_PATH.
    from unibos.node.sync.store import SyncStore  # noqa: PLC0415

    return SyncStore.of_node(enrolled_identity())


def text(levels: list[dict[str, Any]], default: str) -> str:
    lines = [f"default: {default} (UNIBOS_EXPORT_DEFAULT)"]
    if levels:
        rows = [
            (row["collection"], row["level"], "yes" if row["set"] else "no (default)")
            for row in levels
        ]
        lines.append(tables.table(COLUMNS, rows))
    else:
        lines.append("no collections yet")
    return "\n".join(lines)


@click.group("export")
def export_control() -> None:
    """How far each collection's operations go: hub (the hub and the LAN's peers), peers
    (the nodes of the organization on the LAN only) or local (never off this node)."""


@export_control.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def list_levels(as_json: bool) -> None:
    """Every collection this node holds or has a level for: its level, and whether it
    was set or is the default's. Exit 1 when the node is not enrolled."""
    with _store() as store:
        levels, default = store.exports(), store.export_default
    if as_json:
        click.echo(json.dumps({"default": default, "collections": levels}, indent=2))
    else:
        click.echo(text(levels, default))


@export_control.command("set")
@click.argument("collection")
@click.argument("level")
def set_level(collection: str, level: str) -> None:
    """Set COLLECTION's LEVEL (hub, peers or local). A narrower level holds from now on
    for every operation of it not yet sent, this node's queued ones included: they go
    as placeholders (origin and seq, nothing of the collection)."""
    # Imported here: the batch format compiles its schema on import, which only this
    # command needs of every `unibos` command.
    from unibos.sync import batch  # noqa: PLC0415

    if not re.fullmatch(batch.COLLECTION_PATTERN, collection):
        raise click.BadParameter(
            f"{collection!r} is no collection name: 1 to 100 letters, digits, _ . or -",
            param_hint="COLLECTION",
        )
    problem = export.level_problem(level)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="LEVEL")
    with _store() as store:
        before = store.export_level(collection)
        store.set_export(collection, level)
    click.echo(f"{collection}: {level} (was {before})")
