"""Services run the system checks before they serve or consume, and exit on errors."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from unibos_controller.testbed.servers import free_port
from unibos_controller.testbed.workers import UNIBOS_WORKER, worker_environment

BIN = Path(sys.executable).parent
SHORT_KEY = {"UNIBOS_SECRET_KEY": "too-short"}


def run(
    command: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def hub_environment(**overrides: str) -> dict[str, str]:
    return worker_environment(UNIBOS_DEPLOYMENT_TYPE="hub", **overrides)


def test_gunicorn_refuses_to_boot_the_hub_with_a_short_secret_key():
    completed = run(
        [str(BIN / "gunicorn"), "unibos.wsgi:application", "--bind", f"127.0.0.1:{free_port()}"],
        hub_environment(**SHORT_KEY),
    )

    assert completed.returncode != 0
    assert "unibos.E001" in completed.stderr
    assert "UNIBOS_SECRET_KEY" in completed.stderr


def test_gunicorn_refuses_to_boot_the_hub_as_a_database_superuser(postgresql_server, tmp_path):
    password_file = tmp_path / "superuser_password"
    password_file.write_text(postgresql_server.password)
    completed = run(
        [str(BIN / "gunicorn"), "unibos.wsgi:application", "--bind", f"127.0.0.1:{free_port()}"],
        hub_environment(
            UNIBOS_DB_USER=postgresql_server.user, UNIBOS_DB_PASSWORD_FILE=str(password_file)
        ),
    )

    assert completed.returncode != 0
    assert "unibos.E010" in completed.stderr
    assert "UNIBOS_DB_USER" in completed.stderr


def test_gunicorn_serves_the_health_endpoint_with_good_settings(worker, tmp_path):
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "unibos.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        env=hub_environment(UNIBOS_ALLOWED_HOSTS="127.0.0.1"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health") as response:
                    assert response.status == 200
                    assert b'"deployment": "hub"' in response.read()
                    break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_importing_the_wsgi_application_names_a_missing_variable():
    env = hub_environment()
    del env["UNIBOS_DB_HOST"]

    completed = run([sys.executable, "-c", "import unibos.wsgi"], env)

    assert completed.returncode != 0
    assert "UNIBOS_DB_HOST is not set" in completed.stderr


def test_celery_beat_exits_non_zero_on_a_failing_check(tmp_path):
    completed = run(
        [str(BIN / "celery"), "-A", "unibos.celery", "beat", "-s", str(tmp_path / "schedule")],
        hub_environment(UNIBOS_HEALTH_QUEUES="default,gpu"),
    )

    assert completed.returncode != 0
    assert "unibos.E006" in completed.stderr
    assert "UNIBOS_HEALTH_QUEUES" in completed.stderr


@pytest.mark.parametrize(
    "command",
    [
        [UNIBOS_WORKER, "start", "--type", "core"],
        [str(BIN / "celery"), "-A", "unibos.celery", "worker"],
    ],
    ids=["unibos-worker", "celery-worker"],
)
def test_a_worker_exits_non_zero_on_a_failing_check(command, tmp_path):
    completed = run(command, worker_environment(UNIBOS_DATA_DIR=str(tmp_path / "absent")))

    assert completed.returncode != 0
    assert "unibos.E007" in completed.stderr
    assert "UNIBOS_DATA_DIR" in completed.stderr
