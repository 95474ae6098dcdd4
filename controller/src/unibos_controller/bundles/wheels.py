"""The wheels a host installs with no network: the app's own, built from one commit,
and every dependency's for Debian 12's CPython 3.11 on the host's architecture.

amd64 (x86_64) is the build machine's own: the hosts' interpreter resolves and builds
the set with `pip wheel`, as scripts/wheelhouse does (both run scripts/host-pip). arm64
(aarch64) is fetched with `pip download --platform ...` against the same pins: every
compiled pin publishes an aarch64 wheel for CPython 3.11, and the pins published only as
sdists (python-etcd, ydiff for Patroni) build to pure Python wheels (py3-none-any), which
the amd64 set already holds and which serve any architecture. A pin with neither would
stop the arm64 build, naming it (pip's "No matching distribution"); building such a
wheel in an emulated arm64 container is not part of this (README, roadmap).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from unibos_controller.bundles.source import Commit

# The checkout this package runs from: scripts/host-pip is the build tool, whatever
# commit the bundle is built from.
TOOLS_ROOT = Path(__file__).resolve().parents[4]
HOST_PIP = TOOLS_ROOT / "scripts" / "host-pip"

ARCHES = ("amd64", "arm64")
# Debian 12's glibc is 2.36: manylinux wheels up to that run there.
ARM64_PLATFORMS = ["manylinux2014_aarch64"] + [
    f"manylinux_2_{minor}_aarch64" for minor in range(17, 37)
]
# A host given a bundle may have no python3-venv (no network, no apt): its virtualenv is
# made --without-pip and this pip, run from its own wheel, installs the rest. Debian 12's
# own pip version, the one the hosts' ensurepip installs otherwise.
PIP = "pip==23.0.1"

CONSTRAINTS = "app/constraints.txt"
APP_PROJECT = "app/pyproject.toml"
PATRONI_REQUIREMENTS = "files/patroni/requirements.txt"
# What a bundle is built from, of the commit: the app's source and the pins.
SOURCE_PATHS = ["app", "files/patroni"]


class WheelError(Exception):
    """pip could not build or fetch a wheel; the message ends with pip's own lines."""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(os.environ.get("UNIBOS_DEV_CACHE") or Path(base) / "unibos-dev")


def host_pip(*args: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [str(HOST_PIP), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        last = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise WheelError(f"scripts/host-pip {args[0]} failed:\n{last}")


def app_wheel(commit: Commit, tree: Path, into: Path) -> Path:
    """The app's wheel, built from the commit's tree. hatchling stamps every file of the
    wheel with SOURCE_DATE_EPOCH: the commit's time, so a rebuild gives the same bytes."""
    host_pip(
        "wheel", "-q", "--no-deps", "--use-pep517", "--wheel-dir", str(into), str(tree / "app"),
        env={"SOURCE_DATE_EPOCH": str(commit.time)},
    )  # fmt: skip
    (wheel,) = into.glob("unibos-*.whl")
    return wheel


def _cached(kind: str, arch: str, inputs: list[bytes], fill: Callable[[Path], None]) -> Path:
    """A directory of wheels for `inputs` (the pins), filled once by fill(directory) and
    kept under the cache: the same pins give the same wheels, whatever commit."""
    digest = hashlib.sha256()
    for part in [kind.encode(), arch.encode(), PIP.encode(), *inputs]:
        digest.update(hashlib.sha256(part).digest())
    directory = cache_root() / "wheels" / arch / f"{kind}-{digest.hexdigest()[:16]}"
    if directory.is_dir():
        return directory
    partial = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    fill(partial)
    # Renamed only once complete: an interrupted fill is never taken for a cached set.
    partial.rename(directory)
    return directory


def _arm64_download(into: Path, find_links: Path, *requirements: str) -> None:
    platforms = [arg for platform in ARM64_PLATFORMS for arg in ("--platform", platform)]
    host_pip(
        "download", "-q", "--only-binary=:all:", *platforms,
        "--python-version", "3.11", "--implementation", "cp",
        "--abi", "cp311", "--abi", "abi3", "--abi", "none",
        # The pure wheels built from sdists (above) come from the amd64 set.
        "--find-links", str(find_links), "--dest", str(into), *requirements,
    )  # fmt: skip


def dependency_wheels(arch: str, tree: Path, app: Path) -> Path:
    """Every wheel the app needs besides its own (and pip's), for `arch`."""
    inputs = [(tree / CONSTRAINTS).read_bytes(), (tree / APP_PROJECT).read_bytes()]
    requirements = ["-c", str(tree / CONSTRAINTS), str(app), PIP]

    def fill(directory: Path) -> None:
        if arch == "amd64":
            host_pip("wheel", "-q", "--use-pep517", "--wheel-dir", str(directory), *requirements)
        else:
            _arm64_download(directory, dependency_wheels("amd64", tree, app), *requirements)
        # The app's wheel belongs to its commit, not to the cached set.
        for own in directory.glob("unibos-*.whl"):
            own.unlink()

    return _cached("app", arch, inputs, fill)


def patroni_wheels(arch: str, tree: Path) -> Path:
    """Patroni and its dependencies (files/patroni/requirements.txt), for `arch`."""
    inputs = [(tree / PATRONI_REQUIREMENTS).read_bytes()]
    requirements = ["-r", str(tree / PATRONI_REQUIREMENTS)]

    def fill(directory: Path) -> None:
        if arch == "amd64":
            host_pip("wheel", "-q", "--use-pep517", "--wheel-dir", str(directory), *requirements)
        else:
            _arm64_download(directory, patroni_wheels("amd64", tree), *requirements)

    return _cached("patroni", arch, inputs, fill)
