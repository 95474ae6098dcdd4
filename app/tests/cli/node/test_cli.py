import os
import subprocess
import sys

# The `unibos` console script, run the way the installed one runs it.
UNIBOS = [sys.executable, "-c", "from unibos.cli.node import cli; cli(prog_name='unibos')"]


def environment_without_unibos() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("UNIBOS_", "DJANGO_"))
    }


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*UNIBOS, *args],
        env=environment_without_unibos(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_needs_no_settings():
    for command in ("enrol", "status", "login"):
        completed = run(command, "--help")

        assert completed.returncode == 0, completed.stderr
        assert f"Usage: unibos {command}" in completed.stdout


def test_a_missing_setting_is_a_clean_error_naming_it():
    completed = run("status")

    assert completed.returncode == 1
    assert completed.stderr.strip() == "Error: bad settings: UNIBOS_DEPLOYMENT_TYPE is not set"
