from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Task, shared_task

from unibos.core.datafiles import output_path, resolve_input
from unibos.media import ffmpeg

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported by the tasks that use it, not with this module: every
# worker imports every task module, and a Pi Zero 2 W's node worker should not hold
# it until it runs such a task.

# The container name a caller gives, and the muxer ffmpeg knows it by.
CONTAINERS = {"mp4": "mp4", "mov": "mov", "mkv": "matroska"}
# Without this the moov atom comes last and browsers cannot play a download as it arrives.
FASTSTART_CONTAINERS = ("mp4", "mov")


def _positive(name: str, value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def _open_upright(path: Path) -> "Image.Image":
    from PIL import Image, ImageOps  # noqa: PLC0415

    # Phones store rotation in EXIF; without applying it, width and height are swapped.
    return ImageOps.exif_transpose(Image.open(path))


def _save(image: "Image.Image", task_id: str) -> dict[str, Any]:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if has_alpha:
        extension, image = "png", image.convert("RGBA")
    else:
        extension, image = "jpg", image.convert("RGB")
    target = output_path(task_id, extension)
    image.save(target, **({"quality": 90} if extension == "jpg" else {}))
    return {"path": str(target), "width": image.width, "height": image.height}


@shared_task(name="media.thumbnail", bind=True)
def thumbnail(self: Task, path: str, width: int, height: int) -> dict[str, Any]:
    """Exactly width x height: scaled to cover the box, then centre-cropped."""
    from PIL import Image, ImageOps  # noqa: PLC0415

    size = (_positive("width", width), _positive("height", height))
    image = _open_upright(resolve_input(path))
    return _save(ImageOps.fit(image, size, Image.Resampling.LANCZOS), self.request.id)


@shared_task(name="media.resize", bind=True)
def resize(self: Task, path: str, width: int, height: int | None = None) -> dict[str, Any]:
    """Scaled to `width`; to `height` too when given, else keeping the aspect ratio."""
    from PIL import Image  # noqa: PLC0415

    _positive("width", width)
    image = _open_upright(resolve_input(path))
    if height is None:
        height = max(1, round(image.height * width / image.width))
    size = (width, _positive("height", height))
    return _save(image.resize(size, Image.Resampling.LANCZOS), self.request.id)


@shared_task(name="media.transcode", bind=True)
def transcode(self: Task, path: str, container: str = "mp4") -> dict[str, Any]:
    """H.264 video and AAC audio in `container`, for playback everywhere."""
    if container not in CONTAINERS:
        raise ValueError(f"container must be one of {', '.join(CONTAINERS)}, not {container!r}")
    source = resolve_input(path)
    target = output_path(self.request.id, container)
    arguments = [
        "-i", str(source),
        "-map", "0:v:0", "-map", "0:a:0?",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k",
        *(["-movflags", "+faststart"] if container in FASTSTART_CONTAINERS else []),
        "-f", CONTAINERS[container],
    ]  # fmt: skip
    ffmpeg.write(target, arguments, f"ffmpeg failed on {source.name}")
    return {
        "path": str(target),
        "duration": ffmpeg.probe_duration(target),
        "size": target.stat().st_size,
    }
