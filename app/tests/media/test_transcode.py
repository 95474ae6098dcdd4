import json
import subprocess
from pathlib import Path

import pytest


def probe(path: Path) -> dict:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def clip(data_dir) -> str:
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "mpeg4", "-c:a", "mp2", str(data_dir / "clip.avi"),
        ],
        check=True,
    )  # fmt: skip
    return "clip.avi"


def test_transcode_writes_h264_and_aac_in_mp4(call_task, clip, data_dir):
    result = call_task("media.transcode", path=clip)

    output = Path(result["path"])
    assert output.parent == data_dir / "derived"
    assert output.suffix == ".mp4"
    info = probe(output)
    codecs = {stream["codec_type"]: stream["codec_name"] for stream in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert "mp4" in info["format"]["format_name"]
    assert result["duration"] == pytest.approx(2.0, abs=0.1)
    assert result["size"] == output.stat().st_size
    assert not list(output.parent.glob("*.part"))


def test_transcode_into_matroska(call_task, clip):
    result = call_task("media.transcode", path=clip, container="mkv")

    assert probe(Path(result["path"]))["format"]["format_name"].startswith("matroska")


def test_transcode_reports_ffmpeg_failing_on_a_file_that_is_no_video(call_task, data_dir):
    (data_dir / "not-a-video.avi").write_text("plain text")

    with pytest.raises(RuntimeError, match=r"ffmpeg failed on not-a-video\.avi"):
        call_task("media.transcode", path="not-a-video.avi")


def test_transcode_refuses_an_unknown_container(call_task, clip):
    with pytest.raises(ValueError, match=r"^container must be one of mp4, mov, mkv"):
        call_task("media.transcode", path=clip, container="avi")
