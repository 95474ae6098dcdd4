import json

import click

from unibos.cli import tables
from unibos.cli.hub import environment
from unibos.hub.ha import cluster as patroni_cluster
from unibos.hub.ha.cluster import Member
from unibos.hub.ha.patroni import Patroni, PatroniUnreachable

COLUMNS = ("MEMBER", "HOST", "ROLE", "STATE", "TL", "LAG MB")


def fetch_members(patroni: Patroni) -> list[Member]:
    """The members from the first answering GET /cluster; exit 2 if none answers."""
    try:
        return patroni_cluster.members(patroni.cluster())
    except PatroniUnreachable as error:
        raise environment.CannotAskPatroni(str(error)) from None
    except ValueError as error:
        raise environment.CannotAskPatroni(f"Patroni's answer makes no sense: {error}") from None


def table(members: list[Member]) -> str:
    """One line per member, like `patronictl list`: the leader has no lag."""
    return tables.table(
        COLUMNS,
        [
            (
                member.name,
                member.host or "",
                member.role,
                member.state,
                "" if member.timeline is None else str(member.timeline),
                ""
                if member.is_leader
                else ("unknown" if member.lag_mb is None else f"{member.lag_mb:.1f}"),
            )
            for member in members
        ],
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the members as one JSON list.")
def status(as_json: bool) -> None:
    """Show the hubs' PostgreSQL cluster; exit 1 without a leader or with a member not
    streaming, exit 2 when no Patroni answers."""
    members = fetch_members(Patroni(environment.patroni_urls()))
    if as_json:
        click.echo(json.dumps([member.as_json() for member in members], indent=2))
    else:
        click.echo(table(members))
    problems = patroni_cluster.problems(members)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise SystemExit(1)
