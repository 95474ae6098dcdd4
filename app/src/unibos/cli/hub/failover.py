import time

import click

from unibos.cli.hub import environment
from unibos.cli.hub.status import fetch_members, table
from unibos.hub.ha import cluster as patroni_cluster
from unibos.hub.ha.cluster import Member, Plan, Refused
from unibos.hub.ha.patroni import Patroni, PatroniError, PatroniNoAnswer, PatroniUnreachable

# Seconds between two GET /cluster while waiting for the new leader.
POLL_INTERVAL_SECONDS = 0.5


def _confirm(plan: Plan) -> None:
    if plan.leader is None:
        question = (
            f"No member is the leader. Fail over the hub database to {plan.candidate}? "
            "Transactions it has not received are lost."
        )
    else:
        question = f"Switch the hub database's leader from {plan.leader} to {plan.candidate}?"
    click.confirm(question, abort=True)


def _wait_for_leader(patroni: Patroni, candidate: str, timeout: float) -> list[Member]:
    deadline = time.monotonic() + timeout
    seen = "unknown"
    while True:
        try:
            members = patroni_cluster.members(patroni.cluster())
        except (PatroniUnreachable, ValueError) as error:
            # Members restart during a switchover; a short gap is expected.
            seen = f"unknown ({error})"
        else:
            current = patroni_cluster.leader(members)
            if current is not None and current.name == candidate and current.state == "running":
                return members
            seen = "none" if current is None else f"{current.name} ({current.state})"
        if time.monotonic() >= deadline:
            raise click.ClickException(
                f"{candidate} did not become the leader within {timeout:g} s; the leader is "
                f"{seen} (unibos-hub status)"
            )
        time.sleep(POLL_INTERVAL_SECONDS)


@click.command()
@click.option("--to", "candidate", required=True, metavar="HUB", help="The member to promote.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds to wait for HUB to lead.",
)
def failover(candidate: str, yes: bool, timeout: float) -> None:
    """Make HUB the leader: a switchover from the current leader, or, when there is none,
    a failover. Refused before any change when HUB is not a replica in sync."""
    patroni = Patroni(environment.patroni_urls(), environment.username(), environment.password())
    try:
        plan = patroni_cluster.plan_failover(fetch_members(patroni), candidate)
    except Refused as error:
        raise click.ClickException(f"refusing to make {candidate} the leader: {error}") from None
    if not yes:
        _confirm(plan)

    try:
        answer = patroni.post(plan.path, plan.body)
    except PatroniError as error:
        raise click.ClickException(
            f"Patroni refused POST {plan.path} ({error.status}): {error.text}"
        ) from None
    except PatroniUnreachable as error:
        raise environment.CannotAskPatroni(str(error)) from None
    except PatroniNoAnswer as error:
        click.echo(f"warning: {error}; waiting for {candidate} to lead", err=True)
    else:
        click.echo(answer)

    click.echo(table(_wait_for_leader(patroni, candidate, timeout)))
