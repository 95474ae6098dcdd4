from unibos.routing.balancers import RoundRobin
from unibos.routing.table import Target

A, B, C = Target("a"), Target("b"), Target("c")


def test_round_robin_takes_the_candidates_in_turn():
    balancer = RoundRobin()

    assert [balancer.pick([A, B, C]).name for _ in range(6)] == ["a", "b", "c"] * 2


def test_round_robin_keeps_going_when_a_candidate_drops_out():
    balancer = RoundRobin()
    picks = [balancer.pick([A, B, C]).name, balancer.pick([A, C]).name]

    assert picks == ["a", "c"]
