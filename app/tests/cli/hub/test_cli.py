"""`unibos-hub` as installed: it needs neither Django settings nor a database."""

import os
import subprocess
import sys
from pathlib import Path

UNIBOS_HUB = str(Path(sys.executable).with_name("unibos-hub"))


def environment_without_unibos(**variables: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("UNIBOS_", "DJANGO_"))
    }
    return {**env, **variables}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_help_lists_status_and_failover_without_any_setting():
    completed = run([UNIBOS_HUB, "--help"], environment_without_unibos())

    assert completed.returncode == 0
    assert "status" in completed.stdout
    assert "failover" in completed.stdout


def test_status_runs_with_only_the_patroni_urls_set(patroni):
    completed = run(
        [UNIBOS_HUB, "status"], environment_without_unibos(UNIBOS_PATRONI_URLS=patroni.url)
    )

    assert completed.returncode == 0, completed.stderr
    assert "rocksteady  rocksteady  leader" in completed.stdout


def test_a_missing_setting_is_a_clean_error_naming_it():
    completed = run([UNIBOS_HUB, "status"], environment_without_unibos())

    assert completed.returncode == 2
    assert completed.stderr.strip() == "Error: bad settings: UNIBOS_PATRONI_URLS is not set"


def test_the_hub_cli_imports_no_django():
    code = (
        "import sys, unibos.cli.hub; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'celery', 'redis'}))"
    )

    completed = run([sys.executable, "-c", code], environment_without_unibos())

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
