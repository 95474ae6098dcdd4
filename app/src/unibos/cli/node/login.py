import json
import sys

import click

from unibos.cli.django_setup import configure_django
from unibos.node.config import NodeConfig
from unibos.node.state import BrokenState, NotEnrolled


def _password() -> str:
    # getpass reads the terminal even when stdin is a pipe, so a piped password would
    # be ignored: read stdin itself then.
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("no password on stdin")
    return password


@click.command()
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help="Print the whole token response as JSON.")
def login(username: str, as_json: bool) -> None:
    """Log USERNAME in on this node and print an access token.

    The password comes from the terminal, or from stdin when that is not one. With the
    hub unreachable, a user who logged in through this node before gets a token that
    this node signs and only this node accepts.
    """
    configure_django()
    # It uses the models, which need the settings.
    from unibos.node import login as node_login  # noqa: PLC0415

    password = _password()
    try:
        result = node_login.login(NodeConfig.from_settings(), username, password)
    except (NotEnrolled, BrokenState) as error:
        raise click.ClickException(str(error)) from None
    except node_login.LoginRefused as refusal:
        raise click.ClickException(f"login refused: {refusal.detail}") from None
    click.echo(json.dumps(result.token, indent=2) if as_json else result.token["access_token"])
    if result.offline:
        click.echo(
            "warning: the hub is unreachable; this token is signed by this node and valid "
            "only here",
            err=True,
        )
