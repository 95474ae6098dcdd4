"""`unibos-manager upgrade` and `rollback` of the converged host, through the CLI as an
operator runs them (real ansible-runner runs of playbooks/upgrade.yml and rollback.yml).

Release A is the converged one (the wheelhouse's). B and C are made as a developer
would: in a throwaway clone of this checkout, `unibos-dev release patch` (B: a new
version and nothing else; C: a commit whose hub settings raise at import, so its hub
cannot start) and `unibos-dev build hub --version ...` (the host stands in every group:
it takes the hub bundle). The tests run in order and the last one leaves the host on A
with everything healthy, as the scenario converged it: verify runs after idempotence,
and no later test may notice.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HUB_PORT, NODE_PORT, wait_for
from unibos_controller.bundles.wheels import TOOLS_ROOT

CURRENT = "/opt/unibos/current"
# The CLIs as the controller's package defines them, run by this interpreter (PYTHONPATH
# may point it at a worktree's sources rather than the installed checkout's).
MANAGER = "from unibos_controller.cli.manager import cli; cli()"
DEV = "from unibos_controller.cli.dev import cli; cli()"
# A committer for the clone's commits and tags; nothing reads the user's own config.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "UNIBOS verify",
    "GIT_AUTHOR_EMAIL": "verify@unibos.invalid",
    "GIT_COMMITTER_NAME": "UNIBOS verify",
    "GIT_COMMITTER_EMAIL": "verify@unibos.invalid",
}
BROKEN_SETTINGS = "app/src/unibos/settings/hub.py"


def run(args, cwd, timeout=900):
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, **GIT_IDENTITY},
    )  # fmt: skip


def ok(done):
    assert done.returncode == 0, (
        f"exit {done.returncode}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    )
    return done


@pytest.fixture(scope="module")
def manager():
    inventory = (
        str(TOOLS_ROOT / "inventories" / "dev")
        if os.environ.get("UNIBOS_TEST_HOST")
        else os.environ["MOLECULE_INVENTORY_FILE"]
    )
    return lambda *args: run([sys.executable, "-c", MANAGER, "-i", inventory, *args], TOOLS_ROOT)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clone of this checkout's HEAD (objects shared), to release and build in."""
    into = tmp_path_factory.mktemp("releases") / "unibos"
    ok(run(["git", "clone", "-q", "--shared", str(TOOLS_ROOT), str(into)], TOOLS_ROOT))
    return into


def release_and_build(clone, subject):
    """`unibos-dev release patch` of the clone's HEAD (after a commit `subject`, so that
    there is one since the last tag), then `unibos-dev build hub --version` of it: the
    version and the release id of the bundle's manifest."""
    ok(run(["git", "commit", "-q", "--allow-empty", "-m", subject], clone))
    ok(run([sys.executable, "-c", DEV, "release", "patch"], clone))
    tag = ok(run(["git", "describe", "--tags", "--abbrev=0"], clone)).stdout.strip()
    version = tag.removeprefix("v")
    built = ok(run([sys.executable, "-c", DEV, "build", "hub", "--version", version], clone))
    (bundle,) = (clone / "build" / "hub").glob(f"unibos-hub-v{version}-*.tar.gz")
    assert bundle.is_file(), built.stdout
    release = built.stdout.split("release ", 1)[1].split(",", 1)[0]
    return version, release


def running(stack):
    """The release the host's current link names and the version `unibos --version` says."""
    release = Path(stack.host.check_output(f"readlink {CURRENT}")).name
    version = stack.host.check_output("/usr/local/sbin/unibos --version").split()[-1]
    return release, version


def healthy(stack):
    wait_for(stack.healthy, 120, "hub and node health 200")
    assert stack.health(HUB_PORT)[0] == 200
    assert stack.health(NODE_PORT)[0] == 200


@pytest.fixture(scope="module")
def release_a(stack):
    healthy(stack)
    return running(stack)


def test_an_upgrade_installs_release_b_behind_the_health_gates(stack, manager, clone, release_a):
    version_b, release_b = release_and_build(clone, "Upgrade test: release B")
    assert version_b != release_a[1]
    done = ok(manager("upgrade", "--to", version_b, "--bundles", str(clone / "build")))
    assert stack.hostname in done.stdout
    assert running(stack) == (release_b, version_b)
    healthy(stack)
    # A and B both stay installed: what a rollback goes back to.
    assert stack.host.file(f"/opt/unibos/releases/{release_a[0]}/.complete").exists


def test_a_rollback_goes_back_to_release_a_behind_the_health_gates(stack, manager, release_a):
    done = manager("rollback", "--json")
    ok(done)
    (row,) = json.loads(done.stdout.splitlines()[-1])["recap"]
    assert (row["host"], row["failed"]) == (stack.hostname, 0)
    assert running(stack) == release_a
    healthy(stack)


def test_a_rollback_to_a_release_that_is_not_installed_is_refused_naming_the_host(
    stack, manager, release_a
):
    done = manager("rollback", "--to", "9.9.9-000000000000")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{stack.hostname}: release 9.9.9-000000000000 is not installed here" in done.stderr
    assert running(stack) == release_a


def test_an_upgrade_to_a_missing_bundle_is_refused_naming_it_and_its_build(
    stack, manager, clone, release_a
):
    done = manager("upgrade", "--to", "9.9.9", "--bundles", str(clone / "build"))
    assert done.returncode == 2, done.stdout + done.stderr
    missing = clone.resolve() / "build" / "hub" / "unibos-hub-v9.9.9-amd64.tar.gz"
    assert f"{stack.hostname}: no bundle {missing}" in done.stderr
    assert "unibos-dev build hub --version 9.9.9 --arch amd64" in done.stderr
    assert running(stack) == release_a


def test_an_upgrade_to_a_broken_release_stops_and_leaves_the_host_on_a(
    stack, manager, clone, release_a
):
    settings = clone / BROKEN_SETTINGS
    settings.write_text(
        settings.read_text() + '\nraise RuntimeError("release C is broken on purpose")\n'
    )
    ok(run(["git", "commit", "-q", "-am", "Upgrade test: a hub that cannot start"], clone))
    version_c, release_c = release_and_build(clone, "Upgrade test: release C")
    done = manager("upgrade", "--to", version_c, "--bundles", str(clone / "build"))
    assert done.returncode == 1, done.stdout + done.stderr
    # The rescue's message: host, release, the step that failed, and where it went back.
    stopped = re.search(
        rf"{stack.hostname}: release {re.escape(release_c)} did not come up healthy "
        rf"\((?P<step>[^:]+): .*\); rolled back to {re.escape(release_a[0])}\.",
        done.stderr,
    )
    assert stopped, done.stderr
    # The step is the task that failed (the hub cannot even read its migrations).
    assert stopped["step"] != "unknown task"
    assert "hub" in stopped["step"]
    assert running(stack) == release_a
    # C no longer counts as installed: no later rollback goes to it.
    assert not stack.host.file(f"/opt/unibos/releases/{release_c}/.complete").exists
    healthy(stack)
