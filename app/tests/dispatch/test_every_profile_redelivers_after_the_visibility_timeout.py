import pytest

from tests.settings.conftest import HUB, NODE, WORKER, load_settings  # noqa: F401

SENTINELS = {"UNIBOS_REDIS_SENTINELS": "rocksteady:26379,bebop:26379"}


@pytest.mark.parametrize("env", [HUB, NODE, WORKER], ids=["hub", "node", "worker"])
@pytest.mark.parametrize("sentinels", [{}, SENTINELS], ids=["redis", "sentinel"])
def test_every_profile_redelivers_after_the_visibility_timeout(
    load_settings,  # noqa: F811
    env,
    sentinels,
):
    settings = load_settings(**env, **sentinels, UNIBOS_TASK_VISIBILITY_TIMEOUT="300")
    broker = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert broker["visibility_timeout"] == 300
    # A held task comes back at most 30 s after the timeout: kombu sweeps every 30 s.
    assert (broker["unacked_restore_interval"], broker["unacked_restore_throttle"]) == (30, 1)
    assert broker["queue_order_strategy"] == "priority"
    # Sentinel's options stay, for the broker and the result backend alike.
    sentinel = settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS
    assert {key: broker[key] for key in sentinel} == sentinel
    assert ("master_name" in sentinel) == bool(sentinels)
    assert "visibility_timeout" not in sentinel
