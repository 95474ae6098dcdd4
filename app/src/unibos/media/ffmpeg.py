"""ffmpeg and ffprobe, as the media and camera tasks run them."""

import json
import os
import subprocess
from pathlib import Path


def probe_duration(path: Path) -> float:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(completed.stdout)["format"]["duration"])


def write(target: Path, arguments: list[str], failure: str) -> None:
    """Run ffmpeg with `arguments` (inputs and output options) to produce `target`.

    ffmpeg writes beside the target and the rename publishes it whole, so cleanup or a
    reader never sees half a file. When ffmpeg fails or writes nothing: RuntimeError,
    `failure` followed by ffmpeg's exit code and the end of its error output.
    """
    partial = target.with_name(f"{target.name}.part")
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments]
    command.append(str(partial))
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise RuntimeError(
            f"{failure} (exit {completed.returncode}): {completed.stderr.strip()[-2000:]}"
        )
    os.replace(partial, target)
