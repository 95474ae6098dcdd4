"""Fixtures of `unibos-dev`'s tests: a throwaway clone of this checkout to build in (the
bundles come from its HEAD, the build/ it writes is the clone's), the bundles built
once per session, and the CLI run from a directory as a developer would."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from unibos_controller.bundles.wheels import TOOLS_ROOT
from unibos_controller.cli.dev import cli

# A committer for the repositories the tests make; nothing reads the user's own config.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "UNIBOS test",
    "GIT_AUTHOR_EMAIL": "test@unibos.invalid",
    "GIT_COMMITTER_NAME": "UNIBOS test",
    "GIT_COMMITTER_EMAIL": "test@unibos.invalid",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: builds arm64 bundles (wheels fetched for aarch64; minutes on a cold cache); "
        'deselect with -m "not slow"',
    )


def run_dev(directory, *args):
    """`unibos-dev ARGS` run in `directory`; the click result (exit_code, output)."""
    previous = Path.cwd()
    os.chdir(directory)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def clone(into):
    """A clone of this checkout's HEAD (objects shared: quick), without its build/."""
    subprocess.run(
        ["git", "clone", "-q", "--shared", str(TOOLS_ROOT), str(into)], check=True, timeout=120
    )
    return into


def reachable_clone():
    """A clone under a directory that PostgreSQL, run as its own user when the tests run
    as root, can reach (pytest's tmp_path is readable by its owner only); its path and
    the directory to remove."""
    base = Path(tempfile.mkdtemp(prefix="unibos-dev-test-"))
    base.chmod(0o755)
    return clone(base / "unibos"), base


@pytest.fixture
def fresh_checkout(tmp_path):
    """A clone of this checkout's HEAD of the test's own, with no build/."""
    return clone(tmp_path / "unibos")


@pytest.fixture
def stack_checkout():
    """A clone of this checkout of its own for `unibos-dev run` and `db` (.dev-state/ in it)."""
    checkout, base = reachable_clone()
    yield checkout
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def checkout(tmp_path_factory):
    return clone(tmp_path_factory.mktemp("checkout") / "unibos")


def built(checkout, target, arch):
    """Builds TARGET for ARCH in `checkout` unless it is there; the bundle's path."""
    result = run_dev(checkout, "build", target, "--arch", arch)
    assert result.exit_code == 0, result.output
    (bundle,) = (checkout / "build" / target).glob(f"unibos-{target}-v*-{arch}.tar.gz")
    return bundle


@pytest.fixture(scope="session")
def node_amd64(checkout):
    return built(checkout, "node", "amd64")


@pytest.fixture(scope="session")
def node_arm64(checkout):
    return built(checkout, "node", "arm64")


@pytest.fixture
def git_identity(monkeypatch):
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def dev():
    """run_dev: `unibos-dev ARGS` in a directory."""
    return run_dev
