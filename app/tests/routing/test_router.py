import pytest
from unibos.routing.balancers import LeastConnections, RoundRobin
from unibos.routing.policies import by_priority, performance_based
from unibos.routing.router import NoRoute, Router
from unibos.routing.table import PriorityTable, Target

from tests.routing.fakes import checker

TARGETS = [Target("first", 1), Target("second", 2), Target("third", 3)]


def router(policy=by_priority, balancer=None, targets=TARGETS) -> Router:
    table = PriorityTable(targets)
    return Router(table, checker(list(table))[0], policy, balancer)


def test_the_router_picks_the_highest_priority_target_when_all_are_available():
    assert router().route().name == "first"


def test_the_router_skips_a_target_whose_breaker_is_open():
    subject = router()
    subject.health.failed(TARGETS[0], "connection refused", decisive=True)

    assert subject.route().name == "second"
    assert [target.name for target in subject.ranked()] == ["second", "third"]


def test_the_router_says_there_is_no_route_when_every_breaker_is_open():
    subject = router()
    for target in TARGETS:
        subject.health.failed(target, "connection refused", decisive=True)

    with pytest.raises(NoRoute, match="every circuit breaker is open"):
        subject.route()
    assert subject.ranked() == []


def test_ranked_orders_every_available_target_by_the_policy():
    subject = router(performance_based)
    subject.health.latency.update(first=0.030, second=0.010, third=0.020)

    assert [target.name for target in subject.ranked()] == ["second", "third", "first"]


def test_the_balancer_chooses_only_among_the_targets_the_policy_ties():
    tied = [Target("a", 1), Target("b", 1), Target("later", 2)]
    subject = router(
        balancer=RoundRobin(), targets=tied, policy=lambda t, table, lat: (t.priority,)
    )

    assert [subject.route().name for _ in range(4)] == ["a", "b", "a", "b"]


def test_releasing_a_route_ends_its_request_for_least_connections():
    tied = [Target("a", 1), Target("b", 1)]
    subject = router(balancer=LeastConnections(), targets=tied, policy=lambda t, table, lat: ())
    first = subject.route()
    assert subject.route().name != first.name

    subject.release(first)

    assert subject.route().name == first.name
