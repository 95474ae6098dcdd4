"""This node's enrolment, as the commands that need one read it: exit 1 without."""

import click
from django.conf import settings

from unibos.node.config import NodeConfig
from unibos.node.state import BrokenState, Identity, NotEnrolled


def enrolled_identity() -> Identity:
    """The node's identity; exit 1 naming the problem when it is not enrolled or its
    state cannot be read."""
    try:
        return NodeConfig.from_settings().state.identity()
    except (NotEnrolled, BrokenState) as error:
        raise click.ClickException(str(error)) from None


def adopt_node_id() -> str:
    """This node's enrolment id, made this process's UNIBOS_NODE_ID; exit 1 unenrolled.

    The privacy check at consume and `submit`'s origin read the setting, and a worker's
    pool children, forked from this process, inherit it. A different UNIBOS_NODE_ID in
    the environment is an error, not overridden: one of the two is wrong.
    """
    node_id = enrolled_identity().node_id
    if settings.UNIBOS_NODE_ID and node_id != settings.UNIBOS_NODE_ID:
        raise click.ClickException(
            f"UNIBOS_NODE_ID is {settings.UNIBOS_NODE_ID} but this node is enrolled as "
            f"{node_id} ({settings.UNIBOS_NODE_STATE_DIR}); remove UNIBOS_NODE_ID from the "
            "environment"
        )
    settings.UNIBOS_NODE_ID = node_id
    return node_id
