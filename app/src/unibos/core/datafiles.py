"""Where tasks may read (inside UNIBOS_DATA_DIR) and where they write (its derived/)."""

from pathlib import Path

from django.conf import settings

DERIVED = "derived"


def resolve_input(path: str, data_dir: Path | None = None) -> Path:
    """The file `path` names (absolute, or relative to the data dir), if it lies inside.

    Resolving first defeats `..` and symlinks that point out of the data dir: a task
    message must not make a worker read any file its user can.
    """
    root = (data_dir or settings.UNIBOS_DATA_DIR).resolve()
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root):
        raise ValueError(f"path {path!r} is outside UNIBOS_DATA_DIR ({root})")
    if not candidate.is_file():
        raise ValueError(f"path {path!r} is not a file in UNIBOS_DATA_DIR ({root})")
    return candidate


def derived_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or settings.UNIBOS_DATA_DIR) / DERIVED


def output_path(task_id: str, extension: str, data_dir: Path | None = None) -> Path:
    directory = derived_dir(data_dir)
    directory.mkdir(exist_ok=True)
    return directory / f"{task_id}.{extension}"
