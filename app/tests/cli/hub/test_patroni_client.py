"""The REST API client against a real HTTP server in a thread that records the requests."""

import base64

import pytest
from unibos.hub.ha import patroni as patroni_module
from unibos.hub.ha.patroni import Patroni, PatroniError, PatroniNoAnswer, PatroniUnreachable
from unibos_controller.testbed.servers import free_port

from tests.cli.hub.clusters import HEALTHY, SWITCHED_TO_BEBOP


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_cluster_gets_the_document_from_the_first_url(patroni):
    assert Patroni([patroni.url]).cluster() == HEALTHY

    [request] = patroni.requests
    assert (request.method, request.path) == ("GET", "/cluster")
    assert "Authorization" not in request.headers


def test_cluster_skips_a_url_that_does_not_answer(patroni):
    assert Patroni([dead_url(), patroni.url]).cluster() == HEALTHY


def test_cluster_skips_a_member_that_answers_with_an_error(patroni):
    broken = type(patroni)()
    broken.serve(HEALTHY)
    broken.cluster_status = 503
    try:
        assert Patroni([broken.url, patroni.url]).cluster() == HEALTHY
    finally:
        broken.close()
    assert len(patroni.requests) == 1


def test_cluster_names_every_url_and_its_failure_when_none_answers(patroni):
    first, second = dead_url(), dead_url()
    patroni.cluster_status = 500

    with pytest.raises(PatroniUnreachable) as unreachable:
        Patroni([first, second, patroni.url]).cluster()

    assert list(unreachable.value.failures) == [first, second, patroni.url]
    assert "Connection refused" in unreachable.value.failures[first]
    assert unreachable.value.failures[patroni.url] == "HTTP 500"


def test_cluster_gives_up_on_a_member_after_the_timeout(patroni, monkeypatch):
    monkeypatch.setattr(patroni_module, "TIMEOUT_SECONDS", 0.2)
    patroni.cluster_delay = 1

    with pytest.raises(PatroniUnreachable, match="timed out"):
        Patroni([patroni.url]).cluster()


def test_post_sends_json_with_basic_auth(patroni):
    patroni.answer("/switchover", 200, 'Successfully switched over to "bebop"', SWITCHED_TO_BEBOP)
    client = Patroni([patroni.url], "patroni", "s3cret")

    text = client.post("/switchover", {"leader": "rocksteady", "candidate": "bebop"})

    assert text == 'Successfully switched over to "bebop"'
    [request] = patroni.requests_to("POST")
    assert request.path == "/switchover"
    assert (
        request.headers["Authorization"] == "Basic " + base64.b64encode(b"patroni:s3cret").decode()
    )
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"leader": "rocksteady", "candidate": "bebop"}
    assert client.cluster() == SWITCHED_TO_BEBOP


def test_post_skips_a_url_it_cannot_reach(patroni):
    patroni.answer("/failover", 200, 'Successfully failed over to "bebop"')

    text = Patroni([dead_url(), patroni.url], "patroni", "s3cret").post(
        "/failover", {"candidate": "bebop"}
    )

    assert text == 'Successfully failed over to "bebop"'


def test_post_raises_patronis_error_and_tries_no_other_member(patroni):
    other = type(patroni)()
    patroni.answer("/switchover", 412, "candidate name does not match with sync_standby")
    try:
        with pytest.raises(PatroniError) as error:
            Patroni([patroni.url, other.url], "patroni", "s3cret").post("/switchover", {})
    finally:
        other.close()

    assert (error.value.status, error.value.text) == (
        412,
        "candidate name does not match with sync_standby",
    )
    assert other.requests == []


def test_post_without_an_answer_in_time_is_not_sent_again(patroni, monkeypatch):
    monkeypatch.setattr(patroni_module, "ACTION_TIMEOUT_SECONDS", 0.2)
    other = type(patroni)()
    patroni.answer("/switchover", 200, "late", delay=1)
    try:
        with pytest.raises(PatroniNoAnswer):
            Patroni([patroni.url, other.url], "patroni", "s3cret").post("/switchover", {})
    finally:
        other.close()

    assert other.requests == []


def test_post_names_every_url_when_none_can_be_reached():
    first = dead_url()

    with pytest.raises(PatroniUnreachable, match=first):
        Patroni([first], "patroni", "s3cret").post("/switchover", {})


def test_requests_ignore_a_proxy_from_the_environment(patroni, monkeypatch):
    monkeypatch.setenv("http_proxy", dead_url())
    monkeypatch.setenv("no_proxy", "")

    assert Patroni([patroni.url]).cluster() == HEALTHY
