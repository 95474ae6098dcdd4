"""`privacy.refusal`, asked by every task as a worker is about to run it: a node-only
task runs only on a worker of its origin node; any other task runs anywhere."""

import uuid

import pytest
from django.test import override_settings
from unibos.dispatch.privacy import refusal

NODE, OTHER = str(uuid.uuid4()), str(uuid.uuid4())


def test_a_hub_worker_refuses_a_cctv_task_naming_the_task_the_rule_and_the_node():
    reason = refusal("cctv.record_clip", {"unibos_origin": NODE}, None)

    assert reason == (
        f"task cctv.record_clip is node-only under rule 'cctv.*' (DEFAULT_RULES[3]) for "
        f"node {NODE}, and this worker is not on a node"
    )


def test_a_worker_on_another_node_refuses_it():
    reason = refusal("cctv.record_clip", {"unibos_origin": NODE}, OTHER)

    assert reason is not None
    assert f"this worker is on node {OTHER}" in reason


def test_a_node_only_task_without_an_origin_is_refused_everywhere():
    reason = refusal("cctv.record_clip", {}, NODE)

    assert reason is not None
    assert "carries no origin node" in reason


def test_the_origin_nodes_own_worker_runs_it():
    assert refusal("cctv.record_clip", {"unibos_origin": NODE}, NODE) is None


@pytest.mark.parametrize("worker_node", [None, OTHER])
def test_a_task_without_a_privacy_rule_runs_anywhere(worker_node):
    assert refusal("media.thumbnail", {"unibos_origin": NODE}, worker_node) is None


def test_an_inventory_rule_makes_a_task_node_only():
    rules = [{"pattern": "media.thumbnail", "queue": "media", "privacy": "node"}]

    with override_settings(UNIBOS_TASK_RULES=rules):
        reason = refusal("media.thumbnail", {"unibos_origin": NODE}, None)

    assert reason is not None
    assert "rule 'media.thumbnail' (UNIBOS_TASK_RULES[0])" in reason
