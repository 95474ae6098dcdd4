import pytest
from unibos.routing.balancers import Sticky
from unibos.routing.table import Target

TARGETS = [Target("a"), Target("b"), Target("c")]
KEYS = [f"node-{number}" for number in range(200)]


def test_sticky_sends_the_same_key_to_the_same_target_every_time():
    balancer = Sticky()

    assert {balancer.pick(TARGETS, "node-7") for _ in range(10)} == {
        balancer.pick(TARGETS, "node-7")
    }


def test_sticky_spreads_different_keys_over_every_target():
    balancer = Sticky()

    assert {balancer.pick(TARGETS, key).name for key in KEYS} == {"a", "b", "c"}


def test_a_target_that_drops_out_moves_only_its_own_keys():
    balancer = Sticky()
    before = {key: balancer.pick(TARGETS, key).name for key in KEYS}

    after = {key: balancer.pick(TARGETS[:2], key).name for key in KEYS}

    assert {key for key in KEYS if before[key] != after[key]} == {
        key for key in KEYS if before[key] == "c"
    }


def test_sticky_refuses_a_request_without_a_key():
    with pytest.raises(ValueError, match="needs a key"):
        Sticky().pick(TARGETS)
