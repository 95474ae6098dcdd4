import json
from typing import Any

import click

from unibos.cli.django_setup import configure_django
from unibos.cli.node.enrolled import enrolled_identity


@click.group()
def conflicts() -> None:
    """This node's sync conflicts: list them, resolve one."""


def _store() -> Any:
    configure_django()
    # Imported once the settings are loaded: the store reads UNIBOS_SYNC_DB_PATH.
    from unibos.node.sync.store import SyncStore  # noqa: PLC0415

    return SyncStore.of_node(enrolled_identity())


def _line(conflict: dict[str, Any]) -> str:
    state = "resolved" if conflict["resolved_at"] else "open"
    return (
        f"{conflict['id']}\t{state}\t{conflict['collection']}/{conflict['record_id']}"
        f".{conflict['field']}\twinner {json.dumps(conflict['winner']['value'])}"
        f"\tloser {json.dumps(conflict['loser']['value'])}"
    )


@conflicts.command("list")
@click.option("--all", "everything", is_flag=True, help="Resolved conflicts too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def list_conflicts(everything: bool, as_json: bool) -> None:
    """The unresolved conflicts: id, record, field, the winning and the losing value."""
    with _store() as store:
        listed = store.conflicts(unresolved_only=not everything)
    if as_json:
        click.echo(json.dumps({"conflicts": listed}, indent=2))
    else:
        click.echo("\n".join(_line(conflict) for conflict in listed) or "no conflicts")


@conflicts.command()
@click.argument("conflict_id", type=int)
@click.option(
    "--keep",
    type=click.Choice(["local", "remote", "merged"]),
    required=True,
    help="local: the winner stays; remote: the loser's value; merged: --value.",
)
@click.option("--value", "value_json", help="The merged value, as JSON (with --keep merged).")
def resolve(conflict_id: int, keep: str, value_json: str | None) -> None:
    """Resolve conflict CONFLICT_ID; a new value syncs to the hub like any local write."""
    if (keep == "merged") != (value_json is not None):
        raise click.UsageError("--value is required with --keep merged, and only then")
    try:
        value = json.loads(value_json) if value_json is not None else None
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--value") from None
    with _store() as store:
        resolved = store.resolve(conflict_id, keep, value)
    if resolved is None:
        raise click.ClickException(f"no such conflict {conflict_id}")
    click.echo(f"resolved {conflict_id}: {json.dumps(resolved['resolution']['value'])}")
