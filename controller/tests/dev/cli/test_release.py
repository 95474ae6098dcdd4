"""`unibos-dev release` in a repository of the test's own (never this checkout)."""

import subprocess

import pytest

VERSION_FILE = "app/src/unibos/__init__.py"


def git(repository, *args):
    return subprocess.run(
        ["git", "-C", str(repository), *args], capture_output=True, text=True, check=True
    ).stdout


def commit(repository, name, subject):
    (repository / name).write_text(subject + "\n")
    git(repository, "add", name)
    git(repository, "commit", "-q", "-m", subject)


@pytest.fixture
def repository(tmp_path, git_identity):
    """A repository with __version__ 0.4.1 tagged v0.4.1 and two commits after the tag."""
    repository = tmp_path / "repository"
    (repository / "app/src/unibos").mkdir(parents=True)
    (repository / VERSION_FILE).write_text('"""UNIBOS."""\n\n__version__ = "0.4.1"\n')
    git(repository.parent, "init", "-q", str(repository))
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "Start")
    git(repository, "tag", "-a", "v0.4.1", "-m", "v0.4.1")
    commit(repository, "a.txt", "Sync: retry a dropped batch")
    commit(repository, "b.txt", "Hub: list revoked nodes")
    return repository


def test_release_minor_bumps_writes_the_changelog_section_commits_and_tags_it(repository, dev):
    result = dev(repository, "release", "minor")
    assert result.exit_code == 0, result.output
    assert "released v0.5.0: 2 commits since v0.4.1" in result.output
    assert '__version__ = "0.5.0"' in (repository / VERSION_FILE).read_text()
    changelog = (repository / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## v0.5.0 (")
    assert changelog.endswith(")\n\n- Hub: list revoked nodes\n- Sync: retry a dropped batch\n")
    assert git(repository, "log", "-1", "--format=%s").strip() == "Release v0.5.0"
    assert git(repository, "status", "--porcelain").strip() == ""
    # Annotated (a tag object, not a bare ref), on the release commit.
    assert git(repository, "cat-file", "-t", "v0.5.0").strip() == "tag"
    assert git(repository, "rev-parse", "v0.5.0^{commit}") == git(repository, "rev-parse", "HEAD")
    assert "- Sync: retry a dropped batch" in git(repository, "tag", "-n9", "v0.5.0")


def test_a_second_release_adds_its_section_above_with_only_the_commits_since_the_first(
    repository, dev
):
    assert dev(repository, "release", "patch").exit_code == 0
    commit(repository, "c.txt", "Worker: OCR languages per host")
    result = dev(repository, "release", "major")
    assert result.exit_code == 0, result.output
    # The release commit of v0.4.2 is the tag's: not a change of v1.0.0.
    assert "released v1.0.0: 1 commit since v0.4.2" in result.output
    changelog = (repository / "CHANGELOG.md").read_text()
    newest, older = changelog.split("## v0.4.2")
    assert newest.endswith(")\n\n- Worker: OCR languages per host\n\n")
    assert "Sync: retry a dropped batch" in older and "Sync" not in newest


def test_a_dirty_tree_is_refused_with_exit_2_naming_the_file_and_nothing_changes(repository, dev):
    (repository / "a.txt").write_text("edited\n")
    head = git(repository, "rev-parse", "HEAD")
    result = dev(repository, "release", "patch")
    assert result.exit_code == 2
    assert "uncommitted changes (a.txt)" in result.output
    assert git(repository, "rev-parse", "HEAD") == head
    assert git(repository, "tag", "--list").split() == ["v0.4.1"]
    assert '__version__ = "0.4.1"' in (repository / VERSION_FILE).read_text()
    assert not (repository / "CHANGELOG.md").exists()


def test_nothing_since_the_last_tag_is_refused_with_exit_2(repository, dev):
    assert dev(repository, "release", "patch").exit_code == 0
    result = dev(repository, "release", "patch")
    assert result.exit_code == 2
    assert "no commits since v0.4.2" in result.output


def test_outside_a_git_checkout_release_is_refused_with_exit_2(tmp_path, dev):
    result = dev(tmp_path, "release", "patch")
    assert result.exit_code == 2
    assert "is not inside a git checkout" in result.output
