"""Locality: `local` prefers the origin node's own workers, `hub` never uses a node
queue, `any` takes the rule's queue wherever its workers run."""

import uuid
from collections.abc import Callable

import pytest
from django.test import override_settings
from unibos.dispatch.router import LiveView, Misrouted, decide

NODE = str(uuid.uuid4())
ORIGIN = {"unibos_origin": NODE}


def rules(locality: str) -> list[dict]:
    return [{"pattern": "media.*", "queue": "media", "prefer": "gpu", "locality": locality}]


def live(*queues: str) -> Callable[[], LiveView]:
    """The router's view of live workers, consuming `queues`."""
    view = LiveView(frozenset(queues), {})
    return lambda: view


def test_local_uses_the_origin_nodes_queue_when_a_worker_there_consumes_it():
    with override_settings(UNIBOS_TASK_RULES=rules("local")):
        queue = decide("media.resize", ORIGIN, None, live("media-gpu", f"node.{NODE}"))

    assert queue == f"node.{NODE}"


def test_local_falls_back_to_the_rules_queue_and_its_gpu_preference_without_one():
    with override_settings(UNIBOS_TASK_RULES=rules("local")):
        with_gpu = decide("media.resize", ORIGIN, None, live("media-gpu"))
        without = decide("media.resize", ORIGIN, None, live())

    assert (with_gpu, without) == ("media-gpu", "media")


@pytest.mark.parametrize("locality", ["any", "hub"])
def test_any_and_hub_never_choose_a_node_queue(locality):
    with override_settings(UNIBOS_TASK_RULES=rules(locality)):
        queue = decide("media.resize", ORIGIN, None, live(f"node.{NODE}"))

    assert queue == "media"


def test_hub_refuses_an_explicit_node_queue_naming_the_task_rule_and_queue():
    with override_settings(UNIBOS_TASK_RULES=rules("hub")), pytest.raises(Misrouted) as error:
        decide("media.resize", ORIGIN, f"node.{NODE}", live())

    assert str(error.value) == (
        "task media.resize runs on hubs only under rule 'media.*' (UNIBOS_TASK_RULES[0]), "
        f"not on node queue 'node.{NODE}'"
    )


def test_an_explicit_queue_is_kept_otherwise():
    with override_settings(UNIBOS_TASK_RULES=rules("any")):
        assert decide("media.resize", ORIGIN, f"node.{NODE}", live()) == f"node.{NODE}"
        assert decide("media.resize", {}, "media", live("media-gpu")) == "media"
