"""wait_until, the kit's one poll loop: what it returns, when it gives up, which errors
mean "not yet"."""

import itertools

import pytest
from unibos_controller.testbed.waiting import WaitTimeout, wait_until


def test_returns_the_first_truthy_value():
    values = iter([0, None, "", "ready", "later"])
    assert wait_until(lambda: next(values), 5, "a value", interval=0) == "ready"


def test_gives_up_naming_what_it_waited_for_and_the_last_value_seen():
    counter = itertools.count()
    with pytest.raises(WaitTimeout) as raised:
        wait_until(lambda: next(counter) < 0, 0.05, "the counter going negative", interval=0.01)
    assert "the counter going negative did not happen within 0.05 s" in str(raised.value)
    assert raised.value.last is False


def test_an_error_fails_at_once_by_default():
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        wait_until(broken, 5, "anything", interval=0)
    assert len(calls) == 1


def test_errors_are_not_yet_waits_them_out_and_reports_the_last():
    attempts = iter([ConnectionError("refused"), ConnectionError("refused"), "up"])

    def flaky():
        value = next(attempts)
        if isinstance(value, Exception):
            raise value
        return value

    assert wait_until(flaky, 5, "the server", interval=0, errors_are_not_yet=True) == "up"

    def never():
        raise ConnectionError("refused")

    with pytest.raises(WaitTimeout, match="ConnectionError: refused"):
        wait_until(never, 0.02, "the server", interval=0.01, errors_are_not_yet=True)


def test_only_the_named_error_types_are_not_yet():
    def wrong_kind():
        raise KeyError("not a connection error")

    with pytest.raises(KeyError):
        wait_until(wrong_kind, 5, "x", interval=0, errors_are_not_yet=ConnectionError)
