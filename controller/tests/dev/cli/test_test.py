"""`unibos-dev test`: its names are the Makefile's targets, and it runs them."""

import re
import subprocess
import sys

from unibos_controller.bundles.wheels import TOOLS_ROOT
from unibos_controller.devstack.make_targets import TEST_TARGETS

# `unibos-dev` in a subprocess, from the package the tests import (.venv's editable one).
UNIBOS_DEV = [sys.executable, "-c", "from unibos_controller.cli.dev import cli; cli()"]


def makefile_targets():
    text = (TOOLS_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_-]*):(?!=)", text, flags=re.MULTILINE))


def test_every_name_is_a_target_of_the_makefile_and_every_test_target_has_a_name():
    targets = makefile_targets()
    assert set(TEST_TARGETS.values()) <= targets, set(TEST_TARGETS.values()) - targets
    checks = {t for t in targets if t.startswith("test") or t.endswith("-test")} | {"lint"}
    assert checks <= set(TEST_TARGETS.values()), checks - set(TEST_TARGETS.values())


def test_unibos_dev_test_lint_runs_make_lint_and_exits_with_its_code():
    # For real: this checkout's ruff, lint-imports, yamllint and ansible-lint (about 30 s).
    done = subprocess.run(
        [*UNIBOS_DEV, "test", "lint"],
        cwd=TOOLS_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "ruff check ." in done.stdout
    assert "ansible-lint" in done.stdout


def test_an_unknown_name_is_refused_with_exit_2_naming_it(dev):
    result = dev(TOOLS_ROOT, "test", "lint", "bogus")
    assert result.exit_code == 2
    assert "'bogus' is not one of" in result.output
