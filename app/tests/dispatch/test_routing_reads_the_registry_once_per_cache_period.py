"""Routing is cheap: the registry is read at most once per UNIBOS_ROUTING_CACHE_SECONDS,
and not at all for a task with a single candidate queue."""

import pytest
from unibos.core import registry
from unibos.dispatch import router


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The registry reads of a fresh routing cache."""
    counted: list[int] = []
    live_workers = registry.live_workers

    def counting(client):
        counted.append(1)
        return live_workers(client)

    monkeypatch.setattr(registry, "live_workers", counting)
    monkeypatch.setattr(router, "live_view", router.CachedView())
    return counted


def route(name: str) -> str:
    return router.route_task(name, (), {}, {})["queue"]


def test_a_hundred_publishes_read_the_registry_once(reads, settings):
    settings.UNIBOS_ROUTING_CACHE_SECONDS = 3600

    queues = {route("ocr.extract_text") for _ in range(100)}

    assert queues == {"ocr"}
    assert len(reads) == 1


def test_with_no_cache_every_choice_reads_it(reads, settings):
    settings.UNIBOS_ROUTING_CACHE_SECONDS = 0

    for _ in range(3):
        route("media.resize")

    assert len(reads) == 3


def test_a_task_with_one_candidate_queue_reads_nothing(reads):
    assert route("core.cleanup") == "default"
    assert reads == []
