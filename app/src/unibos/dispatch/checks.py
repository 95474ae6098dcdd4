"""System checks unibos.E020: routing settings that would misroute every task they
touch; unibos.E021: a visibility timeout that would run a task twice.

Every service runs it at start (worker, hub, node), so a bad rule from the inventory
stops the unit with the rule's index and key in the journal instead of failing each
publish later.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from unibos.dispatch.rules import RuleError, parse
from unibos.queues import is_node_id


@register()
def check_routing_settings(**kwargs: Any) -> list[CheckMessage]:
    errors = []
    try:
        parse(settings.UNIBOS_TASK_RULES)
    except RuleError as error:
        errors.append(Error(str(error), id="unibos.E020"))
    node_id = settings.UNIBOS_NODE_ID
    if node_id and not is_node_id(node_id):
        errors.append(
            Error(
                f"UNIBOS_NODE_ID is {node_id!r}; it must be the node's enrolment id (a UUID), "
                "which names its queue node.<id>.",
                id="unibos.E020",
            )
        )
    return errors


@register()
def check_visibility_timeout(**kwargs: Any) -> list[CheckMessage]:
    visibility = settings.UNIBOS_TASK_VISIBILITY_TIMEOUT
    limit = settings.UNIBOS_TASK_TIME_LIMIT
    eta = settings.UNIBOS_TASK_MAX_ETA
    if visibility > limit + eta:
        return []
    return [
        Error(
            f"UNIBOS_TASK_VISIBILITY_TIMEOUT ({visibility} s) is not above "
            f"UNIBOS_TASK_TIME_LIMIT ({limit} s) plus UNIBOS_TASK_MAX_ETA ({eta} s): Redis "
            "would hand a task that a worker still holds, waiting for its ETA or running, "
            "to a second worker.",
            hint="Raise UNIBOS_TASK_VISIBILITY_TIMEOUT, or lower the time limit or the ETA.",
            id="unibos.E021",
        )
    ]
