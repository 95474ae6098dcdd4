"""The media worker makes thumbnails of the asked size and transcodes video with ffmpeg."""

import json

import pytest
from conftest import DATA_DIR

# Sent from the host of the media worker, which reads and writes the files there.
pytestmark = pytest.mark.on("worker_media")


def thumbnail_size(stack, width: int, height: int) -> str:
    """Have the media worker make a width x height thumbnail of an 800x600 image (through
    media.thumbnail) and return the size the output file has, as "width height"."""
    source = f"{DATA_DIR}/media-source.png"
    stack.python(f"from PIL import Image; Image.new('RGB', (800, 600), 'teal').save({source!r})")
    record = stack.call("media.thumbnail", path=source, width=width, height=height)
    assert record["worker"] == f"media@{stack.hostname}", record
    output = record["result"]["path"]
    return stack.python(f"from PIL import Image; print(*Image.open({output!r}).size)")


def test_a_thumbnail_has_exactly_the_asked_size(stack):
    assert thumbnail_size(stack, 120, 90) == "120 90"


def test_a_resize_without_height_keeps_the_aspect_ratio(stack):
    source = f"{DATA_DIR}/media-wide.png"
    stack.python(f"from PIL import Image; Image.new('RGB', (400, 100), 'red').save({source!r})")
    record = stack.call("media.resize", path=source, width=200)
    output = record["result"]["path"]
    assert stack.python(f"from PIL import Image; print(*Image.open({output!r}).size)") == "200 50"


def test_a_short_generated_video_transcodes_to_h264(stack):
    source = f"{DATA_DIR}/media-clip.mkv"
    stack.host.check_output(
        "ffmpeg -v error -y -f lavfi -i testsrc=duration=2:size=320x240:rate=25 "
        f"-f lavfi -i sine=duration=2 -c:v mpeg4 -c:a libvorbis {source}"
    )
    record = stack.call("media.transcode", path=source)
    output = record["result"]["path"]
    probe = json.loads(
        stack.host.check_output(
            f"ffprobe -v error -show_entries stream=codec_name:format=duration -of json {output}"
        )
    )
    codecs = sorted(s["codec_name"] for s in probe["streams"])
    assert codecs == ["aac", "h264"]
    assert abs(float(probe["format"]["duration"]) - 2.0) < 0.2
