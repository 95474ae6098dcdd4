import pytest
from unibos.routing.breaker import CLOSED, OPEN
from unibos.routing.table import Target
from unibos.routing.target_health import LATENCY_SMOOTHING, ProbeFailed

from tests.routing.fakes import FakeClock, checker

A, B = Target("a"), Target("b")


def test_a_check_records_each_answering_targets_latency():
    health, probe = checker([A, B])
    probe.latency.update(a=0.02, b=0.005)

    health.check()

    assert health.latency == {"a": 0.02, "b": 0.005}


def test_latency_is_smoothed_so_one_slow_answer_does_not_replace_the_measure():
    health, probe = checker([A])
    probe.latency["a"] = 0.010
    health.check()

    probe.latency["a"] = 0.110
    health.check()

    assert health.latency["a"] == pytest.approx(0.010 + LATENCY_SMOOTHING * 0.100)


def test_failed_probes_open_the_breaker_at_the_threshold_and_keep_the_reason():
    health, probe = checker([A, B], threshold=2)
    probe.failures["a"] = ProbeFailed("timed out")

    health.check()
    assert health.breakers["a"].state == CLOSED
    health.check()

    assert health.breakers["a"].state == OPEN
    assert health.breakers["b"].state == CLOSED
    assert health.reasons == {"a": "timed out"}


def test_a_decisive_probe_failure_opens_the_breaker_on_the_first_check():
    health, probe = checker([A, B])
    probe.failures["a"] = ProbeFailed("connection refused", decisive=True)

    health.check()

    assert not health.available(A)
    assert health.available(B)


def test_a_target_with_an_open_breaker_is_not_probed_until_its_reset_timeout():
    clock = FakeClock()
    health, probe = checker([A, B], clock=clock)
    probe.failures["a"] = ProbeFailed("connection refused", decisive=True)
    health.check()
    probe.probed.clear()

    health.check()
    assert probe.probed == ["b"]

    clock.advance(5.0)
    del probe.failures["a"]
    health.check()
    assert sorted(probe.probed[1:]) == ["a", "b"]
    assert health.breakers["a"].state == CLOSED
    assert "a" not in health.reasons
