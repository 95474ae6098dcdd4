"""Each policy through the router, so the tests see what a caller sees."""

from unibos.routing.balancers import RoundRobin
from unibos.routing.policies import POLICIES, cost_optimized, local_first, performance_based
from unibos.routing.router import Router
from unibos.routing.table import PriorityTable, Target

from tests.routing.fakes import checker


def router(targets: list[Target], policy, balancer=None) -> Router:
    table = PriorityTable(targets)
    return Router(table, checker(list(table))[0], policy, balancer)


def test_the_three_documented_policies_are_known_by_name():
    assert set(POLICIES) == {"local_first", "performance_based", "cost_optimized"}


def test_local_first_prefers_a_local_target_over_a_higher_priority_remote_one():
    subject = router([Target("remote", 1), Target("lan", 5, local=True)], local_first)

    assert subject.route().name == "lan"


def test_local_first_falls_back_to_remote_targets_by_priority_when_no_local_one_answers():
    lan = Target("lan", 1, local=True)
    subject = router([lan, Target("far", 3), Target("near", 2)], local_first)
    subject.health.failed(lan, "connection refused", decisive=True)

    assert subject.route().name == "near"


def test_performance_based_prefers_the_lowest_measured_latency():
    subject = router([Target("a", 1), Target("b", 2), Target("c", 3)], performance_based)
    subject.health.latency.update(a=0.040, b=0.004, c=0.012)

    assert subject.route().name == "b"


def test_performance_based_ranks_an_unmeasured_target_after_the_measured_ones():
    subject = router([Target("unknown", 1), Target("measured", 2)], performance_based)
    subject.health.latency["measured"] = 0.5

    assert [target.name for target in subject.ranked()] == ["measured", "unknown"]


def test_cost_optimized_prefers_the_cheapest_target():
    subject = router([Target("metered", 1, cost=5.0), Target("flat", 2, cost=1.0)], cost_optimized)

    assert subject.route().name == "flat"


def test_cost_optimized_spreads_load_over_equally_cheap_targets_of_one_priority():
    targets = [Target("a", 1, cost=1.0), Target("b", 1, cost=1.0), Target("dear", 1, cost=9.0)]
    subject = router(targets, cost_optimized, RoundRobin())

    assert [subject.route().name for _ in range(4)] == ["a", "b", "a", "b"]
