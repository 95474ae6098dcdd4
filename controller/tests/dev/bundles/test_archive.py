"""The bundle archive on its own: bytes that depend only on the members, a manifest
with every member's sha256, and the checksums file."""

import gzip
import hashlib
import json
import subprocess
import tarfile

from unibos_controller.bundles import archive

FIELDS = {"target": "node", "version": "1.2.3", "arch": "amd64", "commit": "c" * 40}


def members(directory, content=b"wheel bytes"):
    directory.mkdir()
    (directory / "b-1.0-py3-none-any.whl").write_bytes(content)
    (directory / "a-1.0-py3-none-any.whl").write_bytes(b"other bytes")
    return {f"wheels/{path.name}": path for path in directory.iterdir()}


def test_the_same_members_written_twice_give_the_same_bytes_whatever_the_files_mtimes(tmp_path):
    first = members(tmp_path / "one")
    second = members(tmp_path / "two")
    for path in second.values():
        path.touch()
        path.chmod(0o600)
    a = archive.write(tmp_path / "a.tar.gz", first, FIELDS, 1_700_000_000)
    b = archive.write(tmp_path / "b.tar.gz", second, FIELDS, 1_700_000_000)
    assert a.path.read_bytes() == b.path.read_bytes()


def test_members_are_sorted_owned_by_root_with_the_commit_time_and_the_gzip_header_is_bare(
    tmp_path,
):
    bundle = archive.write(tmp_path / "x.tar.gz", members(tmp_path / "m"), FIELDS, 1_700_000_000)
    with tarfile.open(bundle.path) as tar:
        infos = tar.getmembers()
    assert [info.name for info in infos] == [
        "manifest.json",
        "wheels/a-1.0-py3-none-any.whl",
        "wheels/b-1.0-py3-none-any.whl",
    ]
    assert {(i.mtime, i.uid, i.gid, i.uname, i.gname, i.mode) for i in infos} == {
        (1_700_000_000, 0, 0, "", "", 0o644)
    }
    header = bundle.path.read_bytes()[:10]
    flags, mtime = header[3], int.from_bytes(header[4:8], "little")
    assert (flags & 0x08, mtime) == (0, 0)  # no FNAME, no time
    with gzip.open(bundle.path) as unpacked:
        assert unpacked.read(1)


def test_the_manifest_lists_every_member_with_its_sha256_and_the_release_id(tmp_path):
    files = members(tmp_path / "m", content=b"the b wheel")
    bundle = archive.write(tmp_path / "x.tar.gz", files, FIELDS, 0)
    with tarfile.open(bundle.path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest == bundle.manifest
    assert {k: manifest[k] for k in FIELDS} == FIELDS
    assert manifest["members"] == [
        {"path": name, "sha256": hashlib.sha256(files[name].read_bytes()).hexdigest()}
        for name in sorted(files)
    ]
    assert manifest["release"].startswith("1.2.3-") and len(manifest["release"]) == 6 + 12
    # Another wheel is another release.
    other = archive.write(tmp_path / "y.tar.gz", members(tmp_path / "n", b"changed"), FIELDS, 0)
    assert other.manifest["release"] != manifest["release"]


def test_the_checksums_file_lists_every_bundle_and_sha256sum_checks_it(tmp_path):
    build = tmp_path / "build"
    for target in ("hub", "node"):
        archive.write(
            build / target / archive.bundle_name(target, "1.2.3", "amd64"),
            members(tmp_path / target),
            {**FIELDS, "target": target},
            0,
        )
    checksums = archive.write_checksums(build, tmp_path)
    names = [line.split("  ")[1] for line in checksums.read_text().splitlines()]
    assert names == [
        "build/hub/unibos-hub-v1.2.3-amd64.tar.gz",
        "build/node/unibos-node-v1.2.3-amd64.tar.gz",
    ]
    check = subprocess.run(
        ["sha256sum", "-c", "build/checksums.sha256"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    (build / "node" / "unibos-node-v1.2.3-amd64.tar.gz").write_bytes(b"tampered")
    check = subprocess.run(
        ["sha256sum", "-c", "build/checksums.sha256"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1 and "unibos-node-v1.2.3-amd64.tar.gz: FAILED" in check.stdout
