"""`unibos-dev release`: the version bumped in its one place (app/src/unibos/__init__.py),
a CHANGELOG.md section from the commit subjects since the last tag, a commit and an
annotated tag v<version>."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from unibos_controller.bundles.source import (
    VERSION_FILE,
    VERSION_LINE,
    SourceError,
    dirty_files,
    git,
)

PARTS = ("patch", "minor", "major")
CHANGELOG = "CHANGELOG.md"
CHANGELOG_TITLE = "# Changelog\n\n"
PLAIN_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class Refused(Exception):
    """The release cannot be made from this checkout as it is (nothing was changed)."""


@dataclass(frozen=True)
class Release:
    version: str
    tag: str
    previous_tag: str | None
    changes: list[str]
    commit: str


def bumped(version: str, part: str) -> str:
    match = PLAIN_VERSION.match(version)
    if not match:
        raise Refused(f"__version__ is {version!r}, not MAJOR.MINOR.PATCH: bump it by hand")
    major, minor, patch = (int(number) for number in match.groups())
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def changelog_with(text: str, version: str, day: datetime.date, changes: list[str]) -> str:
    """CHANGELOG.md with the new release's section first, under the title."""
    section = f"## v{version} ({day.isoformat()})\n\n" + "".join(f"- {c}\n" for c in changes)
    body = text.removeprefix(CHANGELOG_TITLE).lstrip("\n")
    return CHANGELOG_TITLE + section + ("\n" + body if body else "")


def last_tag(checkout: Path) -> str | None:
    try:
        return git(checkout, "describe", "--tags", "--abbrev=0", "--match", "v*").strip()
    except SourceError:
        return None  # no release yet: every commit is new


def release(checkout: Path, part: str, day: datetime.date) -> Release:
    dirty = dirty_files(checkout)
    if dirty:
        changed = ", ".join(dirty)
        raise Refused(f"the working tree has uncommitted changes ({changed}): commit or stash them")
    try:
        # Checked before anything is written: a commit without an identity would fail
        # after the version file and the changelog were changed.
        git(checkout, "var", "GIT_COMMITTER_IDENT")
    except SourceError as error:
        raise Refused(f"git has no committer identity: {error}") from None
    previous = last_tag(checkout)
    revisions = f"{previous}..HEAD" if previous else "HEAD"
    changes = git(checkout, "log", "--no-merges", "--format=%s", revisions).splitlines()
    if not changes:
        raise Refused(f"no commits since {previous}: nothing to release")
    version_path = checkout / VERSION_FILE
    text = version_path.read_text()
    current = VERSION_LINE.search(text)
    if current is None:
        raise Refused(f"{VERSION_FILE} sets no __version__")
    version = bumped(current["version"], part)
    tag = f"v{version}"
    if git(checkout, "tag", "--list", tag).strip():
        raise Refused(f"the tag {tag} exists already")

    version_path.write_text(VERSION_LINE.sub(f'__version__ = "{version}"', text, count=1))
    changelog = checkout / CHANGELOG
    old = changelog.read_text() if changelog.exists() else ""
    changelog.write_text(changelog_with(old, version, day, changes))
    git(checkout, "add", VERSION_FILE, CHANGELOG)
    git(checkout, "commit", "-q", "-m", f"Release {tag}")
    notes = "".join(f"- {change}\n" for change in changes)
    git(checkout, "tag", "-a", tag, "-m", f"UNIBOS {tag}\n\n{notes}")
    commit = git(checkout, "rev-parse", "HEAD").strip()
    return Release(version, tag, previous, changes, commit)
