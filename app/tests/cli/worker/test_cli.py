import os
import subprocess

from unibos_controller.testbed.workers import UNIBOS_WORKER


def environment_without_unibos() -> dict[str, str]:

    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("UNIBOS_", "DJANGO_"))
    }


def test_help_needs_no_settings():
    completed = subprocess.run(
        [UNIBOS_WORKER, "start", "--help"],
        env=environment_without_unibos(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0
    assert "--concurrency" in completed.stdout


def test_a_missing_setting_is_a_clean_error_naming_it():
    completed = subprocess.run(
        [UNIBOS_WORKER, "status"],
        env=environment_without_unibos(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stderr.strip() == "Error: bad settings: UNIBOS_DEPLOYMENT_TYPE is not set"
