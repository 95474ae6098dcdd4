"""`unibos-dev build` in a clone of this checkout: byte-identical rebuilds, the checksums
file, the manifest against the members."""

import hashlib
import json
import subprocess
import tarfile

import pytest


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rebuilt(checkout, bundle, target, arch, dev):
    """Builds the bundle again from scratch (a bundle of the same commit is kept)."""
    first = bundle.read_bytes()
    bundle.unlink()
    result = dev(checkout, "build", target, "--arch", arch)
    assert result.exit_code == 0, result.output
    assert f"built: build/{target}/{bundle.name}" in result.output
    return first


def checksums_pass(checkout):
    check = subprocess.run(
        ["sha256sum", "-c", "build/checksums.sha256"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    return check.stdout


def test_two_amd64_builds_of_one_commit_are_byte_identical_and_the_checksums_pass(
    checkout, node_amd64, dev
):
    first = rebuilt(checkout, node_amd64, "node", "amd64", dev)
    assert hashlib.sha256(first).hexdigest() == sha256(node_amd64)
    assert f"{node_amd64.relative_to(checkout)}: OK" in checksums_pass(checkout)


@pytest.mark.slow
def test_two_arm64_builds_of_one_commit_are_byte_identical_and_the_checksums_pass(
    checkout, node_arm64, dev
):
    first = rebuilt(checkout, node_arm64, "node", "arm64", dev)
    assert hashlib.sha256(first).hexdigest() == sha256(node_arm64)
    assert f"{node_arm64.relative_to(checkout)}: OK" in checksums_pass(checkout)
    with tarfile.open(node_arm64) as tar:
        names = tar.getnames()
    wheels = [name for name in names if name.endswith(".whl")]
    # Every wheel is for aarch64 or for any platform; the compiled ones are there.
    assert all("aarch64" in name or name.endswith("-any.whl") for name in wheels), wheels
    assert any(name.startswith("wheels/cryptography-") and "aarch64" in name for name in wheels)
    # So is every Debian package (the same files from the cache: byte-identical above).
    debs = [name for name in names if name.endswith(".deb")]
    assert debs and all(name.endswith(("_arm64.deb", "_all.deb")) for name in debs), debs
    assert any(name.startswith("debs/redis-server_") for name in debs)


def test_the_manifest_names_the_build_and_lists_every_member_with_its_sha256(checkout, node_amd64):
    with tarfile.open(node_amd64) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        digests = {
            info.name: hashlib.sha256(tar.extractfile(info).read()).hexdigest()
            for info in tar.getmembers()
            if info.name != "manifest.json"
        }
    head = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    version = node_amd64.name.removeprefix("unibos-node-v").removesuffix("-amd64.tar.gz")
    assert (manifest["target"], manifest["arch"], manifest["commit"]) == ("node", "amd64", head)
    assert manifest["version"] == version
    assert {m["path"]: m["sha256"] for m in manifest["members"]} == digests
    assert f"wheels/unibos-{version}-py3-none-any.whl" in digests
    assert any(name.startswith("wheels/django-") for name in digests)
    assert manifest["installer"] in digests and "/pip-" in manifest["installer"]
    # A node needs no Patroni: only the hub bundle carries its wheels.
    assert not any(name.startswith("patroni-wheels/") for name in digests)


def test_the_manifest_pins_each_debian_package_by_version_and_sha256(checkout, node_amd64):
    with tarfile.open(node_amd64) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    members = {m["path"]: m["sha256"] for m in manifest["members"]}
    debian = manifest["debian"]

    assert debian["suite"] == "bookworm"
    # The node's list of roles/unibos (unibos_bundle_debian_packages), with dependencies.
    assert {"redis-server", "ffmpeg", "tesseract-ocr", "python3-apt"} <= set(debian["packages"])
    names = {deb["package"] for deb in debian["debs"]}
    assert {"redis-server", "ffmpeg", "tesseract-ocr", "libavcodec59"} <= names
    for deb in debian["debs"]:
        assert members[deb["file"]] == deb["sha256"], deb
        name, version, arch = deb["file"].removeprefix("debs/").removesuffix(".deb").split("_")
        assert (name, version.replace("%3a", ":"), arch) == (
            deb["package"], deb["version"], deb["architecture"])  # fmt: skip
        assert arch in ("amd64", "all")
    assert set(members) == {
        *[path for path in members if path.startswith("wheels/")],
        *[deb["file"] for deb in debian["debs"]],
    }


def test_a_bundle_of_the_same_commit_is_kept_and_reported_up_to_date(checkout, node_amd64, dev):
    before = node_amd64.stat().st_mtime_ns
    result = dev(checkout, "build", "node")
    assert result.exit_code == 0, result.output
    assert f"up to date: build/node/{node_amd64.name}" in result.output
    assert node_amd64.stat().st_mtime_ns == before


def test_a_version_with_no_tag_is_refused_with_exit_2(checkout, dev):
    result = dev(checkout, "build", "node", "--version", "99.0.0")
    assert result.exit_code == 2
    assert "v99.0.0 names no commit" in result.output


@pytest.mark.slow
def test_an_arm64_hub_bundle_carries_patronis_wheels_the_sdist_only_pins_as_pure_wheels(
    checkout, dev
):
    result = dev(checkout, "build", "hub", "--arch", "arm64")
    assert result.exit_code == 0, result.output
    (bundle,) = (checkout / "build" / "hub").glob("unibos-hub-v*-arm64.tar.gz")
    with tarfile.open(bundle) as tar:
        patroni = [name for name in tar.getnames() if name.startswith("patroni-wheels/")]
    names = [name.removeprefix("patroni-wheels/") for name in patroni]
    assert any(name.startswith("patroni-4.1.5-") for name in names), names
    # Published as sdists only: built once on the controller, pure Python.
    assert any(
        name.startswith("python_etcd-0.4.5-") and name.endswith("-any.whl") for name in names
    )
    assert any(name.startswith("psutil-") and "aarch64" in name for name in names), names
    assert f"{bundle.relative_to(checkout)}: OK" in checksums_pass(checkout)
