from unibos.routing.balancers import LeastConnections
from unibos.routing.table import Target

A, B = Target("a"), Target("b")


def test_least_connections_sends_the_next_request_to_the_idlest_target():
    balancer = LeastConnections()
    balancer.pick([A, B])
    balancer.pick([A, B])
    balancer.pick([A, B])

    assert balancer.active == {"a": 2, "b": 1}
    assert balancer.pick([A, B]).name == "b"


def test_a_released_request_makes_its_target_idle_again():
    balancer = LeastConnections()
    first = balancer.pick([A, B])
    balancer.pick([A, B])

    balancer.release(first)

    assert balancer.pick([A, B]) == first


def test_releasing_more_than_was_picked_never_counts_below_zero():
    balancer = LeastConnections()
    balancer.release(A)

    assert balancer.active["a"] == 0
