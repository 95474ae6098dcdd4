"""playbooks/library/unibos_files: several directories and files in one module run. The
module runs in this process with Ansible's own test helper for module arguments, on
real files in a temporary directory (the tests run as root, as the roles do)."""

import importlib.util
import json
import os
import stat
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

# This checkout's module (tests/library mirrors playbooks/library).
MODULE_PATH = Path(__file__).resolve().parents[3] / "playbooks" / "library" / "unibos_files.py"


def load_module():
    spec = importlib.util.spec_from_file_location("unibos_files", MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(capsys, paths, check_mode=False, diff=False):
    """Runs the module with PATHS; its JSON result and exit code."""
    args = {"paths": paths, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        load_module().main()
    return json.loads(capsys.readouterr().out), exit_info.value.code


def entry(path, content="hello\n", mode="0640", **extra):
    """A file entry owned by root."""
    return {
        "path": str(path),
        "content": content,
        "owner": "root",
        "group": "root",
        "mode": mode,
        **extra,
    }


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_missing_file_is_written_with_its_mode_and_reported_changed(tmp_path, capsys):
    result, code = run(capsys, [entry(tmp_path / "a.env")])
    assert code == 0
    assert result["changed"] is True
    assert result["changed_paths"] == [str(tmp_path / "a.env")]
    assert (tmp_path / "a.env").read_text() == "hello\n"
    assert mode_of(tmp_path / "a.env") == 0o640


def test_a_second_run_with_the_same_contents_changes_nothing(tmp_path, capsys):
    paths = [entry(tmp_path / "a.env"), entry(tmp_path / "b.env", content="other\n", mode="0600")]
    run(capsys, paths)
    before = {name: os.stat(tmp_path / name).st_ino for name in ("a.env", "b.env")}
    result, code = run(capsys, paths)
    assert (code, result["changed"], result["changed_paths"]) == (0, False, [])
    # Not rewritten either: the same inodes.
    assert {name: os.stat(tmp_path / name).st_ino for name in ("a.env", "b.env")} == before


def test_changed_contents_replace_the_file_and_the_diff_shows_both(tmp_path, capsys):
    (tmp_path / "a.env").write_text("old\n")
    result, _ = run(capsys, [entry(tmp_path / "a.env", content="new\n")], diff=True)
    assert result["changed"] is True
    assert (tmp_path / "a.env").read_text() == "new\n"
    assert result["diff"] == [
        {
            "before_header": str(tmp_path / "a.env"),
            "after_header": str(tmp_path / "a.env"),
            "before": "old\n",
            "after": "new\n",
        }
    ]
    # The temporary file the new contents went through is gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.env"]


def test_only_a_differing_mode_is_fixed_and_reported(tmp_path, capsys):
    (tmp_path / "a.env").write_text("hello\n")
    os.chmod(tmp_path / "a.env", 0o644)
    result, _ = run(capsys, [entry(tmp_path / "a.env", mode="0600")])
    assert result["changed_paths"] == [str(tmp_path / "a.env")]
    assert mode_of(tmp_path / "a.env") == 0o600


def test_check_mode_reports_what_would_change_and_changes_nothing(tmp_path, capsys):
    (tmp_path / "a.env").write_text("old\n")
    os.chmod(tmp_path / "a.env", 0o644)
    paths = [
        entry(tmp_path / "a.env", content="new\n"),
        entry(tmp_path / "new.env"),
        {
            "path": str(tmp_path / "dir"),
            "state": "directory",
            "owner": "root",
            "group": "root",
            "mode": "0750",
        },
    ]
    result, _ = run(capsys, paths, check_mode=True)
    assert result["changed_paths"] == [
        str(tmp_path / "a.env"),
        str(tmp_path / "new.env"),
        str(tmp_path / "dir"),
    ]
    assert (tmp_path / "a.env").read_text() == "old\n"
    assert mode_of(tmp_path / "a.env") == 0o644
    assert not (tmp_path / "new.env").exists()
    assert not (tmp_path / "dir").exists()


def test_a_directory_is_created_with_its_mode_before_the_files_in_it(tmp_path, capsys):
    directory = tmp_path / "data"
    paths = [
        {
            "path": str(directory),
            "state": "directory",
            "owner": "root",
            "group": "root",
            "mode": "2770",
        },
        entry(directory / "a.env"),
    ]
    result, _ = run(capsys, paths)
    assert result["changed_paths"] == [str(directory), str(directory / "a.env")]
    assert mode_of(directory) == 0o2770
    assert (directory / "a.env").read_text() == "hello\n"


def test_an_absent_entry_removes_the_file_and_is_unchanged_when_it_is_gone(tmp_path, capsys):
    (tmp_path / "stale").write_text("secret")
    paths = [{"path": str(tmp_path / "stale"), "state": "absent"}]
    result, _ = run(capsys, paths)
    assert result["changed_paths"] == [str(tmp_path / "stale")]
    assert not (tmp_path / "stale").exists()
    result, _ = run(capsys, paths)
    assert result["changed"] is False


def test_a_file_without_contents_is_refused_naming_its_path(tmp_path, capsys):
    result, code = run(capsys, [entry(tmp_path / "a.env", content=None)])
    assert code == 1
    assert result["msg"] == f"{tmp_path / 'a.env'}: a file needs its content"
    assert not (tmp_path / "a.env").exists()


def test_an_entry_without_its_owner_is_refused_before_anything_is_written(tmp_path, capsys):
    paths = [
        entry(tmp_path / "first.env"),
        {"path": str(tmp_path / "b.env"), "content": "x", "mode": "0600"},
    ]
    result, code = run(capsys, paths)
    assert code == 1
    assert result["msg"] == f"{tmp_path / 'b.env'}: owner, group not given"
    # The first entry was valid but nothing is written when one is not.
    assert not (tmp_path / "first.env").exists()


def test_a_directory_where_a_file_belongs_is_refused_naming_the_path(tmp_path, capsys):
    (tmp_path / "a.env").mkdir()
    result, code = run(capsys, [entry(tmp_path / "a.env")])
    assert code == 1
    assert result["msg"] == f"{tmp_path / 'a.env'} is a directory, not a file"
