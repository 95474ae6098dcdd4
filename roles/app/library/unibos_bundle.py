#!/usr/bin/python
"""Verifies a bundle of `unibos-dev build` (a tar.gz on the controller) and returns its
manifest. Run on the controller (delegate_to: localhost): the bundle is checked where it
lies, before it is copied to any host."""

from __future__ import annotations

import hashlib
import json
import tarfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: unibos_bundle
short_description: Verify a UNIBOS bundle and read its manifest
description:
  - Reads manifest.json from the bundle and the sha256 of every other member, and fails
    when a member's sum differs from the manifest's, when the manifest lists a member the
    bundle lacks, or when the bundle holds a member the manifest does not list.
options:
  path:
    description: The bundle, a tar.gz written by unibos-dev build.
    type: path
    required: true
"""

RETURN = r"""
manifest:
  description: >-
    The manifest without its member list (target, version, arch, commit, release,
    installer).
  type: dict
  returned: success
members:
  description: How many members the manifest lists, all verified.
  type: int
  returned: success
"""

MANIFEST = "manifest.json"


def read(path: str) -> tuple[dict, dict[str, str]]:
    manifest = None
    digests = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                raise ValueError(f"{member.name} is not a regular file")
            data = tar.extractfile(member)
            if member.name == MANIFEST:
                manifest = json.load(data)
            else:
                digests[member.name] = hashlib.sha256(data.read()).hexdigest()
    if manifest is None:
        raise ValueError(f"it has no {MANIFEST}")
    return manifest, digests


def problems_of(manifest: dict, digests: dict[str, str]) -> list[str]:
    listed = {member["path"]: member["sha256"] for member in manifest.get("members", [])}
    problems = [f"{name} is missing" for name in sorted(set(listed) - set(digests))]
    problems += [f"{name} is not in the manifest" for name in sorted(set(digests) - set(listed))]
    problems += [
        f"{name} has sha256 {digests[name]}, the manifest says {listed[name]}"
        for name in sorted(set(listed) & set(digests))
        if digests[name] != listed[name]
    ]
    return problems


def main() -> None:
    module = AnsibleModule(
        argument_spec={"path": {"type": "path", "required": True}}, supports_check_mode=True
    )
    path = module.params["path"]
    try:
        manifest, digests = read(path)
    except (OSError, tarfile.TarError, ValueError, KeyError) as error:
        module.fail_json(msg=f"{path} is not a readable UNIBOS bundle: {error}")
    problems = problems_of(manifest, digests)
    if problems:
        module.fail_json(msg=f"{path} does not match its manifest: {'; '.join(problems)}")
    summary = {key: value for key, value in manifest.items() if key != "members"}
    module.exit_json(changed=False, manifest=summary, members=len(digests))


if __name__ == "__main__":
    main()
