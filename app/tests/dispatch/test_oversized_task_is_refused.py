"""A task whose input is larger than its rule's `max_size_mb` is refused at publish,
naming task, size and limit, before anything reaches Redis."""

import pytest
from django.test import override_settings
from unibos.core.broker import queue_lengths
from unibos.dispatch.router import LiveView, TooLarge, decide
from unibos.dispatch.submit import submit

LIMITED = [{"pattern": "media.transcode", "queue": "media", "max_size_mb": 100}]


def test_an_oversized_task_raises_toolarge_and_publishes_nothing(redis_db):
    before = queue_lengths(redis_db, ["media", "media-gpu"])

    with override_settings(UNIBOS_TASK_RULES=LIMITED), pytest.raises(TooLarge) as error:
        submit("media.transcode", kwargs={"path": "film.mov"}, size_mb=100.5)

    assert str(error.value) == (
        "task media.transcode has 100.5 MB of input, over the 100 MB limit of "
        "rule 'media.transcode' (UNIBOS_TASK_RULES[0])"
    )
    assert queue_lengths(redis_db, ["media", "media-gpu"]) == before


def test_a_task_at_the_limit_or_of_unknown_size_is_routed():
    with override_settings(UNIBOS_TASK_RULES=LIMITED):
        at_limit = decide("media.transcode", {"unibos_size_mb": 100}, None, LiveView)
        unknown = decide("media.transcode", {}, None, LiveView)

    assert (at_limit, unknown) == ("media", "media")
