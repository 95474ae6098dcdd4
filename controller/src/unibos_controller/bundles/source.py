"""The checkout and commit a bundle or a release is made from, through git itself."""

from __future__ import annotations

import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

# The app's version: its one place (app/pyproject.toml reads it from there, through hatch).
VERSION_FILE = "app/src/unibos/__init__.py"
VERSION_LINE = re.compile(r'^__version__ = "(?P<version>[^"]+)"$', re.MULTILINE)


class SourceError(Exception):
    """Not a git checkout, an unknown commit or tag, or no version where it should be."""


def git(checkout: Path, *args: str, input_text: str | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(checkout), *args],
        capture_output=True,
        text=True,
        input=input_text,
        check=False,
    )
    if result.returncode != 0:
        raise SourceError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def checkout_root(directory: Path) -> Path:
    """The top of the git checkout that holds `directory`."""
    try:
        return Path(git(directory, "rev-parse", "--show-toplevel").strip())
    except SourceError:
        raise SourceError(f"{directory} is not inside a git checkout of UNIBOS") from None


def read_version(text: str) -> str:
    found = VERSION_LINE.findall(text)
    if len(found) != 1:
        raise SourceError(f"{VERSION_FILE} must set __version__ exactly once, found {len(found)}")
    return found[0]


@dataclass(frozen=True)
class Commit:
    checkout: Path
    sha: str
    # Seconds since the epoch of the commit (committer date): SOURCE_DATE_EPOCH and the
    # bundle members' mtime, so that a rebuild of the commit gives the same bytes.
    time: int
    version: str

    @classmethod
    def resolve(cls, checkout: Path, ref: str) -> Commit:
        try:
            sha = git(checkout, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except SourceError:
            raise SourceError(f"{ref} names no commit of {checkout}") from None
        time = int(git(checkout, "show", "-s", "--format=%ct", sha).strip())
        version = read_version(git(checkout, "show", f"{sha}:{VERSION_FILE}"))
        return cls(checkout, sha, time, version)

    def show(self, path: str) -> str:
        """The text of the file at `path` in the commit."""
        return git(self.checkout, "show", f"{self.sha}:{path}")

    def export(self, paths: list[str], into: Path) -> Path:
        """The committed files under `paths`, as they are in the commit (not the working
        tree's uncommitted changes), extracted into `into`."""
        archive = into / "source.tar"
        git(self.checkout, "archive", "--format=tar", f"--output={archive}", self.sha, *paths)
        tree = into / "source"
        with tarfile.open(archive) as tar:
            # The data filter refuses absolute paths, links out of the tree and devices.
            tar.extractall(tree, filter="data")
        archive.unlink()
        return tree


def dirty_files(checkout: Path) -> list[str]:
    """Tracked files with uncommitted changes (untracked files are not part of a commit)."""
    status = git(checkout, "status", "--porcelain", "--untracked-files=no")
    return [line[3:] for line in status.splitlines()]
