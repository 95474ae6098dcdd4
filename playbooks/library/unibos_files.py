#!/usr/bin/python
"""Ensure a list of directories and files, with their contents, owners and modes, in one
module run.

Why: with nothing to change, `ansible.builtin.template` and `copy` cost two module runs
per file (a `stat`, then `file` for the attributes) and three more round trips for a
remote temporary directory, about 0.3 s each on a container and far more on a Pi. A role
writes several files that one handler follows; this module checks and writes them all
in one run, which is what brings a re-deploy with nothing to change under a minute
(README, "Deploy speed"). The contents are rendered on the controller
(`lookup('ansible.builtin.template', ...)`), so templates stay templates.

Each file is replaced atomically: its contents go to a temporary file in the same
directory that already has the final owner, group and mode, then renamed over the old
one, so a secret is never readable by anyone else, not even for a moment.
"""

from __future__ import annotations

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: unibos_files
short_description: Ensure several directories and files in one module run.
description:
  - Ensures each entry of O(paths), in order (a directory before the files in it).
  - A file's contents are compared byte for byte and replaced atomically when they differ;
    owner, group and mode are set when they differ.
  - Supports check mode and diff mode (set C(no_log) on a task whose contents are secret).
options:
  paths:
    description: The directories and files, in the order they are ensured.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      state:
        description: >-
          V(file) writes O(paths[].content); V(directory) creates the directory;
          V(absent) removes a file.
        type: str
        choices: [file, directory, absent]
        default: file
      content:
        description: The file's whole contents (required for a file).
        type: str
      owner:
        description: The owner's user name (required unless absent).
        type: str
      group:
        description: The group's name (required unless absent).
        type: str
      mode:
        description: The mode, as an octal string such as V('0640') (required unless absent).
        type: str
author: UNIBOS
"""

EXAMPLES = r"""
- name: Write the node's environment file and its unit
  unibos_files:
    paths:
      - path: /etc/unibos/node.env
        content: "{{ lookup('ansible.builtin.template', 'node.env.j2') }}"
        owner: root
        group: unibos-node
        mode: "0640"
"""

RETURN = r"""
changed_paths:
  description: The paths whose contents or attributes were (or in check mode would be) changed.
  type: list
  elements: str
  returned: always
"""

PATH_SPEC = {
    "path": {"type": "path", "required": True},
    "state": {"type": "str", "choices": ["file", "directory", "absent"], "default": "file"},
    "content": {"type": "str", "no_log": False},
    "owner": {"type": "str"},
    "group": {"type": "str"},
    "mode": {"type": "str"},
}
ATTRIBUTES = ("owner", "group", "mode")


def read_bytes(path: str) -> bytes | None:
    """The file's contents, or None when there is no file."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomically(module: AnsibleModule, entry: dict, data: bytes) -> None:
    """Write DATA to a temporary file beside the path, give it the final attributes, and
    rename it over the path."""
    directory, name = os.path.split(entry["path"])
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        module.set_fs_attributes_if_different(attributes(module, entry, temporary), False)
        os.replace(temporary, entry["path"])
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def attributes(module: AnsibleModule, entry: dict, path: str) -> dict:
    """The common file arguments of ENTRY for PATH."""
    return module.load_file_common_arguments(
        {"path": path, "owner": entry["owner"], "group": entry["group"], "mode": entry["mode"]}
    )


def ensure_absent(module: AnsibleModule, entry: dict) -> bool:
    """Remove the file if it is there. True when changed."""
    path = entry["path"]
    if os.path.isdir(path) and not os.path.islink(path):
        module.fail_json(msg=f"{path} is a directory; unibos_files removes files only", path=path)
    if not os.path.lexists(path):
        return False
    if not module.check_mode:
        os.unlink(path)
    return True


def ensure_directory(module: AnsibleModule, entry: dict) -> bool:
    """Create the directory if it is absent; set its attributes. True when changed."""
    path = entry["path"]
    if os.path.lexists(path) and not os.path.isdir(path):
        module.fail_json(msg=f"{path} exists and is not a directory", path=path)
    if not os.path.isdir(path):
        if not module.check_mode:
            os.makedirs(path)
            module.set_fs_attributes_if_different(attributes(module, entry, path), False)
        return True
    return module.set_fs_attributes_if_different(attributes(module, entry, path), False)


def ensure_file(module: AnsibleModule, entry: dict, diffs: list) -> bool:
    """Write the file if its contents differ; set its attributes. True when changed."""
    path = entry["path"]
    if entry["content"] is None:
        module.fail_json(msg=f"{path}: a file needs its content", path=path)
    if os.path.isdir(path):
        module.fail_json(msg=f"{path} is a directory, not a file", path=path)
    data = entry["content"].encode()
    current = read_bytes(path)
    if current == data:
        return module.set_fs_attributes_if_different(attributes(module, entry, path), False)
    if module._diff:
        diffs.append(
            {
                "before_header": path,
                "after_header": path,
                "before": "" if current is None else current.decode(errors="replace"),
                "after": entry["content"],
            }
        )
    if not module.check_mode:
        write_atomically(module, entry, data)
    return True


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "paths": {"type": "list", "elements": "dict", "required": True, "options": PATH_SPEC}
        },
        supports_check_mode=True,
    )
    changed_paths: list[str] = []
    diffs: list[dict] = []
    for entry in module.params["paths"]:
        missing = [name for name in ATTRIBUTES if entry["state"] != "absent" and not entry[name]]
        if missing:
            module.fail_json(
                msg=f"{entry['path']}: {', '.join(missing)} not given", path=entry["path"]
            )
    for entry in module.params["paths"]:
        if entry["state"] == "absent":
            changed = ensure_absent(module, entry)
        elif entry["state"] == "directory":
            changed = ensure_directory(module, entry)
        else:
            changed = ensure_file(module, entry, diffs)
        if changed:
            changed_paths.append(entry["path"])
    module.exit_json(changed=bool(changed_paths), changed_paths=changed_paths, diff=diffs)


if __name__ == "__main__":
    main()
