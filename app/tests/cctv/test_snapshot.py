"""cctv.snapshot: a still of a camera recording, taken by the worker of the node that
keeps the recording, and never published anywhere else."""

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from unibos.dispatch.privacy import PrivacyError
from unibos.dispatch.submit import submit

from tests.node.node_host import WORKER_NAME


@pytest.fixture(scope="module")
def recording(node_host) -> str:
    # Test pattern: its picture changes every frame, so two times give two stills.
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10",
            "-c:v", "mpeg4", str(node_host.data_dir / "porch.mkv"),
        ],
        check=True,
    )  # fmt: skip
    return "porch.mkv"


def snapshot(node_host, **kwargs) -> subprocess.CompletedProcess[str]:
    return node_host.unibos("call", "cctv.snapshot", "--kwargs", json.dumps(kwargs))


def test_a_still_is_taken_on_the_node_that_keeps_the_recording(node_host, recording):
    result = snapshot(node_host, path=recording, at_seconds=1.5)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["worker"], document["queue"]) == (WORKER_NAME, f"node.{node_host.node_id}")
    still = Path(document["result"]["path"])
    assert still.parent == node_host.data_dir / "derived"
    assert still.name == f"{document['task_id']}.jpg"
    with Image.open(still) as image:
        assert (image.format, image.size) == ("JPEG", (320, 240))
    assert document["result"] == {
        "path": str(still),
        "width": 320,
        "height": 240,
        "at_seconds": 1.5,
    }
    assert not list(still.parent.glob("*.part"))


def test_stills_at_two_times_differ(node_host, recording):
    first, later = (snapshot(node_host, path=recording, at_seconds=t) for t in (0, 2))

    paths = [json.loads(result.stdout)["result"]["path"] for result in (first, later)]
    with Image.open(paths[0]) as one, Image.open(paths[1]) as other:
        assert ImageChops.difference(one.convert("RGB"), other.convert("RGB")).getbbox() is not None


def test_a_time_past_the_end_of_the_recording_is_refused(node_host, recording):
    result = snapshot(node_host, path=recording, at_seconds=5)

    assert result.returncode == 1
    assert "ValueError: at_seconds is 5 but porch.mkv lasts 3 s" in result.stderr


def test_a_negative_time_is_refused(node_host, recording):
    result = snapshot(node_host, path=recording, at_seconds=-1)

    assert result.returncode == 1
    assert "ValueError: at_seconds must be a number of seconds from 0, not -1" in result.stderr


def test_a_file_that_is_no_recording_fails_naming_it(node_host):
    (node_host.data_dir / "notes.mkv").write_text("plain text")

    result = snapshot(node_host, path="notes.mkv")

    assert result.returncode == 1
    assert "RuntimeError: ffprobe cannot read notes.mkv as a recording" in result.stderr


def test_a_hub_cannot_publish_a_snapshot(redis_db):
    with pytest.raises(
        PrivacyError, match=r"task cctv\.snapshot is node-only under rule 'cctv\.\*'"
    ):
        submit("cctv.snapshot", kwargs={"path": "porch.mkv"})
