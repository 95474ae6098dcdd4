import pytest
from unibos.routing.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker

from tests.routing.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, reset_timeout=5.0, clock=clock)


def test_a_breaker_stays_closed_below_the_failure_threshold(breaker):
    breaker.record_failure()
    breaker.record_failure()

    assert breaker.state == CLOSED
    assert breaker.available()


def test_a_breaker_opens_at_the_failure_threshold_and_lets_nothing_through(breaker):
    for _ in range(3):
        breaker.record_failure()

    assert breaker.state == OPEN
    assert not breaker.available()


def test_a_decisive_failure_opens_the_breaker_at_once(breaker):
    breaker.record_failure(decisive=True)

    assert breaker.state == OPEN


def test_a_success_forgets_the_earlier_failures(breaker):
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.state == CLOSED


def test_an_open_breaker_turns_half_open_after_the_reset_timeout(breaker, clock):
    breaker.record_failure(decisive=True)

    clock.advance(4.9)
    assert breaker.state == OPEN
    clock.advance(0.1)
    assert breaker.state == HALF_OPEN
    assert breaker.available()


def test_a_success_while_half_open_closes_the_breaker(breaker, clock):
    breaker.record_failure(decisive=True)
    clock.advance(5.0)

    breaker.record_success()

    assert breaker.state == CLOSED


def test_one_failure_while_half_open_opens_the_breaker_for_another_reset_timeout(breaker, clock):
    breaker.record_failure(decisive=True)
    clock.advance(5.0)

    breaker.record_failure()

    assert breaker.state == OPEN
    clock.advance(4.9)
    assert breaker.state == OPEN
    clock.advance(0.1)
    assert breaker.state == HALF_OPEN


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"failure_threshold": 0}, "failure_threshold must be at least 1"),
        ({"reset_timeout": 0}, "reset_timeout must be positive"),
    ],
)
def test_a_breaker_refuses_settings_that_would_never_let_it_work(arguments, message):
    with pytest.raises(ValueError, match=message):
        CircuitBreaker(**arguments)
