"""An `ocr.*` task prefers the GPU: it runs on a GPU worker while one is alive, and on
the CPU worker when none is, with real workers deciding nothing but what they consume."""

import pytest
from PIL import Image
from unibos_controller.testbed.workers import node_name, start_worker

from tests.dispatch.publisher import publish

DB = 13
CPU, GPU = node_name("ocr"), node_name("ocr-gpu")


@pytest.fixture
def page(data_dir) -> str:
    Image.new("RGB", (200, 100), "white").save(data_dir / "blank-page.png")
    return "blank-page.png"


def test_ocr_runs_on_the_gpu_worker_only_while_one_is_alive(redis_server, tmp_path, page):
    client = redis_server.client(db=DB)
    client.flushdb()
    cpu = start_worker(["--type", "ocr"], DB, tmp_path / "cpu.log")
    try:
        cpu.wait_registered(client, CPU)
        alone = publish(DB, "ocr.extract_text", kwargs={"path": page})

        gpu = start_worker(["--type", "ocr", "--gpu"], DB, tmp_path / "gpu.log")
        try:
            gpu_record = gpu.wait_registered(client, GPU)
            beside = publish(DB, "ocr.extract_text", kwargs={"path": page})
        finally:
            assert gpu.stop() == 0, gpu.output()
        after = publish(DB, "ocr.extract_text", kwargs={"path": page})
    finally:
        assert cpu.stop() == 0, cpu.output()

    assert (alone["worker"], alone["queue"], alone["state"]) == (CPU, "ocr", "SUCCESS")
    assert gpu_record["queues"] == ["ocr-gpu"]
    assert gpu_record["capabilities"]["gpu"] is True
    assert (beside["worker"], beside["queue"], beside["state"]) == (GPU, "ocr-gpu", "SUCCESS")
    assert (after["worker"], after["queue"]) == (CPU, "ocr")
