"""`unibos-dev build`: the bundles of one commit for one architecture, under build/."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unibos_controller.bundles import archive, debs, wheels
from unibos_controller.bundles.source import Commit, SourceError

# What a host installs, by the inventory groups it stands in: hub (with Patroni's
# wheels), node, and one per worker type (worker_core, ...). They hold the same app
# wheels: one app serves every role.
TARGETS = ("hub", "node", "worker-core", "worker-ocr", "worker-media")
BUILD_DIR = "build"


@dataclass(frozen=True)
class Built:
    target: str
    path: Path
    manifest: dict
    # False when the bundle of this commit was already there and was kept.
    fresh: bool


def _up_to_date(path: Path, commit: Commit, target: str, arch: str) -> dict | None:
    """The manifest of the bundle at `path` when it is this commit's, else None."""
    manifest = archive.read_manifest(path)
    if manifest and (manifest.get("commit"), manifest.get("target"), manifest.get("arch")) == (
        commit.sha,
        target,
        arch,
    ):
        return manifest
    return None


def build(
    checkout: Path,
    targets: list[str],
    arch: str,
    version: str | None = None,
    progress: Callable[[str], None] = lambda _line: None,
) -> list[Built]:
    """Builds the bundles of `targets` for `arch` from HEAD of `checkout`, or from the
    release tagged v<version> (`unibos-dev release` makes those tags). A bundle already
    built from that commit is kept (builds are cached by commit)."""
    commit = Commit.resolve(checkout, f"v{version}" if version else "HEAD")
    if version and commit.version != version:
        raise SourceError(f"the tag v{version} holds unibos {commit.version}, not {version}")
    build_dir = checkout / BUILD_DIR
    paths = {
        target: build_dir / target / archive.bundle_name(target, commit.version, arch)
        for target in targets
    }
    built = []
    todo = []
    for target, path in paths.items():
        manifest = _up_to_date(path, commit, target, arch)
        if manifest:
            built.append(Built(target, path, manifest, fresh=False))
        else:
            todo.append(target)
    if todo:
        with tempfile.TemporaryDirectory(prefix="unibos-dev-build-") as scratch:
            tree = commit.export(wheels.SOURCE_PATHS, Path(scratch))
            progress(f"building the unibos {commit.version} wheel of {commit.sha[:12]}")
            app = wheels.app_wheel(commit, tree, Path(scratch) / "app")
            progress(f"resolving the dependencies for {arch}")
            dependencies = sorted(wheels.dependency_wheels(arch, tree, app).glob("*.whl"))
            files = {f"{archive.APP_DIR}/{wheel.name}": wheel for wheel in [app, *dependencies]}
            (installer,) = [name for name in files if Path(name).name.startswith("pip-")]
            debian_lists = debs.target_packages(commit)
            for target in todo:
                members = dict(files)
                if target == "hub":
                    patroni = sorted(wheels.patroni_wheels(arch, tree).glob("*.whl"))
                    members |= {f"{archive.PATRONI_DIR}/{wheel.name}": wheel for wheel in patroni}
                fields = {
                    "target": target,
                    "version": commit.version,
                    "arch": arch,
                    "commit": commit.sha,
                    "python": "cp311",
                    "installer": installer,
                }
                if debian_lists.get(target):
                    progress(f"resolving the Debian packages of {target} for {arch}")
                    directory, lock = debs.debs(arch, debian_lists[target])
                    members |= {f"{debs.DEBS_DIR}/{deb['file']}": directory / deb["file"]
                                for deb in lock}  # fmt: skip
                    fields["debian"] = {
                        "suite": debs.SUITE,
                        "packages": debian_lists[target],
                        "debs": [deb | {"file": f"{debs.DEBS_DIR}/{deb['file']}"} for deb in lock],
                    }
                bundle = archive.write(paths[target], members, fields, commit.time)
                built.append(Built(target, bundle.path, bundle.manifest, fresh=True))
    archive.write_checksums(build_dir, checkout)
    return sorted(built, key=lambda one: TARGETS.index(one.target))
