"""Camera recordings: tasks whose data must not leave the node that recorded it.

The default rules bind `cctv.*` to the origin node's own queue (privacy `node`), so
these run only on that node's worker (`unibos worker`), reading its data dir.
"""

import subprocess
from typing import Any

from celery import Task, shared_task

from unibos.core.datafiles import output_path, resolve_input
from unibos.media import ffmpeg

# Pillow is imported by the tasks that use it, not with this module: every
# worker imports every task module, and a Pi Zero 2 W's node worker should not hold
# it until it runs such a task.


@shared_task(name="cctv.snapshot", bind=True)
def snapshot(self: Task, path: str, at_seconds: float = 0.0) -> dict[str, Any]:
    """One still of the recording `path` (in the data dir), `at_seconds` into it."""
    from PIL import Image  # noqa: PLC0415

    if isinstance(at_seconds, bool) or not isinstance(at_seconds, int | float) or at_seconds < 0:
        raise ValueError(f"at_seconds must be a number of seconds from 0, not {at_seconds!r}")
    source = resolve_input(path)
    try:
        duration = ffmpeg.probe_duration(source)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"ffprobe cannot read {path} as a recording: {error.stderr.strip()[-2000:]}"
        ) from None
    if at_seconds >= duration:
        raise ValueError(
            f"at_seconds is {at_seconds:g} but {path} lasts {duration:g} s; give an earlier time"
        )
    target = output_path(self.request.id, "jpg")
    arguments = [
        # Before -i: seek by the index to the nearest key frame, then decode up to the time.
        "-ss", f"{at_seconds:.3f}", "-i", str(source),
        "-frames:v", "1", "-q:v", "3", "-f", "mjpeg",
    ]  # fmt: skip
    ffmpeg.write(target, arguments, f"ffmpeg found no frame at {at_seconds:g} s in {source.name}")
    with Image.open(target) as image:
        width, height = image.size
    return {"path": str(target), "width": width, "height": height, "at_seconds": at_seconds}
