"""The bundle archive: `manifest.json` and the wheels, as a tar.gz whose bytes depend
only on what goes in. Members are sorted, each has the commit's time as its mtime, owner
root (0/0, no names) and mode 0644; the gzip header has mtime 0 and no file name.
`build/checksums.sha256` lists every bundle under build/ in sha256sum's format."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
APP_DIR = "wheels"
PATRONI_DIR = "patroni-wheels"
CHECKSUMS = "checksums.sha256"


def sha256_of(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def bundle_name(target: str, version: str, arch: str) -> str:
    return f"unibos-{target}-v{version}-{arch}.tar.gz"


def release_id(version: str, members: dict[str, str]) -> str:
    """The release the app role installs the bundle as: <version>-<12 hex of the sha256
    over the app wheels' sums>, the shape of scripts/wheelhouse's RELEASE."""
    listing = "".join(
        f"{digest}  {path}\n"
        for path, digest in sorted(members.items())
        if path.startswith(APP_DIR + "/")
    )
    return f"{version}-{hashlib.sha256(listing.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Bundle:
    path: Path
    manifest: dict


def _normalize(mtime: int) -> Callable[[tarfile.TarInfo], tarfile.TarInfo]:
    def normalize(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime = mtime
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o644
        return info

    return normalize


def write(path: Path, files: dict[str, Path], manifest_fields: dict, mtime: int) -> Bundle:
    """Writes the bundle of `files` (member name -> file) with a manifest of
    `manifest_fields` and each member's sha256. Written beside `path`, then renamed."""
    members = {name: sha256_of(source) for name, source in files.items()}
    manifest = {
        **manifest_fields,
        "release": release_id(manifest_fields["version"], members),
        "members": [{"path": name, "sha256": members[name]} for name in sorted(members)],
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    normalize = _normalize(mtime)
    partial = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        partial.open("wb") as raw,
        # filename="" keeps the output's name out of the header, mtime=0 the clock.
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        # GNU format: long wheel names in a fixed-form header, no PAX times.
        tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar,
    ):
        for name in sorted([MANIFEST, *files]):
            if name == MANIFEST:
                info = normalize(tarfile.TarInfo(MANIFEST))
                info.size = len(manifest_bytes)
                tar.addfile(info, io.BytesIO(manifest_bytes))
            else:
                tar.add(files[name], arcname=name, recursive=False, filter=normalize)
    partial.rename(path)
    return Bundle(path, manifest)


def read_manifest(path: Path) -> dict | None:
    """The manifest of the bundle at `path`, or None when there is none readable."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            return json.load(member) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError):
        return None


def write_checksums(build_dir: Path, relative_to: Path) -> Path:
    """build/checksums.sha256: every bundle under build/, named from the checkout's top
    (`sha256sum -c build/checksums.sha256` there checks them all)."""
    lines = [
        f"{sha256_of(bundle)}  {bundle.relative_to(relative_to)}\n"
        for bundle in sorted(build_dir.glob("*/unibos-*.tar.gz"))
    ]
    checksums = build_dir / CHECKSUMS
    checksums.write_text("".join(lines))
    return checksums
