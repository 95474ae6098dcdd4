import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import click

import unibos
from unibos.cli.django_setup import configure_django
from unibos.node import connection
from unibos.node.config import NodeConfig
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.jwks_cache import JWKSCache
from unibos.node.state import BrokenState, Identity, NotEnrolled, StateDir

ANSWER_FIELDS = ("node_id", "credential", "organization", "issuer")


def _hub_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"must be an http:// or https:// URL, not {value!r}")
    return value.rstrip("/")


def _refuse_if_enrolled(state: StateDir) -> None:
    try:
        identity = state.identity()
    except NotEnrolled:
        return
    except BrokenState as error:
        raise click.ClickException(f"{error}; give --force to enrol again") from None
    raise click.ClickException(
        f"this node is already enrolled as {identity.name} ({identity.node_id}) in "
        f"{identity.organization.get('slug')}; give --force to enrol it again"
    )


@click.command()
@click.option(
    "--hub",
    "hub_url",
    required=True,
    callback=_hub_url,
    help="The hub API's base URL, e.g. http://rocksteady:8080.",
)
@click.option(
    "--token",
    required=True,
    envvar="UNIBOS_ENROLMENT_TOKEN",
    help="A one-time enrolment token (unibos-hub nodes enrol-token); or from "
    "UNIBOS_ENROLMENT_TOKEN, which keeps it off the command line.",
)
@click.option(
    "--name",
    default=socket.gethostname,
    show_default="this host's name",
    help="The node's name in the hub's registry.",
)
@click.option("--force", is_flag=True, help="Enrol again, replacing this node's identity.")
def enrol(hub_url: str, token: str, name: str, force: bool) -> None:
    """Enrol this node into the organization of an enrolment token."""
    configure_django()
    config = NodeConfig.from_settings()
    state = config.state
    if not force:
        _refuse_if_enrolled(state)

    hub = HubClient(hub_url)
    try:
        answer = hub.enrol(token, name, unibos.__version__)
    except HubRefused as refusal:
        raise click.ClickException(f"the hub refused the enrolment: {refusal.detail}") from None
    except HubUnreachable as error:
        raise click.ClickException(str(error)) from None
    missing = [field for field in ANSWER_FIELDS if field not in answer]
    if missing or not isinstance(answer["organization"], dict):
        raise click.ClickException(
            f"the hub's enrolment answer lacks {', '.join(missing) or 'an organization object'}"
        )

    identity = Identity(
        node_id=str(answer["node_id"]),
        name=name,
        organization=answer["organization"],
        issuer=answer["issuer"],
        hub_url=hub_url,
        enrolled_at=datetime.now(UTC).isoformat(),
    )
    state.enrol(identity, answer["credential"])
    connection.record_contact(state)
    click.echo(
        f"enrolled as {identity.name} ({identity.node_id}) in "
        f"{identity.organization.get('slug')} at {hub_url}"
    )
    # The token is spent and the node enrolled either way; the keys can come later.
    if JWKSCache(state, hub, config.jwks_refresh_interval).refresh() is None:
        click.echo(
            "warning: could not fetch the hub's signing keys yet; the node fetches them "
            "when it next verifies a token",
            err=True,
        )
