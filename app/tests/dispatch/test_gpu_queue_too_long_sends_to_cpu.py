"""A GPU-preferring task takes the GPU queue while it is shorter than
UNIBOS_GPU_QUEUE_MAX_LENGTH, and the CPU queue once that many tasks wait there."""

import pytest
from unibos.dispatch.router import LiveView, decide


def view(gpu_waiting: int) -> LiveView:
    return LiveView(frozenset({"ocr", "ocr-gpu"}), {"ocr-gpu": gpu_waiting})


@pytest.mark.parametrize(("waiting", "queue"), [(0, "ocr-gpu"), (19, "ocr-gpu"), (20, "ocr")])
def test_the_default_limit_is_twenty_waiting_tasks(waiting, queue):
    assert decide("ocr.extract_text", {}, None, lambda: view(waiting)) == queue


def test_the_limit_comes_from_the_settings(settings):
    settings.UNIBOS_GPU_QUEUE_MAX_LENGTH = 3

    assert decide("ocr.extract_text", {}, None, lambda: view(2)) == "ocr-gpu"
    assert decide("ocr.extract_text", {}, None, lambda: view(3)) == "ocr"


def test_a_task_without_a_gpu_preference_ignores_the_gpu_queue():
    live = LiveView(frozenset({"default", "ocr-gpu"}), {"ocr-gpu": 0})

    assert decide("core.cleanup", {}, None, lambda: live) == "default"
